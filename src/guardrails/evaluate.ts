// Checks a bindings file against the guardrails: pure, no I/O. Each violation points at the place
// in the bindings file (the binding, or the ServiceAccount or cluster entry) and at the rule in the
// guardrails file, says what is wrong and what to do. A rule's `except` moves a role's violations to
// `exempted`, with the reason, so exceptions stay visible in every plan.
import type { Binding, BindingsFile, SourceLocation } from '../bindings/types.js';
import { globCoveredBy, globMatches, globsOverlap, isGlob } from './glob.js';
import {
  allowStatements,
  appliesToAllResources,
  describeGrant,
  grantsActionMatching,
  hasUnscopedResource,
  statementName,
} from './statements.js';
import type { ExemptedViolation, Guardrails, GuardrailsReport, Rule, RuleOf, Violation } from './types.js';

export interface EvaluateOptions {
  /** Warnings become errors. */
  strict?: boolean;
  /**
   * Issuer URL per cluster key, for clusters whose issuer is looked up at run time (Control Plane).
   * Without it such clusters are listed in `unchecked` by clusters.allowedIssuers.
   */
  resolvedIssuers?: ReadonlyMap<string, string>;
}

type Found = { message: string; at: SourceLocation; role?: string };

const q = (s: string) => JSON.stringify(s);

export function evaluateGuardrails(
  guardrails: Guardrails,
  file: BindingsFile,
  options: EvaluateOptions = {},
): GuardrailsReport {
  const strict = options.strict ?? false;
  const report: GuardrailsReport = { strict, violations: [], exempted: [], unchecked: [] };
  if (guardrails.path !== undefined) report.source = guardrails.path;
  for (const rule of guardrails.rules) {
    for (const found of check(rule, file, options, report.unchecked)) {
      const violation: Violation = {
        rule: rule.id,
        severity: strict ? 'error' : rule.severity,
        message: found.message,
        at: found.at,
      };
      if (found.role !== undefined) violation.role = found.role;
      if (rule.location) violation.ruleAt = rule.location;
      const exception = found.role === undefined ? undefined : rule.except.find((e) => e.role === found.role);
      if (exception)
        report.exempted.push({ ...violation, reason: exception.reason } satisfies ExemptedViolation);
      else report.violations.push(violation);
    }
  }
  const order = (v: Violation) => [v.at.file, v.at.line, v.at.col] as const;
  report.violations.sort((a, b) => {
    const [fa, la, ca] = order(a);
    const [fb, lb, cb] = order(b);
    return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb;
  });
  return report;
}

function check(rule: Rule, file: BindingsFile, options: EvaluateOptions, unchecked: string[]): Found[] {
  switch (rule.id) {
    case 'managedPolicies.deny':
      return perBinding(file, (b) => managedDeny(rule, b));
    case 'managedPolicies.allow':
      return perBinding(file, (b) => managedAllow(rule, b));
    case 'inlinePolicies.denyActions':
      return perBinding(file, (b) => denyActions(rule, b));
    case 'inlinePolicies.requireResourceScoping':
      return perBinding(file, (b) => resourceScoping(rule, b));
    case 'inlinePolicies.denyNotAction':
      return perBinding(file, (b) => notAction(b));
    case 'permissionsBoundary.required':
      return perBinding(file, (b) => boundary(rule, b, file));
    case 'maxSessionDuration.max':
      return perBinding(file, (b) =>
        b.maxSessionDuration > rule.seconds
          ? [
              found(
                b,
                `maxSessionDuration is ${b.maxSessionDuration} seconds, over the ${rule.seconds} allowed — lower it to ${rule.seconds} or less`,
              ),
            ]
          : [],
      );
    case 'subjects.allowWildcards':
      return perBinding(file, (b) => wildcards(rule, b));
    case 'subjects.allowedNamespaces':
      return perBinding(file, (b) => allowedNamespaces(rule, b));
    case 'subjects.deniedNamespaces':
      return perBinding(file, (b) => deniedNamespaces(rule, b));
    case 'roles.namePattern':
      return perBinding(file, (b) =>
        globMatches(rule.pattern, b.role)
          ? []
          : [
              found(
                b,
                `the role name does not match the required pattern ${q(rule.pattern)} — rename the role`,
              ),
            ],
      );
    case 'roles.requiredTags':
      return perBinding(file, (b) => requiredTags(rule, b, file));
    case 'clusters.allowedIssuers':
      return issuers(rule, file, options, unchecked);
  }
}

function perBinding(file: BindingsFile, each: (b: Binding) => Found[]): Found[] {
  return file.bindings.flatMap(each);
}

