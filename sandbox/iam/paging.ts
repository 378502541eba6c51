// Marker/MaxItems paging as IAM does it: an opaque marker, IsTruncated, and at most MaxItems
// (default 100, at most 1000) items per page. The marker names the last key served, so a page
// boundary stays correct when entities are created or deleted between calls.
import { validationError } from './errors.js';
import { field } from './xml.js';

export interface Page<T> {
  items: T[];
  /** `<IsTruncated>…</IsTruncated>` and, when truncated, `<Marker>…</Marker>`. */
  trailer: string;
}

export function paginate<T>(
  all: T[],
  keyOf: (item: T) => string,
  marker: string | undefined,
  maxItems: number | undefined,
): Page<T> {
  let start = 0;
  if (marker !== undefined) {
    const after = decodeMarker(marker);
    start = all.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = all.length;
  }
  const size = maxItems ?? 100;
  const items = all.slice(start, start + size);
  const truncated = start + size < all.length;
  const next = truncated ? encodeMarker(keyOf(items[items.length - 1])) : undefined;
  return { items, trailer: field('IsTruncated', truncated) + field('Marker', next) };
}

function encodeMarker(key: string): string {
  return Buffer.from(`after:${key}`, 'utf8').toString('base64');
}

function decodeMarker(marker: string): string {
  const text = Buffer.from(marker, 'base64').toString('utf8');
  if (!text.startsWith('after:'))
    throw validationError([
      `Value '${marker}' at 'marker' failed to satisfy constraint: Member must be a marker returned by a previous call`,
    ]);
  return text.slice('after:'.length);
}
