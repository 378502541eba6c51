// The one definition of a plan's counts, read by every renderer (text, Markdown, JSON) and by the
// action's `summary` output, so a header and a summary line can never disagree. Terraform's rules:
// a replace adds one and destroys one; an adopted role is counted once, as adopted (it was
// counted as a change as well, so "1 to add, 1 to change, 1 to adopt" described two resources).
import type { Change, PlanSummary } from './types.js';

export function summarize(changes: readonly Change[]): PlanSummary {
  const summary: PlanSummary = { add: 0, change: 0, destroy: 0, adopt: 0, replace: 0 };
  for (const change of changes) {
    if (change.action === 'create') summary.add++;
    else if (change.action === 'update') summary.change++;
    else if (change.action === 'delete') summary.destroy++;
    else if (change.action === 'adopt') summary.adopt++;
    else if (change.action === 'replace') {
      summary.add++;
      summary.destroy++;
      summary.replace++;
    }
  }
  return summary;
}

/** Resources the plan touches: a replace is one resource (though it adds one and destroys one). */
export function changedResources(summary: PlanSummary): number {
  return summary.add + summary.change + summary.destroy + summary.adopt - summary.replace;
}

/** `2 to add, 1 to change, 0 to destroy` (plus `, 1 to adopt` when something is adopted). */
export function summaryLine(summary: PlanSummary): string {
  const line = `${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy`;
  return summary.adopt > 0 ? `${line}, ${summary.adopt} to adopt` : line;
}