function found(b: Binding, message: string, at: SourceLocation | undefined = b.location): Found {
  return { role: b.role, at: at ?? b.location, message: `role ${q(b.role)}: ${message}` };
}

/** Where an inline policy is written (its name), else the binding. */
function policyAt(b: Binding, name: string): SourceLocation {
  return b.inlinePolicyLocations?.[name] ?? b.location;
}

function managedDeny(rule: RuleOf<'managedPolicies.deny'>, b: Binding): Found[] {
  return b.managedPolicies.flatMap((arn) => {
    const pattern = rule.policies.find((p) => globMatches(p, arn));
    return pattern
      ? [
          found(
            b,
            `managed policy ${arn} is denied (matches ${q(pattern)}) — grant only the actions the workload needs, in an inline or customer-managed policy`,
            b.managedPolicyLocations?.[arn],
          ),
        ]
      : [];
  });
}

function managedAllow(rule: RuleOf<'managedPolicies.allow'>, b: Binding): Found[] {
  return b.managedPolicies
    .filter((arn) => !rule.policies.some((p) => globMatches(p, arn)))
    .map((arn) =>
      found(
        b,
        `managed policy ${arn} is not on the allowed list (${rule.policies.map(q).join(', ')}) — use an allowed policy or ask the guardrails' owners to allow it`,
        b.managedPolicyLocations?.[arn],
      ),
    );
}

function denyActions(rule: RuleOf<'inlinePolicies.denyActions'>, b: Binding): Found[] {
  const out: Found[] = [];
  for (const [name, doc] of Object.entries(b.inlinePolicies)) {
    for (const st of allowStatements(doc)) {
      if (rule.onAllResources && !appliesToAllResources(st)) continue;
      const denied = rule.actions.filter((a) => grantsActionMatching(st, a));
      if (denied.length === 0) continue;
      const where = rule.onAllResources ? ' on every resource' : '';
      out.push(
        found(
          b,
          `inline policy ${q(name)} ${statementName(st)} grants ${denied.map(q).join(', ')}${where} through ${describeGrant(st, denied[0])} — list only the actions the workload needs${rule.onAllResources ? ' and name the resources' : ''}`,
          policyAt(b, name),
        ),
      );
    }
  }
  return out;
}

function resourceScoping(rule: RuleOf<'inlinePolicies.requireResourceScoping'>, b: Binding): Found[] {
  const out: Found[] = [];
  for (const [name, doc] of Object.entries(b.inlinePolicies)) {
    for (const st of allowStatements(doc)) {
      if (!hasUnscopedResource(st)) continue;
      const services = rule.services.filter((s) => grantsActionMatching(st, `${s}:*`));
      if (services.length === 0) continue;
      const resource = st.notResource ? 'NotResource (every other resource)' : 'an unscoped Resource ("*")';
      out.push(
        found(
          b,
          `inline policy ${q(name)} ${statementName(st)} grants ${services.join(', ')} actions on ${resource} — name the ARNs of the resources the workload uses`,
          policyAt(b, name),
        ),
      );
    }
  }
  return out;
}

function notAction(b: Binding): Found[] {
  const out: Found[] = [];
  for (const [name, doc] of Object.entries(b.inlinePolicies)) {
    for (const st of allowStatements(doc)) {
      const keys = [
        st.notAction ? 'NotAction' : undefined,
        st.notResource ? 'NotResource' : undefined,
      ].filter((k): k is string => k !== undefined);
      if (keys.length === 0) continue;
      out.push(
        found(
          b,
          `inline policy ${q(name)} ${statementName(st)} is an Allow with ${keys.join(' and ')}, which grants everything not listed (including actions AWS adds later) — list the allowed actions and resources instead`,
          policyAt(b, name),
        ),
      );
    }
  }
  return out;
}

function boundary(rule: RuleOf<'permissionsBoundary.required'>, b: Binding, file: BindingsFile): Found[] {
  const effective =
    b.permissionsBoundary === undefined ? file.aws.permissionsBoundary : b.permissionsBoundary;
  if (!effective) {
    const why =
      b.permissionsBoundary === null
        ? 'permissionsBoundary: null removes the boundary'
        : 'the role has no permissions boundary';
    return [
      found(
        b,
        `${why} — set permissionsBoundary (or aws.permissionsBoundary)${rule.allowed ? ` to one of ${rule.allowed.map(q).join(', ')}` : ''}`,
      ),
    ];
  }
  if (rule.allowed && !rule.allowed.some((p) => globMatches(p, effective)))
    return [
      found(
        b,
        `permissions boundary ${effective} is not one of the allowed boundaries (${rule.allowed.map(q).join(', ')}) — use an allowed one`,
      ),
    ];
  return [];
}

