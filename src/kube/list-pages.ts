// Every page of a Kubernetes list call, with the API server's paging rules: follow `continue`
// until it is empty, and restart once from the beginning when a continue token expired mid-list
// (410 Gone, reason Expired: etcd compacted the list's revision) — a fresh list is consistent
// again; a second expiry fails the read.
import { kubeFailure } from './errors.js';

/** Lists are read in pages of this many items (the API server's own default chunk for kubectl). */
export const PAGE_SIZE = 500;

export interface ListPage<T> {
  items: T[];
  /** `remainingItemCount`: items after this page (only for lists without a selector, and not always). */
  metadata?: { _continue?: string; remainingItemCount?: number };
}

export type Send = <R>(call: string, request: () => Promise<R>) => Promise<R>;

/** `send` wraps each request (retries, counting); `page` asks for the page after `token`. */
export async function listAllPages<T>(
  send: Send,
  call: string,
  page: (token?: string) => Promise<ListPage<T>>,
): Promise<T[]> {
  return (await listPagesUntil(send, call, page, {})).items;
}

export interface PagesUntil<T> {
  /** Items to keep (default all): a reader looking for a few items need not hold every page. */
  keep?: (item: T) => boolean;
  /**
   * Asked after each page that has more after it, with the items kept so far (since the last
   * restart) and the page's `remainingItemCount`; true stops the list there.
   */
  enough?: (kept: readonly T[], remainingItemCount: number | undefined) => boolean;
}

/** The kept items, and whether the list was read to its end (false: `enough` stopped it). */
export async function listPagesUntil<T>(
  send: Send,
  call: string,
  page: (token?: string) => Promise<ListPage<T>>,
  { keep, enough }: PagesUntil<T>,
): Promise<{ items: T[]; complete: boolean }> {
  const items: T[] = [];
  let restarted = false;
  let token: string | undefined;
  for (;;) {
    try {
      const result = await send(call, () => page(token));
      items.push(...(keep ? result.items.filter(keep) : result.items));
      token = result.metadata?._continue || undefined;
      if (!token) return { items, complete: true };
      if (enough?.(items, result.metadata?.remainingItemCount)) return { items, complete: false };
    } catch (error) {
      if (token && !restarted && kubeFailure(error).status === 410) {
        restarted = true;
        token = undefined;
        items.length = 0;
        continue;
      }
      throw error;
    }
  }
}
