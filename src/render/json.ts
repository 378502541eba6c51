// The plan as JSON: the file `plan --out` writes and `apply --plan` reads back. Top-level keys come
// in a fixed, readable order (identity first, then counts, warnings and changes); everything below
// keeps the plan's own deterministic order, so the same plan always renders byte for byte the same.
import type { Plan } from '../plan/types.js';

export function renderPlanJson(plan: Plan): string {
  const ordered: Plan = {
    formatVersion: plan.formatVersion,
    planId: plan.planId,
    owner: plan.owner,
    accountId: plan.accountId,
    bindingsFile: plan.bindingsFile,
    summary: plan.summary,
    warnings: plan.warnings,
    changes: plan.changes,
    ...(plan.restarts ? { restarts: plan.restarts } : {}),
    ...(plan.roleUsage ? { roleUsage: plan.roleUsage } : {}),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