function wildcards(rule: RuleOf<'subjects.allowWildcards'>, b: Binding): Found[] {
  return b.serviceAccounts.flatMap((sa) => {
    const subject = `${sa.cluster}/${sa.namespace}/${sa.name}`;
    if (rule.allowed === false && (isGlob(sa.namespace) || isGlob(sa.name)))
      return [
        found(
          b,
          `subject ${subject} uses a wildcard, and wildcards are not allowed — name each ServiceAccount`,
          sa.location,
        ),
      ];
    if (rule.allowed === 'names' && isGlob(sa.namespace))
      return [
        found(
          b,
          `subject ${subject} has a wildcard namespace; wildcards are allowed only in names — name the namespace`,
          sa.location,
        ),
      ];
    // A namespace pattern that covers every possible name lets any namespace's ServiceAccounts in.
    if (rule.allowed === 'partial' && globCoveredBy('?*', [sa.namespace]))
      return [
        found(
          b,
          `subject ${subject} matches ServiceAccounts in every namespace of cluster ${q(sa.cluster)} — name the namespace`,
          sa.location,
        ),
      ];
    return [];
  });
}

function allowedNamespaces(rule: RuleOf<'subjects.allowedNamespaces'>, b: Binding): Found[] {
  return b.serviceAccounts.flatMap((sa) => {
    const allowed = Object.entries(rule.clusters)
      .filter(([cluster]) => globMatches(cluster, sa.cluster))
      .flatMap(([, namespaces]) => namespaces);
    if (allowed.length === 0)
      return [
        found(
          b,
          `cluster ${q(sa.cluster)} has no allowed namespaces in subjects.allowedNamespaces — ask the guardrails' owners to list them`,
          sa.location,
        ),
      ];
    if (globCoveredBy(sa.namespace, allowed)) return [];
    const how = isGlob(sa.namespace) ? 'can match namespaces outside' : 'is not one of';
    return [
      found(
        b,
        `namespace ${q(sa.namespace)} ${how} the namespaces allowed on cluster ${q(sa.cluster)} (${allowed.map(q).join(', ')}) — use an allowed namespace`,
        sa.location,
      ),
    ];
  });
}

function deniedNamespaces(rule: RuleOf<'subjects.deniedNamespaces'>, b: Binding): Found[] {
  return b.serviceAccounts.flatMap((sa) => {
    const denied = rule.namespaces.filter((n) => globsOverlap(sa.namespace, n));
    if (denied.length === 0) return [];
    const how = isGlob(sa.namespace)
      ? `can match the denied namespace${denied.length > 1 ? 's' : ''}`
      : 'is denied by';
    return [
      found(
        b,
        `namespace ${q(sa.namespace)} ${how} ${denied.map(q).join(', ')} — bind workloads outside system namespaces`,
        sa.location,
      ),
    ];
  });
}

function requiredTags(rule: RuleOf<'roles.requiredTags'>, b: Binding, file: BindingsFile): Found[] {
  const tags = { ...file.aws.tags, ...b.tags };
  return rule.tags.flatMap(({ key, values }) => {
    const value = tags[key];
    if (value === undefined)
      return [found(b, `the required tag ${q(key)} is missing — add it under tags (or aws.tags)`)];
    if (values && !values.some((p) => globMatches(p, value)))
      return [
        found(
          b,
          `tag ${q(key)} is ${q(value)}, not one of the allowed values (${values.map(q).join(', ')}) — use an allowed value`,
        ),
      ];
    return [];
  });
}

function issuers(
  rule: RuleOf<'clusters.allowedIssuers'>,
  file: BindingsFile,
  options: EvaluateOptions,
  unchecked: string[],
): Found[] {
  const out: Found[] = [];
  for (const cluster of file.clusters) {
    const issuer = cluster.issuer ?? options.resolvedIssuers?.get(cluster.key);
    if (issuer === undefined) {
      unchecked.push(
        `clusters.allowedIssuers: the issuer of Control Plane cluster ${q(cluster.key)} is looked up at plan time; plan and apply check it`,
      );
      continue;
    }
    if (rule.issuers.some((p) => globMatches(p, issuer.replace(/\/+$/, '')))) continue;
    out.push({
      at: cluster.location,
      message: `cluster ${q(cluster.key)}: issuer ${issuer} is not one of the allowed issuers (${rule.issuers.map(q).join(', ')}) — use a trusted cluster, or ask the guardrails' owners to add it`,
    });
  }
  return out;
}
