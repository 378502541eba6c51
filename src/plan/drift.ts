// Which changes of a pull request's plan the pull request makes, and which undo edits made outside
// the bindings file (drift): a change the base branch's file plans too, against the same IAM and
// clusters, is not the pull request's doing — someone changed IAM or a cluster by hand.
import type { Change, Plan } from './types.js';

export type DriftLabels =
  /** Drift mode: no pull request, every change undoes an edit made outside the file. */
  | { kind: 'all' }
  /** Addresses of the head plan's changes that the base plan makes identically. */
  | { kind: 'some'; drift: ReadonlySet<string> };

/** The identity of a change for drift matching: the same resource, action and field edits. */
export function changeIdentity(change: Change): string {
  return `${change.address}\u0000${change.action}\u0000${JSON.stringify(change.fields)}`;
}

/** Head plan changes the base plan makes too, by identity (one set: linear). */
export function driftLabels(head: Plan, base: Plan | undefined): DriftLabels {
  const planned = new Set(base ? base.changes.map(changeIdentity) : []);
  const drift = new Set<string>();
  for (const change of head.changes) if (planned.has(changeIdentity(change))) drift.add(change.address);
  return { kind: 'some', drift };
}

export function isDrift(labels: DriftLabels | undefined, change: Change): boolean {
  if (!labels) return false;
  return labels.kind === 'all' || labels.drift.has(change.address);
}

export function driftCount(labels: DriftLabels | undefined, changes: readonly Change[]): number {
  if (!labels) return 0;
  if (labels.kind === 'all') return changes.length;
  let n = 0;
  for (const c of changes) if (labels.drift.has(c.address)) n++;
  return n;
}
