// Which annotation and label keys a field manager owns, from an object's managedFields. Server-side
// apply records ownership as a FieldsV1 set: {"f:metadata":{"f:annotations":{"f:KEY":{}},
// "f:labels":{"f:KEY":{}}}}. The diff uses this to remove annotations we set earlier and the file no
// longer asks for, without touching keys other managers own.
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
