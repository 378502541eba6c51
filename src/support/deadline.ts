// Time limits. Every request has one (connect and answer), so an endpoint that never answers fails
// that request instead of hanging the run; every run has one overall (--timeout / the timeout input),
// so retries of such requests cannot add up to GitHub's 6-hour job limit either.

/** Per request, connection set-up included: IAM, STS, Kubernetes, Control Plane and GitHub calls. */
export const REQUEST_TIMEOUT_MS = 30_000;
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

/** `fetch` with REQUEST_TIMEOUT_MS (or `ms`) on top of the caller's own signal. */
export function fetchWithTimeout(ms = REQUEST_TIMEOUT_MS, base: typeof fetch = fetch): typeof fetch {
  return (input, init) => {
    const limit = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, limit]) : limit;
    return base(input, { ...init, signal });
  };
}
