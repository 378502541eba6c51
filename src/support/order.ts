// Canonical ordering for desired state: the same file must give byte-identical output on every
// machine, so we compare by UTF-16 code units (never localeCompare, which depends on the locale)
// and build every record with its keys in sorted order.

/** Orders strings by code units: stable across locales and Node versions. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted copy without duplicates. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareStrings);
}

/** Copy of `record` whose keys are in sorted order (JSON.stringify keeps insertion order). */
export function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort(compareStrings)) out[key] = record[key];
  return out;
}
