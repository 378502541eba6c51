// Field ownership (managedFields) as the API server's structured-merge-diff keeps it, reduced to
// the leaf fields the emulator models:
// - an Update (create, PUT, merge/JSON patch) gives its manager the fields it changed and takes
//   them away from everyone else, no questions asked;
// - an Apply sets exactly the fields in the applied configuration; a field another manager owns
//   with a different value is a conflict (409) unless `force`, which moves the ownership; fields
//   the applier owned before but left out are removed unless another manager still owns them;
// - an object with no managedFields at all (created before server-side apply, or whose
//   managedFields were reset) gets every live field assigned to the manager `before-first-apply`
//   (operation Update) on its first apply, so a differing value conflicts like any other owner's.
//   Source: Kubernetes docs, "Server-Side Apply" → "Upgrading from client-side apply" and
//   structured-merge-diff's `before-first-apply` manager in k8s.io/apiserver fieldmanager.
import { KubeStatusError, type StatusCause } from './status.js';
import type { FieldManager, FieldMap } from './types.js';

/** The manager the API server records for fields that predate an object's first apply. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

const pathOf = (key: string): string[] => JSON.parse(key) as string[];

/** The path as structured-merge-diff prints it: `.metadata.annotations.eks.amazonaws.com/role-arn`. */
export const pathString = (key: string): string =>
  pathOf(key)
    .map((s) => `.${s}`)
    .join('');

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** `{"f:metadata":{"f:labels":{".":{},"f:app":{}}}}`: maps the manager touched carry a "." entry. */
export function fieldsV1(keys: Set<string>): Record<string, unknown> {
  const root: Record<string, Record<string, unknown>> = {};
  for (const key of keys) {
    const path = pathOf(key);
    let node = root;
    path.forEach((segment, i) => {
      if (path[0] === 'metadata' && i === 2) node['.'] = {};
      node = (node[`f:${segment}`] ??= {}) as Record<string, Record<string, unknown>>;
    });
  }
  return sortFieldSet(root);
}

function sortFieldSet(node: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(node).sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : a.localeCompare(b)));
  return Object.fromEntries(keys.map((k) => [k, sortFieldSet(node[k] as Record<string, unknown>)]));
}

const cloneManagers = (managers: FieldManager[]): FieldManager[] =>
  managers.map((m) => ({ ...m, fields: new Set(m.fields) }));

function entryFor(
  managers: FieldManager[],
  manager: string,
  operation: FieldManager['operation'],
  now: string,
): FieldManager {
  let entry = managers.find((m) => m.manager === manager && m.operation === operation);
  if (!entry) {
    entry = { manager, operation, time: now, fields: new Set() };
    managers.push(entry);
  }
  return entry;
}

/** Ownership after a non-apply write by `manager` turned `before` into `after`. */
export function recordUpdate(
  managers: FieldManager[],
  manager: string,
  before: FieldMap,
  after: FieldMap,
  now: string,
): FieldManager[] {
  const changed = new Set<string>();
  for (const [key, leaf] of after)
    if (!before.has(key) || !sameValue(before.get(key)!.value, leaf.value)) changed.add(key);
  const removed = [...before.keys()].filter((key) => !after.has(key));
  const next = cloneManagers(managers);
  for (const m of next) for (const key of [...changed, ...removed]) m.fields.delete(key);
  if (changed.size > 0) {
    const entry = entryFor(next, manager, 'Update', now);
    for (const key of changed) entry.fields.add(key);
    entry.time = now;
  }
  return next.filter((m) => m.fields.size > 0);
}

export interface ApplyResult {
  fields: FieldMap;
  managers: FieldManager[];
}

/** Server-side apply of `applied` (the applier's whole intent) by `manager` on `current`. */
export function serverSideApply(
  current: FieldMap,
  managers: FieldManager[],
  manager: string,
  applied: FieldMap,
  force: boolean,
  now: string,
): ApplyResult {
  const next =
    managers.length === 0 && current.size > 0
      ? [
          {
            manager: BEFORE_FIRST_APPLY,
            operation: 'Update' as const,
            time: now,
            fields: new Set(current.keys()),
          },
        ]
      : cloneManagers(managers);
  const isApplier = (m: FieldManager): boolean => m.manager === manager && m.operation === 'Apply';
  const conflicts: { owner: FieldManager; key: string }[] = [];
  for (const [key, leaf] of applied) {
    const live = current.get(key);
    if (!live || sameValue(live.value, leaf.value)) continue;
    for (const owner of next) if (!isApplier(owner) && owner.fields.has(key)) conflicts.push({ owner, key });
  }
  if (conflicts.length > 0 && !force) throw conflictError(conflicts);
  for (const { owner, key } of conflicts) owner.fields.delete(key);

  const entry = entryFor(next, manager, 'Apply', now);
  const fields: FieldMap = new Map(current);
  for (const key of entry.fields) {
    if (applied.has(key)) continue;
    const sharedWith = next.some((m) => m !== entry && m.fields.has(key));
    if (!sharedWith) fields.delete(key);
  }
  for (const [key, leaf] of applied) fields.set(key, leaf);
  entry.fields = new Set(applied.keys());
  entry.time = now;
  return { fields, managers: next.filter((m) => m.fields.size > 0) };
}

/** How the API server names a manager in conflicts: Update managers with their API version. */
const printManager = (m: FieldManager): string =>
  m.operation === 'Update' ? `"${m.manager}" using v1` : `"${m.manager}"`;

function conflictError(conflicts: { owner: FieldManager; key: string }[]): KubeStatusError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    type: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.owner)}`,
    field: pathString(c.key),
  }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].owner)}: ${pathString(conflicts[0].key)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const name = printManager(c.owner);
      byManager.set(name, [...(byManager.get(name) ?? []), pathString(c.key)]);
    }
    const lines = [...byManager.keys()]
      .sort()
      .flatMap((name) => [`conflicts with ${name}:`, ...byManager.get(name)!.map((p) => `- ${p}`)]);
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new KubeStatusError(409, 'Conflict', message, { causes });
}

/** True when two states hold the same fields and ownership (times ignored): such a write is a no-op. */
export function sameState(a: ApplyResult, b: ApplyResult): boolean {
  const fields = (f: FieldMap): string =>
    JSON.stringify([...f.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([k, l]) => [k, l.value]));
  const owners = (ms: FieldManager[]): string =>
    JSON.stringify(ms.map((m) => [m.manager, m.operation, [...m.fields].sort()]));
  return fields(a.fields) === fields(b.fields) && owners(a.managers) === owners(b.managers);
}
