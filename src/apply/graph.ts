// The order apply must respect, as dependencies between the plan's changes (pure):
//   OIDC provider create/update → roles whose new trust policy names that provider
//   role create/update/adopt/replace → the ServiceAccounts annotated with that role
//   ServiceAccounts moving off or leaving a role → that role's delete
//   role deletes and updates that drop a provider from their trust → that provider's delete
// Every edge points from an earlier layer to a later one, so the graph has no cycles.
//
// Linear in the plan's size: every rule looks its partners up in an index keyed by the lower-cased
// name or ARN (IAM compares both without case), built once, instead of comparing every pair.
import type { Change } from '../plan/types.js';
import { ROLE_ARN_ANNOTATION } from '../support/ownership.js';
import type { PolicyDocument } from '../policy/types.js';

export interface ApplyStep {
  /** Index in plan.changes. */
  index: number;
  change: Change;
  /** Indexes of the changes that must succeed first, ascending. */
  dependsOn: number[];
}

const lower = (s: string): string => s.toLowerCase();

/** Every string value in a policy document, lower-cased: the ARNs a trust policy names are among them. */
function namedStrings(doc: PolicyDocument | null | undefined): Set<string> {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') found.add(lower(value));
    else if (Array.isArray(value)) for (const item of value) walk(item);
    else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) walk(item);
  };
  walk(doc);
  return found;
}

/** Appends to the list under `key`, creating it. */
function index<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function dependencyGraph(changes: Change[]): ApplyStep[] {
  const deps = changes.map(() => new Set<number>());
  // Indexes of the partners each rule looks for, by lower-cased key.
  const providersToWrite = new Map<string, number[]>(); // provider create/update, by ARN
  const providersToDelete = new Map<string, number[]>(); // provider delete, by ARN
  const rolesToWrite = new Map<string, number[]>(); // role other than delete, by name
  const saByOldRoleArn = new Map<string, number[]>(); // ServiceAccount, by its current role-arn annotation
  changes.forEach((change, i) => {
    if (change.kind === 'oidc-provider') {
      if (change.action === 'delete') index(providersToDelete, lower(change.before.arn), i);
      else index(providersToWrite, lower(change.after.arn), i);
    } else if (change.kind === 'role') {
      if (change.action !== 'delete') index(rolesToWrite, lower(change.after.name), i);
    } else {
      const before = change.before?.annotations[ROLE_ARN_ANNOTATION];
      if (before !== undefined) index(saByOldRoleArn, lower(before), i);
    }
  });

  changes.forEach((change, i) => {
    if (change.kind === 'role') {
      if (change.action !== 'delete' && providersToWrite.size > 0) {
        for (const name of namedStrings(change.after.trustPolicy))
          for (const provider of providersToWrite.get(name) ?? []) deps[i].add(provider);
      }
      if (change.action === 'delete') {
        for (const sa of saByOldRoleArn.get(lower(change.before.arn)) ?? []) deps[i].add(sa);
      }
      if (providersToDelete.size > 0) {
        for (const name of namedStrings(change.before?.trustPolicy))
          for (const provider of providersToDelete.get(name) ?? []) deps[provider].add(i);
      }
    } else if (change.kind === 'service-account' && change.after) {
      for (const role of rolesToWrite.get(lower(change.after.role)) ?? []) deps[i].add(role);
    }
  });

  return changes.map((change, i) => ({
    index: i,
    change,
    dependsOn: [...deps[i]].sort((a, b) => a - b),
  }));
}
