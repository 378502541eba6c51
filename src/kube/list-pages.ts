// Every page of a Kubernetes list call, with the API server's paging rules: follow `continue`
// until it is empty, and restart once from the beginning when a continue token expired mid-list
// (410 Gone, reason Expired: etcd compacted the list's revision) — a fresh list is consistent
// again; a second expiry fails the read.
import { kubeFailure } from './errors.js';

/** Lists are read in pages of this many items (the API server's own default chunk for kubectl). */
export const PAGE_SIZE = 500;

export interface ListPage<T> {
  items: T[];
  metadata?: { _continue?: string };
}

/** `send` wraps each request (retries, counting); `page` asks for the page after `token`. */
export async function listAllPages<T>(
  send: <R>(call: string, request: () => Promise<R>) => Promise<R>,
  call: string,
  page: (token?: string) => Promise<ListPage<T>>,
): Promise<T[]> {
  const items: T[] = [];
  let restarted = false;
  let token: string | undefined;
  for (;;) {
    try {
      const result = await send(call, () => page(token));
      items.push(...result.items);
      token = result.metadata?._continue || undefined;
      if (!token) return items;
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
