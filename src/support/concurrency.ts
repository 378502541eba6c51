// Bounded concurrency for the readers: IAM throttles hard and API servers rate-limit clients, so
// per-resource reads run a few at a time instead of all at once.
import pLimit from 'p-limit';

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
  let failure: { error: unknown } | undefined;
  const run = pLimit(Math.max(1, Math.floor(limit) || 1));
  await Promise.all(
    items.map((item, index) =>
      run(async () => {
        if (failure) return;
        try {
          results[index] = await fn(item, index);
        } catch (error) {
          failure ??= { error };
        }
      }),
    ),
  );
  if (failure) throw failure.error;
  return results;
}

/** Default number of calls in flight against one service: per-resource reads, and apply steps. */
export const DEFAULT_CONCURRENCY = 8;
/** The most calls in flight a user may ask for (`--max-concurrency`, the `max-concurrency` input). */
export const MAX_CONCURRENCY = 64;

/** Called once per request a reader sends (retries inside the SDK excluded), for read statistics. */
export type CallObserver = (operation: string) => void;
