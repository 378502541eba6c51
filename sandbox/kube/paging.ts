// `limit`/`continue` paging of list calls. The continue token is opaque to clients (base64 JSON of
// the last key served), and like the API server's, `remainingItemCount` is only reported for lists
// without a label selector. Items are served in key order, so a page resumes after the last key
// even when objects were added or removed in between.
import { badRequest } from './status.js';

export interface Page<T> {
  items: T[];
  /** Set when more items follow. */
  continueToken?: string;
  remainingItemCount?: number;
}

interface ContinueToken {
  v: 1;
  /** resourceVersion of the list that issued the token. */
  rv: string;
  /** Key of the last item served. */
  start: string;
}

export function paginate<T>(
  items: T[],
  keyOf: (item: T) => string,
  query: URLSearchParams,
  resourceVersion: string,
  selected: boolean,
): Page<T> {
  const limit = parseLimit(query.get('limit'));
  const token = query.get('continue');
  const after = token ? decodeToken(token).start : undefined;
  const rest = after === undefined ? items : items.filter((item) => keyOf(item) > after);
  if (limit === undefined || rest.length <= limit) return { items: rest };
  const page = rest.slice(0, limit);
  const next: ContinueToken = { v: 1, rv: resourceVersion, start: keyOf(page[page.length - 1]) };
  return {
    items: page,
    continueToken: Buffer.from(JSON.stringify(next)).toString('base64url'),
    ...(selected ? {} : { remainingItemCount: rest.length - limit }),
  };
}

function parseLimit(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`limit must be a non-negative integer, got "${value}"`);
  return n === 0 ? undefined : n;
}

function decodeToken(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<ContinueToken>;
    if (parsed.v === 1 && typeof parsed.start === 'string' && typeof parsed.rv === 'string')
      return parsed as ContinueToken;
  } catch {
    // fall through to the error below
  }
  throw badRequest(
    'continue key is not valid: pass the metadata.continue value of the previous page unchanged',
  );
}

/** The list envelope (`ServiceAccountList`, `NamespaceList`). */
export function listJson(
  kind: string,
  items: unknown[],
  page: Page<unknown>,
  resourceVersion: string,
): unknown {
  return {
    kind,
    apiVersion: 'v1',
    metadata: {
      resourceVersion,
      ...(page.continueToken ? { continue: page.continueToken } : {}),
      ...(page.remainingItemCount !== undefined ? { remainingItemCount: page.remainingItemCount } : {}),
    },
    items,
  };
}
