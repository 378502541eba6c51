// `limit`/`continue` paging of list calls. The continue token is opaque to clients (base64 JSON of
// the last key served), and like the API server's, `remainingItemCount` is only reported for lists
// without a label selector (tests can turn it off: ListMeta allows a server to leave it unset).
// Items are served in key order, so a page resumes after the last key even when objects were added
// or removed in between.
//
// Continue tokens expire like the API server's do once etcd compacts the list's revision (about 5
// minutes): a test sets a time to live, or expires the next N continued requests. The answer is 410
// Gone, reason `Expired`, with the API server's message and an inconsistent-continue token in the
// Status metadata (k8s.io/apiserver storage/etcd3, handleCompactedErrorForPaging).
import { badRequest, KubeStatusError } from './status.js';

/** When issued continue tokens stop working (set on the emulator's state by tests). */
export interface ContinueExpiry {
  /** Tokens older than this (by the emulator clock) are expired. */
  ttlMs?: number;
  /** The next N requests that carry a continue token get 410 Expired, whatever their age. */
  expireNext?: number;
}

export const EXPIRED_CONTINUE_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

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
  /** When the token was issued (ms since the epoch, emulator clock). */
  t?: number;
}

/** What a list handler pages against: the emulator state (KubeState fits this shape). */
export interface ListPaging {
  readonly resourceVersion: string;
  /** False: a server that leaves `remainingItemCount` unset (ListMeta allows it). */
  readonly reportsRemainingItemCount: boolean;
  readonly continueExpiry: ContinueExpiry;
  nowMs(): number;
}

/** One page of a list call, with the state's resourceVersion, continue expiry and counting. */
export function listPage<T>(
  paging: ListPaging,
  items: T[],
  keyOf: (item: T) => string,
  query: URLSearchParams,
  selected: boolean,
): Page<T> {
  return paginate(
    items,
    keyOf,
    query,
    paging.resourceVersion,
    selected || !paging.reportsRemainingItemCount,
    { policy: paging.continueExpiry, now: paging.nowMs() },
  );
}

export function paginate<T>(
  items: T[],
  keyOf: (item: T) => string,
  query: URLSearchParams,
  resourceVersion: string,
  /** No `remainingItemCount`: a list with a selector, or a server that does not report it. */
  uncounted: boolean,
  expiry: { policy: ContinueExpiry; now: number } = { policy: {}, now: 0 },
): Page<T> {
  const limit = parseLimit(query.get('limit'));
  const token = query.get('continue');
  const decoded = token ? decodeToken(token) : undefined;
  if (decoded) checkExpiry(decoded, expiry.policy, expiry.now, resourceVersion);
  const after = decoded?.start;
  const rest = after === undefined ? items : items.filter((item) => keyOf(item) > after);
  if (limit === undefined || rest.length <= limit) return { items: rest };
  const page = rest.slice(0, limit);
  const next: ContinueToken = {
    v: 1,
    rv: resourceVersion,
    start: keyOf(page[page.length - 1]),
    t: expiry.now,
  };
  return {
    items: page,
    continueToken: Buffer.from(JSON.stringify(next)).toString('base64url'),
    ...(uncounted ? {} : { remainingItemCount: rest.length - limit }),
  };
}

function checkExpiry(token: ContinueToken, policy: ContinueExpiry, now: number, rv: string): void {
  const forced = (policy.expireNext ?? 0) > 0;
  const old = policy.ttlMs !== undefined && now - (token.t ?? 0) > policy.ttlMs;
  if (!forced && !old) return;
  if (forced) policy.expireNext = (policy.expireNext ?? 0) - 1;
  const inconsistent: ContinueToken = { v: 1, rv, start: token.start, t: now };
  throw new KubeStatusError(
    410,
    'Expired',
    EXPIRED_CONTINUE_MESSAGE,
    undefined,
    {},
    {
      continue: Buffer.from(JSON.stringify(inconsistent)).toString('base64url'),
    },
  );
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
