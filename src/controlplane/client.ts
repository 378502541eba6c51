// Control Plane REST client: the two calls we need to learn a managed cluster's issuer, check the
// AWS Workload Identity add-on, and reach its Kubernetes API. The token is sent, never printed.
import type { Json, JsonObject } from '../policy/types.js';
import { fetchWithTimeout, formatDuration, requestTimeoutMs } from '../support/deadline.js';
import { bareToken } from './token.js';

// Kept importable from here: they live in token.ts so that a run without Control Plane clusters can
// use them without loading this client (the engine imports this module only when a file has one).
export { bareToken, DEFAULT_CPLN_ENDPOINT } from './token.js';

export interface ControlPlaneAccess {
  endpoint: string;
  token: string;
  fetch?: typeof fetch;
}

export interface Mk8sCluster {
  org: string;
  name: string;
  oidcProviderUrl?: string;
  serverUrl?: string;
  /** `spec.addOns.awsWorkloadIdentity` is set: the add-on is enabled (its status may lag). */
  addOnEnabled: boolean;
  /** The add-on's status block: present once Control Plane has filled it in. */
  awsWorkloadIdentity?: {
    providerUrl?: string;
    audience?: string;
    trustPolicy?: JsonObject;
  };
}

export class ControlPlaneError extends Error {
  readonly status?: number;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'ControlPlaneError';
    this.status = status;
  }
}

/** The API reference shows `Authorization: <token>`; the Terraform provider sends `Bearer <token>`. */
export function authorizationHeader(token: string): string {
  return `Bearer ${bareToken(token) ?? ''}`;
}

async function getJson(
  access: ControlPlaneAccess,
  path: string,
  what: string,
  ref?: { org: string; name: string },
): Promise<JsonObject> {
  const url = `${access.endpoint.replace(/\/+$/, '')}${path}`;
  const limitMs = requestTimeoutMs();
  const doFetch = fetchWithTimeout(limitMs, access.fetch ?? fetch);
  let response: Response;
  try {
    response = await doFetch(url, {
      headers: { authorization: authorizationHeader(access.token), accept: 'application/json' },
    });
  } catch (error) {
    const reason = (error as { cause?: { code?: string; message?: string } }).cause;
    const name = (error as { name?: unknown }).name;
    const timedOut = name === 'RequestTimedOut' || name === 'TimeoutError';
    const cause = timedOut
      ? `no answer within ${formatDuration(limitMs)}`
      : (reason?.code ?? reason?.message);
    throw new ControlPlaneError(
      `Control Plane GET ${path} (${what}) failed: cannot reach ${access.endpoint}${cause ? ` (${cause})` : ''}. Check CPLN_ENDPOINT and the network.`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    // The OpenAPI pages list only 200 and 403 "Not found or not allowed to view" for the mk8s GETs,
    // and a rejected token may come back as 403 too: a 403 has all three readings.
    const hint =
      response.status === 401
        ? "the Control Plane token was rejected: check the cpln-token input / CPLN_TOKEN (use a service-account key; a user's refresh token does not work as it is)."
        : response.status === 403
          ? `${ref ? `no cluster "${ref.name}" in org "${ref.org}"` : 'no such resource'}, or the token may not view it (or was rejected). Check controlPlane.org and controlPlane.cluster in the bindings file, and grant the token's service account \`view\` on mk8s in the org (a service-account key; a user's refresh token does not work as it is).`
          : response.status === 404
            ? 'no such cluster in that org: check controlPlane.org and controlPlane.cluster in the bindings file.'
            : response.status === 429
              ? 'Control Plane is rate limiting: retry later.'
              : `Control Plane answered ${response.status}.`;
    throw new ControlPlaneError(
      `Control Plane GET ${path} (${what}) failed with ${response.status}: ${hint}`,
      response.status,
    );
  }
  try {
    const parsed = JSON.parse(text) as Json;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    // fall through
  }
  throw new ControlPlaneError(
    `Control Plane GET ${path} (${what}) returned something that is not a JSON object.`,
  );
}

function obj(value: Json | undefined): JsonObject | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function str(value: Json | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Control Plane's naming rule (its Terraform provider's NameValidator): lower-case DNS-label-like. */
const CONTROL_PLANE_NAME = /^[a-z][-a-z0-9]+[a-z0-9]$/;

/**
 * One encoded path segment. Encoding alone does not stop `..` (URL normalisation turns
 * `/org/../mk8s/x` into `/mk8s/x`, sending the token elsewhere on the API), so anything that is not
 * a Control Plane name is refused before a request is made. The bindings file's schema refuses
 * such names with a position first; this guards every other caller.
 */
function pathSegment(value: string, what: 'org' | 'cluster'): string {
  if (value.length > 63 || !CONTROL_PLANE_NAME.test(value))
    throw new ControlPlaneError(
      `Control Plane ${what} name ${JSON.stringify(value)} is not a Control Plane name (3-63 lowercase letters, digits and -, starting with a letter, ending with a letter or digit); no request was sent.`,
    );
  return encodeURIComponent(value);
}

export async function getMk8sCluster(
  access: ControlPlaneAccess,
  org: string,
  name: string,
): Promise<Mk8sCluster> {
  const path = `/org/${pathSegment(org, 'org')}/mk8s/${pathSegment(name, 'cluster')}`;
  const body = await getJson(access, path, `cluster ${org}/${name}`, { org, name });
  const status = obj(body.status) ?? {};
  const addOn = obj(obj(status.addOns)?.awsWorkloadIdentity);
  const config = obj(addOn?.oidcProviderConfig);
  const specAddOn = obj(obj(obj(body.spec)?.addOns)?.awsWorkloadIdentity);
  return {
    org,
    name,
    addOnEnabled: specAddOn !== undefined || addOn !== undefined,
    oidcProviderUrl: str(status.oidcProviderUrl),
    serverUrl: str(status.serverUrl),
    awsWorkloadIdentity: addOn
      ? {
          providerUrl: str(config?.providerUrl),
          audience: str(config?.audience),
          trustPolicy: obj(addOn.trustPolicy),
        }
      : undefined,
  };
}

/** `GET /org/{org}/mk8s/{name}/-ready` → `{ready, message}`: why an enabled add-on has no status yet. */
export async function getMk8sReady(
  access: ControlPlaneAccess,
  org: string,
  name: string,
): Promise<{ ready: boolean; message?: string }> {
  const path = `/org/${pathSegment(org, 'org')}/mk8s/${pathSegment(name, 'cluster')}/-ready`;
  const body = await getJson(access, path, `readiness of cluster ${org}/${name}`, { org, name });
  return { ready: body.ready === true, ...(str(body.message) ? { message: str(body.message) } : {}) };
}

export async function getMk8sCaCerts(access: ControlPlaneAccess, org: string, name: string): Promise<string> {
  const path = `/org/${pathSegment(org, 'org')}/mk8s/${pathSegment(name, 'cluster')}/-cacerts`;
  const body = await getJson(access, path, `CA certificates of cluster ${org}/${name}`, { org, name });
  const pem = str(body.cacerts);
  if (!pem)
    throw new ControlPlaneError(
      `Control Plane GET ${path} returned no "cacerts" for cluster ${org}/${name}.`,
    );
  return pem;
}
