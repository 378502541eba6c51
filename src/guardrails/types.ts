// The guardrails file after parsing and validation: the security team's rules that every plan must
// satisfy. A bindings file cannot switch them off; only a change to the guardrails file (reviewed by
// its own CODEOWNERS, and called out in the plan comment) can.
import type { Severity } from '../bindings/diagnostics.js';
import type { SourceLocation } from '../bindings/types.js';

/** A role the rule does not apply to, and why (the reason is shown wherever the exception is used). */
export interface RuleException {
  role: string;
  reason: string;
  location?: SourceLocation;
}

interface RuleBase {
  severity: Severity;
  except: RuleException[];
  /** Where the rule is written; undefined for the built-in defaults. */
  location?: SourceLocation;
}

/** Which subjects `subjects.allowWildcards` lets through. */
export type WildcardAllowance = false | 'names' | 'partial';

export type Rule =
  | (RuleBase & { id: 'managedPolicies.deny'; policies: string[] })
  | (RuleBase & { id: 'managedPolicies.allow'; policies: string[] })
  | (RuleBase & { id: 'inlinePolicies.denyActions'; actions: string[]; onAllResources: boolean })
  | (RuleBase & { id: 'inlinePolicies.requireResourceScoping'; services: string[] })
  | (RuleBase & { id: 'inlinePolicies.denyNotAction' })
  | (RuleBase & { id: 'permissionsBoundary.required'; allowed?: string[] })
  | (RuleBase & { id: 'maxSessionDuration.max'; seconds: number })
  | (RuleBase & { id: 'subjects.allowWildcards'; allowed: WildcardAllowance })
  | (RuleBase & { id: 'subjects.allowedNamespaces'; clusters: Record<string, string[]> })
  | (RuleBase & { id: 'subjects.deniedNamespaces'; namespaces: string[] })
  | (RuleBase & { id: 'roles.namePattern'; pattern: string })
  | (RuleBase & { id: 'roles.requiredTags'; tags: Array<{ key: string; values?: string[] }> })
  | (RuleBase & { id: 'clusters.allowedIssuers'; issuers: string[] });

export type RuleId = Rule['id'];
export type RuleOf<Id extends RuleId> = Extract<Rule, { id: Id }>;

/** Every rule id, in the order rules are checked and reported. */
export const RULE_IDS: readonly RuleId[] = [
  'managedPolicies.deny',
  'managedPolicies.allow',
  'inlinePolicies.denyActions',
  'inlinePolicies.requireResourceScoping',
  'inlinePolicies.denyNotAction',
  'permissionsBoundary.required',
  'maxSessionDuration.max',
  'subjects.allowWildcards',
  'subjects.allowedNamespaces',
  'subjects.deniedNamespaces',
  'roles.namePattern',
  'roles.requiredTags',
  'clusters.allowedIssuers',
];

export interface Guardrails {
  /** The guardrails file; undefined when the built-in defaults apply (no file found). */
  path?: string;
  rules: Rule[];
}

export interface Violation {
  rule: RuleId;
  /** After --strict (warnings become errors). */
  severity: Severity;
  /** What is wrong and what to do instead. */
  message: string;
  /** The role the violation is about (absent for cluster rules). */
  role?: string;
  /** The place in the bindings file. */
  at: SourceLocation;
  /** Where the rule is written; undefined for a built-in default. */
  ruleAt?: SourceLocation;
}

export interface ExemptedViolation extends Violation {
  /** The exception's reason, shown so reviewers see every exception in use. */
  reason: string;
}

export interface GuardrailsReport {
  /** The guardrails file, or undefined for the built-in defaults. */
  source?: string;
  strict: boolean;
  violations: Violation[];
  exempted: ExemptedViolation[];
  /** Rules that could not be checked here and why (e.g. Control Plane issuers in offline validate). */
  unchecked: string[];
}

export function hasBlockingViolations(report: GuardrailsReport): boolean {
  return report.violations.some((v) => v.severity === 'error');
}
