// Which annotation and label keys a field manager owns, from an object's managedFields. Server-side
// apply records ownership as a FieldsV1 set: {"f:metadata":{"f:annotations":{"f:KEY":{}},
// "f:labels":{"f:KEY":{}}}}. The diff uses this to remove annotations we set earlier and the file no
// longer asks for, without touching keys other managers own, and to know before apply which key
// another manager holds (server-side apply without force would get a 409 for it).
import type { V1ManagedFieldsEntry } from '@kubernetes/client-node';

export function ownedKeys(
  entries: V1ManagedFieldsEntry[],
  manager: string,
): { annotations: string[]; labels: string[] } {
  const annotations = new Set<string>();
  const labels = new Set<string>();
  for (const entry of entries) {
    if (entry.manager !== manager || (entry.fieldsType && entry.fieldsType !== 'FieldsV1')) continue;
    const metadata = child(entry.fieldsV1 as unknown, 'f:metadata');
    for (const key of fieldKeys(child(metadata, 'f:annotations'))) annotations.add(key);
    for (const key of fieldKeys(child(metadata, 'f:labels'))) labels.add(key);
  }
  return { annotations: [...annotations].sort(), labels: [...labels].sort() };
}

function child(node: unknown, key: string): unknown {
  return node && typeof node === 'object' && !Array.isArray(node)
    ? (node as Record<string, unknown>)[key]
    : undefined;
}

/** `f:KEY` members of a field set; `.` (the set itself) and `k:`/`v:`/`i:` members are not keys. */
function fieldKeys(set: unknown): string[] {
  if (!set || typeof set !== 'object' || Array.isArray(set)) return [];
  return Object.keys(set).flatMap((k) => (k.startsWith('f:') ? [k.slice(2)] : []));
}

/** The manager a real API server names for fields of an object that has no managedFields at all. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

/**
 * Who else owns each annotation and label, keyed `annotations.KEY` / `labels.KEY` (the plan's field
 * names): every manager other than `ourManager`. An object with no managedFields (created before
 * server-side apply, or reset) has every key owned by `before-first-apply`: that is what the API
 * server records on the first apply, so a differing value conflicts then.
 */
export function otherOwners(
  entries: V1ManagedFieldsEntry[],
  ourManager: string,
  keys: { annotations: string[]; labels: string[] },
): Record<string, string[]> {
  const owners: Record<string, string[]> = {};
  const add = (field: string, manager: string) => {
    const list = (owners[field] ??= []);
    if (!list.includes(manager)) list.push(manager);
  };
  if (entries.length === 0) {
    for (const key of keys.annotations) add(`annotations.${key}`, BEFORE_FIRST_APPLY);
    for (const key of keys.labels) add(`labels.${key}`, BEFORE_FIRST_APPLY);
    return owners;
  }
  for (const entry of entries) {
    if (entry.manager === ourManager || (entry.fieldsType && entry.fieldsType !== 'FieldsV1')) continue;
    const metadata = child(entry.fieldsV1 as unknown, 'f:metadata');
    for (const key of fieldKeys(child(metadata, 'f:annotations')))
      add(`annotations.${key}`, entry.manager ?? '');
    for (const key of fieldKeys(child(metadata, 'f:labels'))) add(`labels.${key}`, entry.manager ?? '');
  }
  for (const list of Object.values(owners)) list.sort();
  return owners;
}
