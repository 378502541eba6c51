// The plan model: the diff's changes without no-ops, in a fixed order, with Terraform-style counts
// and a planId that identifies exactly these changes. Reviewers approve a planId; apply re-plans and
// refuses to run when the id differs.
import { createHash } from 'node:crypto';
import { compareStrings } from '../support/order.js';
import type { DesiredState } from '../desired/types.js';
import type { ObservedState } from '../observed/types.js';
import { canonicalJson, hashCanonicalJson } from './canonical-json.js';
import { summarize } from './counts.js';
import { diffState } from './diff.js';
import {
  PLAN_FORMAT_VERSION,
  type Change,
  type Plan,
  type PlanConflict,
  type PlanWarning,
  type ResourceKind,
} from './types.js';

export { planDifference } from './plan-difference.js';
export { parsePlanJson } from './parse-plan.js';
export { summarize } from './counts.js';

const KIND_ORDER: Record<ResourceKind, number> = { 'oidc-provider': 0, role: 1, 'service-account': 2 };

export function compareChanges(a: Change, b: Change): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compareStrings(a.address, b.address);
}

/** The plan with more warnings (found after the diff: cluster and IAM reads), in the plan's order. */
export function withWarnings(plan: Plan, extra: readonly PlanWarning[]): Plan {
  return extra.length ? { ...plan, warnings: sortWarnings([...plan.warnings, ...extra]) } : plan;
}

function sortWarnings(warnings: PlanWarning[]): PlanWarning[] {
  const unique = new Map<string, PlanWarning>();
  for (const w of warnings) {
    const warning: PlanWarning = {
      code: w.code,
      message: w.message,
      ...(w.address ? { address: w.address } : {}),
    };
    unique.set(canonicalJson(warning), warning);
  }
  return [...unique.values()].sort(
    (a, b) =>
      compareStrings(a.address ?? '', b.address ?? '') ||
      compareStrings(a.code, b.code) ||
      compareStrings(a.message, b.message),
  );
}

/**
 * First 16 hex digits of sha256 over the canonical JSON of what apply would do. A ServiceAccount's
 * resourceVersion is left out: it moves whenever anyone touches the object (even fields that are not
 * ours), and that alone must not make a reviewed plan stale.
 */
export function computePlanId(plan: Pick<Plan, 'formatVersion' | 'owner' | 'accountId' | 'changes'>): string {
  const changes = plan.changes.map((change) =>
    change.kind === 'service-account' && change.before
      ? { ...change, before: { ...change.before, resourceVersion: undefined } }
      : change,
  );
  const hashed = { formatVersion: plan.formatVersion, owner: plan.owner, accountId: plan.accountId, changes };
  return hashCanonicalJson(hashed, createHash('sha256')).digest('hex').slice(0, 16);
}

export interface BuildPlanInput {
  desired: DesiredState;
  observed: ObservedState;
  /** The bindings file path as the user gave it (shown in plans, not hashed). */
  bindingsFile: string;
  trustPolicySizeLimit?: number;
  /** Warnings found outside the diff (e.g. the Control Plane trust policy template check). */
  extraWarnings?: PlanWarning[];
}

export function buildPlan(input: BuildPlanInput): { plan: Plan; conflicts: PlanConflict[] } {
  const { desired, observed } = input;
  const diff = diffState(desired, observed, { trustPolicySizeLimit: input.trustPolicySizeLimit });
  const changes = diff.changes.filter((c) => c.action !== 'no-op').sort(compareChanges);
  const identity = {
    formatVersion: PLAN_FORMAT_VERSION as typeof PLAN_FORMAT_VERSION,
    owner: desired.owner,
    accountId: desired.accountId,
    changes,
  };
  const plan: Plan = {
    formatVersion: PLAN_FORMAT_VERSION,
    planId: computePlanId(identity),
    owner: desired.owner,
    accountId: desired.accountId,
    bindingsFile: input.bindingsFile,
    changes,
    warnings: sortWarnings([...diff.warnings, ...(input.extraWarnings ?? [])]),
    summary: summarize(changes),
  };
  const conflicts = [...diff.conflicts].sort((a, b) => compareStrings(a.address, b.address));
  return { plan, conflicts };
}
