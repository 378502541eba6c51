// Bounded concurrency for the readers: IAM throttles hard and API servers rate-limit clients, so
// per-resource reads run a few at a time instead of all at once.

/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping the input order. On the
 * first failure no new calls start; the in-flight ones finish (so nothing rejects unobserved) and
 * the first error is thrown.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const width = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: width }, worker));
  if (failure) throw failure.error;
  return results;
}

/** Default number of per-resource reads in flight against one service. */
export const DEFAULT_READ_CONCURRENCY = 8;

/** Called once per request a reader sends (retries inside the SDK excluded), for read statistics. */
export type CallObserver = (operation: string) => void;
