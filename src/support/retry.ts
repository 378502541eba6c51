// Bounded retries with exponential backoff for the failures the SDKs do not retry themselves: IAM's
// eventual consistency right after a create, and Kubernetes 429/5xx/connection drops (client-node
// has no retry). The sleep is injectable so tests exercise every retry without waiting.
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryPolicy {
  /** Delay before the first retry; doubles each time up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Total time the retries of one call may sleep before the last error is thrown. */
  budgetMs: number;
  /** Attempts including the first; unlimited (within the budget) when absent. */
  maxAttempts?: number;
}

/** IAM usually shows a new role or OIDC provider everywhere within seconds; give it a minute. */
export const IAM_CONSISTENCY_POLICY: RetryPolicy = { firstDelayMs: 500, maxDelayMs: 8000, budgetMs: 60_000 };
/** Kubernetes 429/5xx/drops: the API server usually recovers fast; Retry-After is honoured up to maxDelayMs. */
export const KUBE_TRANSIENT_POLICY: RetryPolicy = { firstDelayMs: 200, maxDelayMs: 5000, budgetMs: 60_000 };

/** A retry of one apply step's call, as the write adapters report it to the executor. */
export interface StepRetryNotice {
  call: string;
  resource: string;
  attempt: number;
  delayMs: number;
  why: string;
}

export interface RetryNotice {
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  why: string;
  error: unknown;
}

export interface RetryOptions {
  policy: RetryPolicy;
  sleep: Sleep;
  /** Says why the error is worth another attempt, or undefined when it is final. */
  retryable: (error: unknown) => string | undefined;
  /** A server's own hint (e.g. Retry-After) in milliseconds: waited at least, capped at maxDelayMs. */
  delayHint?: (error: unknown) => number | undefined;
  /**
   * The exact wait this error asks for, replacing the backoff (GitHub's rate limits); a wait longer
   * than maxDelayMs makes the error final instead of being shortened.
   */
  delayFor?: (error: unknown, attempt: number) => number | undefined;
  onRetry?: (notice: RetryNotice) => void;
  random?: () => number;
}

/** Delay before retry number `attempt` (1-based): exponential, capped, with jitter in its upper half. */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  let slept = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const { policy } = options;
      if (policy.maxAttempts !== undefined && attempt >= policy.maxAttempts) throw error;
      const why = options.retryable(error);
      if (why === undefined) throw error;
      let delay: number;
      const asked = options.delayFor?.(error, attempt);
      if (asked !== undefined) {
        if (asked > policy.maxDelayMs) throw error;
        delay = asked;
      } else {
        const hint = options.delayHint?.(error);
        delay = backoffDelay(attempt, policy, options.random);
        if (hint !== undefined) delay = Math.min(policy.maxDelayMs, Math.max(delay, hint));
      }
      if (slept + delay > policy.budgetMs) throw error;
      options.onRetry?.({ attempt, delayMs: delay, why, error });
      await options.sleep(delay);
      slept += delay;
    }
  }
}
