// Routes the two Control Plane calls the product makes — get an mk8s cluster and its CA bundle —
// and answers like api.cpln.io: the token in `Authorization` with or without `Bearer `, 401 for a
// missing or unknown token, 403 for a token without access to the org and — as the OpenAPI pages
// document for the mk8s GETs (200 and 403 "Not found or not allowed to view", no 404) — for an
// unknown cluster too; `GET …/-ready` answers `{ready, message}`;
// 429 with retry-after when throttled and 500 for injected server errors. Every routed request is
// logged with its cluster, and requests in flight are tracked, so tests can check that each cluster
// is looked up once per run and that lookups overlap.
import type { EmulatorRequest, EmulatorResponse, Route, ServiceHandler } from '../core/server.js';
import type { ControlPlaneState, StoredCluster } from './state.js';
import { errorJson, mk8sJson } from './wire.js';

const JSON_TYPE = 'application/json; charset=utf-8';

function answer(status: number, body: string, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body };
}

function error(
  status: number,
  message: string,
  code: string,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return answer(status, errorJson(status, message, code), headers);
}

/** The token from `Authorization: <token>` or `Authorization: Bearer <token>`. */
export function tokenFrom(header: string | undefined): string | undefined {
  const value = (header ?? '')
    .trim()
    .replace(/^bearer\s+/i, '')
    .trim();
  return value === '' ? undefined : value;
}

export type ControlPlaneOperation = 'get mk8s' | 'get mk8s cacerts' | 'get mk8s ready';

export interface ControlPlaneRequestRecord {
  operation: ControlPlaneOperation;
  org: string;
  cluster: string;
}

interface Hold {
  size: number;
  release: Array<() => void>;
  timer: NodeJS.Timeout;
}

export class ControlPlaneHandler implements ServiceHandler {
  private readonly state: ControlPlaneState;
  retryAfterSeconds = 1;
  /** Routed requests in arrival order (cleared with the counters). */
  readonly requests: ControlPlaneRequestRecord[] = [];
  private inFlight = 0;
  /** Most requests answered at the same time since the last reset. */
  maxInFlight = 0;
  private hold: Hold | undefined;

  constructor(state: ControlPlaneState) {
    this.state = state;
  }

  route(req: EmulatorRequest): Route | EmulatorResponse {
    const parts = req.path.split('/').filter((p) => p !== '');
    const isCluster = parts.length === 4 && parts[0] === 'org' && parts[2] === 'mk8s';
    const isCaCerts =
      parts.length === 5 && parts[0] === 'org' && parts[2] === 'mk8s' && parts[4] === '-cacerts';
    const isReady = parts.length === 5 && parts[0] === 'org' && parts[2] === 'mk8s' && parts[4] === '-ready';
    if (!isCluster && !isCaCerts && !isReady)
      return error(404, `no route for ${req.method} ${req.path}`, 'not_found');
    if (req.method !== 'GET') {
      return error(405, `the emulator only serves GET on ${req.path}`, 'method_not_allowed', {
        allow: 'GET',
      });
    }
    const [, org, , name] = parts;
    const operation: ControlPlaneOperation = isCluster
      ? 'get mk8s'
      : isReady
        ? 'get mk8s ready'
        : 'get mk8s cacerts';
    this.requests.push({ operation, org, cluster: name });
    return {
      operation,
      mutating: false,
      handle: async () => {
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        try {
          await this.waitForCompany();
          return this.withCluster(req, org, name, (cluster) =>
            isCluster
              ? answer(200, JSON.stringify(mk8sJson(cluster)))
              : isReady
                ? answer(200, JSON.stringify(cluster.ready))
                : answer(200, JSON.stringify({ cacerts: cluster.caPem })),
          );
        } finally {
          this.inFlight -= 1;
        }
      },
    };
  }

  /**
   * Holds the next `size` requests until all of them have arrived, so a client that sends them one
   * after another cannot finish while one that sends them together can. If they never all arrive the
   * held ones are answered after `giveUpMs` — only so a failing test ends with `maxInFlight` too low
   * instead of a hang; nothing asserts on time.
   */
  holdUntilConcurrent(size: number, giveUpMs = 10_000): void {
    this.releaseHeld();
    const timer = setTimeout(() => this.releaseHeld(), giveUpMs);
    timer.unref();
    this.hold = { size, release: [], timer };
  }

  releaseHeld(): void {
    const hold = this.hold;
    if (!hold) return;
    this.hold = undefined;
    clearTimeout(hold.timer);
    for (const release of hold.release) release();
  }

  resetRecords(): void {
    this.requests.length = 0;
    this.maxInFlight = this.inFlight;
  }

  private waitForCompany(): Promise<void> {
    const hold = this.hold;
    if (!hold) return Promise.resolve();
    const waiting = new Promise<void>((resolve) => hold.release.push(resolve));
    if (hold.release.length >= hold.size) this.releaseHeld();
    return waiting;
  }

  throttled(_operation: string): EmulatorResponse {
    return error(429, 'Too many requests, please retry later', 'too_many_requests', {
      'retry-after': String(this.retryAfterSeconds),
    });
  }

  serverError(_operation: string): EmulatorResponse {
    return error(500, 'Internal Server Error', 'internal_error');
  }

  private withCluster(
    req: EmulatorRequest,
    org: string,
    name: string,
    ok: (cluster: StoredCluster) => EmulatorResponse,
  ): EmulatorResponse {
    const token = tokenFrom(req.headers.authorization);
    const orgs = token === undefined ? undefined : this.state.orgsOf(token);
    if (!orgs) return error(401, 'Unauthorized', 'unauthorized');
    if (!orgs.includes('*') && !orgs.includes(org)) {
      return error(403, `Forbidden: the principal may not view mk8s ${name} in org ${org}`, 'forbidden');
    }
    const cluster = this.state.cluster(org, name);
    if (!cluster) return error(403, 'Not found or not allowed to view', 'forbidden');
    return ok(cluster);
  }
}
