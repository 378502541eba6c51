// Time limits. Every request has one (connect and answer), so an endpoint that never answers fails
// that request instead of hanging the run; every run has one overall (--timeout / the timeout input),
// so retries of such requests cannot add up to GitHub's 6-hour job limit either.

/** Per request, connection set-up included: IAM, STS, Kubernetes, Control Plane and GitHub calls. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Overrides REQUEST_TIMEOUT_MS (a duration: `5s`, `2m`); for slow links, and tests that need seconds. */
export const REQUEST_TIMEOUT_ENV = 'WIB_REQUEST_TIMEOUT';
/** Connection set-up alone, where the client lets us set it apart (the AWS SDK). */
export const CONNECT_TIMEOUT_MS = 10_000;
/** The run's default overall limit; below the reusable workflow's default job limit of 30 minutes. */
export const DEFAULT_RUN_TIMEOUT = '20m';
const MAX_RUN_TIMEOUT_MS = 6 * 60 * 60 * 1000;

/** `90`, `90s`, `15m`, `1h` → milliseconds; undefined when not a duration from 1 s to 6 h. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,6})\s*(s|m|h)?$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = { s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's').toLowerCase() as 's' | 'm' | 'h'];
  const ms = Number(match[1]) * unit;
  return ms >= 1000 && ms <= MAX_RUN_TIMEOUT_MS ? ms : undefined;
}

/** The per-request limit in force: WIB_REQUEST_TIMEOUT when set, else REQUEST_TIMEOUT_MS. */
export function requestTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[REQUEST_TIMEOUT_ENV]?.trim();
  if (!raw) return REQUEST_TIMEOUT_MS;
  const ms = parseDuration(raw);
  if (ms === undefined)
    throw new Error(
      `${REQUEST_TIMEOUT_ENV} must be a duration from 1s to 6h such as 10s or 2m (got ${JSON.stringify(raw.slice(0, 40))}); unset it for the default of ${REQUEST_TIMEOUT_MS / 1000} s.`,
    );
  return ms;
}

/** `2 s`, `15 min`, `1 h 30 min`: a limit as people read it. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const minutes = Math.round(ms / 60_000);
  return minutes < 60
    ? `${minutes} min`
    : `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

export class RunTimedOut extends Error {
  readonly limitMs: number;
  constructor(message: string, limitMs: number) {
    super(message);
    this.name = 'RunTimedOut';
    this.limitMs = limitMs;
  }
}

/**
 * Runs `work` with an overall limit. On time-out the returned promise rejects with RunTimedOut
 * (`describe` says what was going on) while `work` is left to its own request timeouts.
 */
export async function withDeadline<T>(
  limitMs: number,
  work: () => Promise<T>,
  describe: (limit: string) => string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RunTimedOut(describe(formatDuration(limitMs)), limitMs)), limitMs);
  });
  try {
    return await Promise.race([work(), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** A request that got no answer within its limit (requestTimeoutMs()): its message says so. */
export class RequestTimedOut extends Error {
  readonly limitMs: number;
  constructor(limitMs: number) {
    super(`no answer within ${formatDuration(limitMs)}`);
    this.name = 'RequestTimedOut';
    this.limitMs = limitMs;
  }
}

/**
 * `fetch` with requestTimeoutMs() (or `ms`) on top of the caller's own signal. Running out of time
 * rejects with RequestTimedOut, not the bare abort, so clients that wrap errors (Octokit turns any
 * into "500 Unknown Error") still tell a silent endpoint from a failing one.
 */
export function fetchWithTimeout(ms = requestTimeoutMs(), base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const limit = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, limit]) : limit;
    try {
      return await base(input, { ...init, signal });
    } catch (error) {
      if (limit.aborted && !init?.signal?.aborted) throw new RequestTimedOut(ms);
      throw error;
    }
  };
}
