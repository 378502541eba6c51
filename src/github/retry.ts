// Retries for GitHub calls. Octokit as @actions/github builds it has no retry and no throttling, and
// GitHub answers bursts of comment writes with the secondary rate limit (403 or 429 with
// `retry-after`). Those are waited out as GitHub asks; 5xx answers are retried with backoff only
// for calls that are safe to repeat. The sleep is injectable so tests do not wait.
import { realSleep, withRetry, type Sleep } from '../support/retry.js';
import { gitHubError, GitHubApiError } from './errors.js';

export interface GitHubRetryOptions {
  sleep?: Sleep;
  /** Attempts including the first (default 4). */
  maxAttempts?: number;
  /** A wait GitHub asks for beyond this is not waited out: the call fails instead (default 60 s). */
  maxDelayMs?: number;
  /** Whether a 5xx may be retried: false for calls that may have taken effect (creating a comment). */
  idempotent?: boolean;
  /** Told before each wait (for a log line). */
  onRetry?: (info: { call: string; attempt: number; delayMs: number; why: string }) => void;
}

/** The wait GitHub asks for, or undefined when the failure is not worth retrying. */
export function retryDelay(error: GitHubApiError, attempt: number, idempotent: boolean): number | undefined {
  const retryAfter = Number(error.headers['retry-after']);
  const secondary = /secondary rate limit/i.test(error.message);
  if (error.status === 429 || (error.status === 403 && (secondary || Number.isFinite(retryAfter)))) {
    if (error.status === 403 && !secondary && String(error.headers['x-ratelimit-remaining']) === '0')
      return undefined;
    // Without retry-after GitHub's guidance is to wait at least a minute.
    return Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : 60_000;
  }
  if (idempotent && error.status >= 500) return 1000 * 2 ** (attempt - 1);
  return undefined;
}

/** Runs `call`, retrying as GitHub asks; failures become a GitHubApiError naming `what`. */
export async function withGitHubRetry<T>(
  what: string,
  call: () => Promise<T>,
  options: GitHubRetryOptions = {},
): Promise<T> {
  const idempotent = options.idempotent ?? true;
  const wait = (error: unknown, attempt: number): number | undefined =>
    error instanceof GitHubApiError ? retryDelay(error, attempt, idempotent) : undefined;
  return withRetry(
    async () => {
      try {
        return await call();
      } catch (thrown) {
        throw gitHubError(thrown, what);
      }
    },
    {
      // The waits are GitHub's own (retry-after) or its documented 1 s, 2 s, 4 s for 5xx.
      policy: {
        firstDelayMs: 1000,
        maxDelayMs: options.maxDelayMs ?? 60_000,
        budgetMs: Number.POSITIVE_INFINITY,
        maxAttempts: options.maxAttempts ?? 4,
      },
      sleep: options.sleep ?? realSleep,
      retryable: (error) =>
        error instanceof GitHubApiError && wait(error, 1) !== undefined ? `${error.status}` : undefined,
      delayFor: wait,
      onRetry: ({ attempt, delayMs, why, error }) =>
        options.onRetry?.({ call: (error as GitHubApiError).call, attempt, delayMs, why }),
    },
  );
}
