// Routes the two Control Plane calls the product makes — get an mk8s cluster and its CA bundle —
// and answers like api.cpln.io: the token in `Authorization` with or without `Bearer `, 401 for a
// missing or unknown token, 403 for a token without access to the org, 404 for an unknown cluster,
// 429 with retry-after when throttled and 500 for injected server errors.
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

export class ControlPlaneHandler implements ServiceHandler {
  private readonly state: ControlPlaneState;
  retryAfterSeconds = 1;

  constructor(state: ControlPlaneState) {
    this.state = state;
  }

  route(req: EmulatorRequest): Route | EmulatorResponse {
    const parts = req.path.split('/').filter((p) => p !== '');
    const isCluster = parts.length === 4 && parts[0] === 'org' && parts[2] === 'mk8s';
    const isCaCerts =
      parts.length === 5 && parts[0] === 'org' && parts[2] === 'mk8s' && parts[4] === '-cacerts';
    if (!isCluster && !isCaCerts) return error(404, `no route for ${req.method} ${req.path}`, 'not_found');
    if (req.method !== 'GET') {
      return error(405, `the emulator only serves GET on ${req.path}`, 'method_not_allowed', {
        allow: 'GET',
      });
    }
    const [, org, , name] = parts;
    return {
      operation: isCluster ? 'get mk8s' : 'get mk8s cacerts',
      mutating: false,
      handle: () =>
        this.withCluster(req, org, name, (cluster) =>
          isCluster
            ? answer(200, JSON.stringify(mk8sJson(cluster)))
            : answer(200, JSON.stringify({ cacerts: cluster.caPem })),
        ),
    };
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
    if (!cluster) return error(404, `mk8s ${name} not found`, 'not_found');
    return ok(cluster);
  }
}
