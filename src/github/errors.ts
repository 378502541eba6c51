// GitHub API failures named the way a user can act on them: the method, the path, the status and
// GitHub's message (`GitHub POST /repos/o/r/issues/7/comments failed: 403 Resource not accessible by
// integration`), plus what kind of failure it is so callers can decide (retry, read-only, gone).
import { errorMessage } from '../support/errors.js';

export interface RequestErrorLike {
  status: number;
  message: string;
  request?: { method?: string; url?: string };
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

export function isRequestError(error: unknown): error is RequestErrorLike {
  return (
    typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number'
  );
}

export class GitHubApiError extends Error {
  readonly status: number;
  /** `POST /repos/o/r/issues/7/comments` */
  readonly call: string;
  readonly headers: Record<string, string | number | undefined>;

  constructor(
    call: string,
    status: number,
    detail: string,
    headers: Record<string, string | number | undefined> = {},
  ) {
    // Status 0: no answer at all (the request limit ran out), so `detail` says what happened.
    super(`GitHub ${call} failed: ${status ? `${status} ` : ''}${detail}`);
    this.name = 'GitHubApiError';
    this.call = call;
    this.status = status;
    this.headers = headers;
  }

  /** The token may read but not write (GITHUB_TOKEN of a pull request from a fork, or missing permissions). */
  get readOnlyToken(): boolean {
    return (
      this.status === 403 &&
      /not accessible by integration|must have (push|write|admin) access/i.test(this.message)
    );
  }
}

function callOf(error: RequestErrorLike, fallback: string): string {
  const method = error.request?.method?.toUpperCase();
  const url = error.request?.url;
  if (!method || !url) return fallback;
  try {
    return `${method} ${new URL(url).pathname}`;
  } catch {
    return `${method} ${url}`;
  }
}

function detailOf(error: RequestErrorLike): string {
  const data = error.response?.data;
  const message =
    typeof data === 'object' && data !== null ? (data as { message?: unknown }).message : undefined;
  return typeof message === 'string' && message ? message : error.message;
}

/** Wraps whatever Octokit threw into a GitHubApiError that names the call; other errors keep their message. */
export function gitHubError(error: unknown, fallbackCall: string): Error {
  if (error instanceof GitHubApiError) return error;
  if (isRequestError(error)) {
    // Octokit reports a request that got no answer as "500 <message>"; it is not a 500 (and is not
    // retried as one: each attempt would wait the whole request limit again).
    const cause = (error as { cause?: { name?: unknown; message?: unknown } }).cause;
    if (cause?.name === 'RequestTimedOut')
      return new GitHubApiError(callOf(error, fallbackCall), 0, String(cause.message));
    return new GitHubApiError(
      callOf(error, fallbackCall),
      error.status,
      detailOf(error),
      error.response?.headers ?? {},
    );
  }
  return new Error(`GitHub ${fallbackCall} failed: ${errorMessage(error)}`);
}
