// The hidden marker that identifies our comments, dflook-style: an HTML comment on the first line
// carrying JSON metadata, parsed back rather than scraped. `<` and `>` inside the JSON are written as
// \u003c / \u003e so no value (a file path with `-->`) can end the comment early.

/** Marks the one sticky plan comment per bindings file. */
export const PLAN_MARKER = 'workload-identity-bindings';
/** Marks apply result comments (never mistaken for the plan comment). */
export const APPLY_MARKER = 'workload-identity-bindings-apply';
/** Marks the one drift issue per bindings file. */
export const DRIFT_MARKER = 'workload-identity-bindings-drift';

export const MARKER_VERSION = 1;

export interface CommentMetadata {
  /** The bindings file the comment is about, as the workflow names it. */
  file: string;
  /** Absent when no plan could be made (an invalid file, conflicts). */
  planId?: string;
  headSha?: string;
  version: typeof MARKER_VERSION;
  truncated: boolean;
}

export function renderMarker(metadata: CommentMetadata, name = PLAN_MARKER): string {
  const ordered = {
    file: metadata.file,
    ...(metadata.planId !== undefined ? { planId: metadata.planId } : {}),
    ...(metadata.headSha !== undefined ? { headSha: metadata.headSha } : {}),
    version: metadata.version,
    truncated: metadata.truncated,
  };
  const json = JSON.stringify(ordered).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
  return `<!-- ${name}:${json} -->`;
}

function isMetadata(value: unknown): value is CommentMetadata {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.file === 'string' &&
    v.version === MARKER_VERSION &&
    typeof v.truncated === 'boolean' &&
    (v.planId === undefined || typeof v.planId === 'string') &&
    (v.headSha === undefined || typeof v.headSha === 'string')
  );
}

/** The metadata of a comment body that starts with our marker, else undefined. */
export function parseMarker(
  body: string | null | undefined,
  name = PLAN_MARKER,
): CommentMetadata | undefined {
  if (!body) return undefined;
  const prefix = `<!-- ${name}:`;
  if (!body.startsWith(prefix)) return undefined;
  const end = body.indexOf(' -->', prefix.length);
  if (end < 0) return undefined;
  try {
    const value: unknown = JSON.parse(body.slice(prefix.length, end));
    return isMetadata(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
