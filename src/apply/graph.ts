// The order apply must respect, as dependencies between the plan's changes (pure):
//   OIDC provider create/update → roles whose new trust policy names that provider
//   role create/update/adopt/replace → the ServiceAccounts annotated with that role
//   ServiceAccounts moving off or leaving a role → that role's delete
//   role deletes and updates that drop a provider from their trust → that provider's delete
// Every edge points from an earlier layer to a later one, so the graph has no cycles.
//
// Linear in the plan's size: every rule looks its partners up in an index keyed by the lower-cased
// name or ARN (IAM compares both without case), built once, instead of comparing every pair. It also
// allocates little per change (no Set per change, no lower-cased copy of every trust-policy value):
// at 10,000 bindings the plan has 23,000 changes, and garbage made here is collected here.
import type { Change } from '../plan/types.js';
import { ROLE_ARN_ANNOTATION } from '../support/ownership.js';

export interface ApplyStep {
  /** Index in plan.changes. */
  index: number;
  change: Change;
  /** Indexes of the changes that must succeed first, ascending. */
  dependsOn: number[];
}

const lower = (s: string): string => s.toLowerCase();

/**
 * True when `s`, lower-cased, starts with `arn:`: only the letters A/a, R/r, N/n lower-case to
 * a, r, n (no other character does), so this reads four char codes instead of lower-casing `s`.
 */
function startsWithArn(s: string): boolean {
  return (
    s.length >= 4 &&
    (s.charCodeAt(0) | 0x20) === 0x61 &&
    (s.charCodeAt(1) | 0x20) === 0x72 &&
    (s.charCodeAt(2) | 0x20) === 0x6e &&
    s.charCodeAt(3) === 0x3a
  );
}

/**
 * Appends to `found` the partners of every string value of a policy document (`keys` are
 * lower-cased): the ARNs a trust policy names are among its string values. When every key is an
 * ARN, only values that start with `arn:` are lower-cased and looked up, so a 10,000-role plan
 * allocates about one string per role here rather than one per value.
 */
function partnersNamedIn(
  value: unknown,
  keys: Map<string, number[]>,
  keysAreArns: boolean,
  found: number[],
): void {
  if (typeof value === 'string') {
    if (keysAreArns && !startsWithArn(value)) return;
    const partners = keys.get(lower(value));
    if (partners) for (const partner of partners) found.push(partner);
  } else if (Array.isArray(value)) {
    for (const item of value) partnersNamedIn(item, keys, keysAreArns, found);
  } else if (value !== null && typeof value === 'object') {
    for (const key in value)
      if (Object.hasOwn(value, key))
        partnersNamedIn((value as Record<string, unknown>)[key], keys, keysAreArns, found);
  }
}

/** Appends to the list under `key`, creating it. */
function index<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const allArns = (keys: Map<string, number[]>): boolean => {
  for (const key of keys.keys()) if (!startsWithArn(key)) return false;
  return true;
};

/** `list` sorted ascending without repeats (in place). */
function ascendingUnique(list: number[]): number[] {
  if (list.length < 2) return list;
  list.sort((a, b) => a - b);
  let kept = 1;
  for (let i = 1; i < list.length; i += 1) if (list[i] !== list[kept - 1]) list[kept++] = list[i];
  list.length = kept;
  return list;
}

export function dependencyGraph(changes: Change[]): ApplyStep[] {
  // Most changes have no or one dependency: a list, created on first use, sorted at the end.
  const deps: (number[] | undefined)[] = new Array<number[] | undefined>(changes.length);
  const depend = (i: number, on: number): void => {
    const list = deps[i];
    if (list) list.push(on);
    else deps[i] = [on];
  };
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
  const writeKeysAreArns = allArns(providersToWrite);
  const deleteKeysAreArns = allArns(providersToDelete);
  const found: number[] = []; // reused: the providers one trust policy names

  changes.forEach((change, i) => {
    if (change.kind === 'role') {
      if (change.action !== 'delete' && providersToWrite.size > 0) {
        found.length = 0;
        partnersNamedIn(change.after.trustPolicy, providersToWrite, writeKeysAreArns, found);
        for (const provider of found) depend(i, provider);
      }
      if (change.action === 'delete') {
        for (const sa of saByOldRoleArn.get(lower(change.before.arn)) ?? []) depend(i, sa);
      }
      if (providersToDelete.size > 0) {
        found.length = 0;
        partnersNamedIn(change.before?.trustPolicy, providersToDelete, deleteKeysAreArns, found);
        for (const provider of found) depend(provider, i);
      }
    } else if (change.kind === 'service-account' && change.after) {
      for (const role of rolesToWrite.get(lower(change.after.role)) ?? []) depend(i, role);
    }
  });

  return changes.map((change, i) => ({
    index: i,
    change,
    dependsOn: ascendingUnique(deps[i] ?? []),
  }));
}
