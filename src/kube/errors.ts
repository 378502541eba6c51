// Kubernetes API failures as messages that name the cluster, the server and the call, plus the
// transient ones worth retrying. A call fails with client-node's ApiException (read by shape: the
// class name changes inside the bundle) or, when the server cannot be reached, with the socket error
// (its `code`: ECONNREFUSED, a TLS code; `TypeError: fetch failed` with it as `cause` from
// client-node's own fetch pipeline). Messages never include credentials.
import type { KubeTarget } from './client.js';
import { formatDuration, requestTimeoutMs } from '../support/deadline.js';

export interface KubeFailure {
  status?: number;
  /** The Status object's reason, e.g. `Forbidden`. */
  reason?: string;
  message: string;
  retryAfterMs?: number;
  /** The request limit ran out with no answer: final, as a retry would wait the whole limit again. */
  requestTimedOut?: boolean;
  /** Network-level failure code (ECONNREFUSED, ECONNRESET, a TLS code, …). */
  network?: string;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A system error (ECONNREFUSED, EAI_AGAIN) or OpenSSL's verdict on a certificate: not a usage error. */
const SOCKET_OR_TLS_CODE = /^(E[A-Z_]+|ERR_(TLS|SSL)_\w+|\w*(CERT|SELF_SIGNED|UNABLE_TO)\w*)$/;

export function kubeFailure(error: unknown): KubeFailure {
  // First, and by name: the request limit's abort is a DOMException, whose numeric `code` (23)
  // would otherwise read as an HTTP status, and which is not an Error of every realm.
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return {
      message: `no answer within ${formatDuration(requestTimeoutMs())}`,
      network: 'ETIMEDOUT',
      requestTimedOut: true,
    };
  }
  if (error && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'number') {
    const e = error as { code: number; body?: unknown; headers?: Record<string, string> };
    let reason: string | undefined;
    let message = '';
    if (typeof e.body === 'string') {
      try {
        const status = JSON.parse(e.body) as { reason?: unknown; message?: unknown } | null;
        if (status && typeof status.message === 'string') message = status.message;
        if (status && typeof status.reason === 'string') reason = status.reason;
      } catch {
        // Not a Status object (a proxy's HTML page, say): keep a short excerpt.
        message = e.body.slice(0, 200);
      }
    }
    const retryAfter = Number(e.headers?.['retry-after'] ?? e.headers?.['Retry-After']);
    return {
      status: e.code,
      reason,
      message: redact(message),
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    };
  }
  // By shape, not instanceof: Node's own errors may come from another realm (the test runner's).
  const e = (error && typeof error === 'object' ? error : {}) as {
    message?: unknown;
    code?: unknown;
    cause?: { code?: unknown };
  };
  if (typeof e.message === 'string') {
    // Node's http/https (src/kube/transport.ts) put the socket error's code on the error itself;
    // undici's fetch (client-node's own pipeline) wraps it as `cause`.
    const network =
      typeof e.code === 'string' && SOCKET_OR_TLS_CODE.test(e.code)
        ? e.code
        : typeof e.cause?.code === 'string'
          ? e.cause.code
          : undefined;
    if (network || e.message === 'fetch failed')
      return { message: e.message, network: network ?? 'fetch failed' };
    return { message: redact(e.message) };
  }
  return { message: redact(String(error)) };
}

/** Why a failed read is worth another attempt, or undefined when it is final. */
export function transientKubeFailure(failure: KubeFailure): string | undefined {
  if (failure.requestTimedOut) return undefined;
  if (failure.network && !isTlsCode(failure.network) && failure.network !== 'ENOTFOUND') {
    return `connection failed (${failure.network})`;
  }
  if (failure.status === 429) return 'throttled (429 Too Many Requests)';
  if (failure.status !== undefined && [500, 502, 503, 504].includes(failure.status))
    return `server error (${failure.status})`;
  return undefined;
}

/**
 * `Kubernetes list serviceaccounts on cluster "prod" (https://…) failed: 401 Unauthorized — check the
 * kubeconfig / token`.
 */
export function kubeCallError(target: KubeTarget, call: string, error: unknown): Error {
  const failure = kubeFailure(error);
  const where = `Kubernetes ${call} on cluster "${target.cluster}" (${target.server}) failed`;
  return new Error(`${where}: ${explain(failure, target.source)}`, { cause: error });
}

function explain(f: KubeFailure, source?: string): string {
  if (f.requestTimedOut)
    return `the API server accepted the connection but gave ${f.message} (the request limit) — check that the server in ${source ?? 'the kubeconfig'} is a healthy Kubernetes API server`;
  if (f.network) {
    if (isTlsCode(f.network)) {
      return `TLS verification of the API server failed (${f.network}) — check the cluster's certificate-authority data in ${source ?? 'the kubeconfig'}`;
    }
    return `the API server is unreachable (${f.network}) — check the server address in ${source ?? 'the kubeconfig'} and the network`;
  }
  if (f.status === undefined) return f.message;
  const head = `${f.status} ${STATUS_TEXT[f.status ?? 0] ?? f.reason ?? 'error'}`;
  const detail = f.message ? ` (${f.message})` : '';
  if (f.status === 401)
    return `${head} — ${source ? `the API server refused the token from ${source}` : 'check the kubeconfig / token'}`;
  if (f.status === 403) return `${head}${detail} — grant these credentials RBAC permission for the call`;
  if (f.status === 429 || (f.status ?? 0) >= 500)
    return `${head}${detail} — the API server is overloaded or failing; run again later`;
  return `${head}${detail}`;
}

function isTlsCode(code: string): boolean {
  return /CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO_VERIFY|ERR_TLS/i.test(code);
}

/** Servers sometimes echo request headers; never let a bearer token reach a log. */
function redact(text: string): string {
  return text.replace(/(bearer\s+)[^\s"',]+/gi, '$1[redacted]');
}
