// Routes Kubernetes API requests like the API server's filter chain: bearer-token authentication
// (401 before anything else), then the operation (counted, subject to injected faults), then
// authorization (a read-only token may not write: 403), then the endpoint. Every failure is a
// `Status` object.
import type { EmulatorRequest, EmulatorResponse, Route, ServiceHandler } from '../core/server.js';
import {
  API_GROUP_LIST,
  apiGroup,
  apiVersions,
  CORE_V1_RESOURCES,
  groupResources,
  SERVER_VERSION,
} from './discovery.js';
import { NamespaceApi } from './namespaces.js';
import { OPENAPI_V3_CORE_V1, OPENAPI_V3_INDEX } from './openapi.js';
import { decodeProtobufObject, PROTOBUF_CONTENT_TYPE } from './protobuf.js';
import { PATCH_TYPES, ServiceAccountApi, type PatchType, type WriteContext } from './serviceaccounts.js';
import type { KubeState } from './state.js';
import { createToken } from './token-request.js';
import type { TokenIssuer } from './tokens.js';
import {
  forbidden,
  internalError,
  jsonResponse,
  KubeStatusError,
  statusResponse,
  tooManyRequests,
  unauthorized,
} from './status.js';
import { OPERATIONS, workloadOperation } from './types.js';
import { WorkloadApi, workloadKind, type WorkloadPatchType, type WorkloadResource } from './workloads.js';

export interface KubeAuthOptions {
  /** Bearer token with full access. */
  token: string;
  /** Bearer token that may only read (writes get 403 Forbidden). */
  readOnlyToken?: string;
}

/**
 * An RBAC gap for every token: requests matching `verb` and `resource` get the authorizer's 403.
 * `scope: 'cluster'` denies only cluster-wide requests (e.g. listing ServiceAccounts in all
 * namespaces while a RoleBinding still allows each namespace); `'namespace'` only namespaced ones.
 */
export interface DenyRule {
  verb: 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete';
  resource: 'namespaces' | 'serviceaccounts' | WorkloadResource;
  scope?: 'cluster' | 'namespace';
}

/** User names the API server would report for the two tokens (they appear in 403 messages). */
export const ADMIN_USER = 'kubernetes-admin';
export const READ_ONLY_USER = 'read-only';

interface Endpoint {
  operation: string;
  mutating: boolean;
  verb: string;
  resource?: string;
  /** The resource's API group ('' = core), as 403 messages name it. */
  group?: string;
  name?: string;
  namespace?: string;
  run: () => EmulatorResponse;
}

const notFoundPath = (): EmulatorResponse =>
  statusResponse(404, 'NotFound', 'the server could not find the requested resource', {});
const methodNotAllowed = (): EmulatorResponse =>
  statusResponse(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
    {},
  );

export class KubeHandler implements ServiceHandler {
  private readonly auth: KubeAuthOptions;
  private readonly namespaces: NamespaceApi;
  private readonly serviceAccounts: ServiceAccountApi;
  private readonly workloads: WorkloadApi;
  private readonly serverAddress: () => string;
  private readonly state: KubeState;
  private readonly issuer: TokenIssuer;
  /** Requests refused with 401 (never counted as operations: they are refused before routing). */
  unauthenticated = 0;
  /** RBAC denials for every user (see DenyRule). */
  deny: DenyRule[] = [];

  constructor(state: KubeState, auth: KubeAuthOptions, serverAddress: () => string, issuer: TokenIssuer) {
    this.auth = auth;
    this.state = state;
    this.issuer = issuer;
    this.namespaces = new NamespaceApi(state);
    this.serviceAccounts = new ServiceAccountApi(state);
    this.workloads = new WorkloadApi(state);
    this.serverAddress = serverAddress;
  }

  route(req: EmulatorRequest): Route | EmulatorResponse {
    // Service account issuer discovery is public (EKS serves it to the internet; a cluster grants
    // it to system:unauthenticated through system:service-account-issuer-discovery).
    const discovery = this.issuerDiscovery(req);
    if (discovery) return discovery;
    const user = this.authenticate(req.headers.authorization);
    if (!user) {
      this.unauthenticated += 1;
      return unauthorized();
    }
    const found = this.endpoint(req);
    if (!('operation' in found)) return found;
    return {
      operation: found.operation,
      mutating: found.mutating,
      handle: () => {
        try {
          if (found.mutating && user === READ_ONLY_USER)
            throw forbidden(user, found.verb, found.resource ?? '', found.name, found.namespace, found.group);
          if (this.deny.some((rule) => denies(rule, found)))
            throw forbidden(user, found.verb, found.resource ?? '', found.name, found.namespace, found.group);
          return found.run();
        } catch (error) {
          if (error instanceof KubeStatusError) return error.toResponse();
          throw error;
        }
      },
    };
  }

  throttled(): EmulatorResponse {
    return tooManyRequests();
  }

  serverError(operation: string): EmulatorResponse {
    return internalError(operation);
  }

  private issuerDiscovery(req: EmulatorRequest): Route | undefined {
    if (req.method !== 'GET') return undefined;
    if (req.path === '/.well-known/openid-configuration')
      return {
        operation: OPERATIONS.openidConfiguration,
        mutating: false,
        handle: () => jsonResponse(200, this.issuer.discovery()),
      };
    if (req.path === '/openid/v1/jwks')
      return {
        operation: OPERATIONS.jwks,
        mutating: false,
        handle: () => ({
          status: 200,
          headers: { 'content-type': 'application/jwk-set+json' },
          body: JSON.stringify(this.issuer.jwks()),
        }),
      };
    return undefined;
  }

  /** Deployments, StatefulSets, DaemonSets, Jobs, CronJobs and Pods: list, get, create, patch. */
  private workloadEndpoint(req: EmulatorRequest, parts: string[]): Endpoint | EmulatorResponse | undefined {
    const at = workloadPath(parts);
    if (!at) return undefined;
    const kind = workloadKind(at.resource)!;
    const { method, query } = req;
    const base = { resource: kind.resource, group: at.group, namespace: at.namespace };
    if (query.get('watch') === 'true' || query.get('watch') === '1')
      return statusResponse(
        400,
        'BadRequest',
        'watch is not supported by the kube emulator; list instead',
        {},
      );
    if (at.name === undefined) {
      if (method === 'GET')
        return {
          ...base,
          operation: workloadOperation('list', kind.resource, kind.singular),
          mutating: false,
          verb: 'list',
          run: () => this.workloads.list(kind, at.namespace, query),
        };
      if (method === 'POST' && at.namespace !== undefined) {
        const namespace = at.namespace;
        const content = objectBody(req);
        if ('status' in content) return content;
        return {
          ...base,
          operation: workloadOperation('create', kind.resource, kind.singular),
          mutating: true,
          verb: 'create',
          run: () => this.workloads.create(kind, namespace, content.body, content.contentType),
        };
      }
      return methodNotAllowed();
    }
    const namespace = at.namespace as string;
    const name = at.name;
    if (method === 'GET')
      return {
        ...base,
        name,
        operation: workloadOperation('get', kind.resource, kind.singular),
        mutating: false,
        verb: 'get',
        run: () => this.workloads.get(kind, namespace, name),
      };
    if (method === 'PATCH') {
      const contentType = String(req.headers['content-type'] ?? '');
      const type = patchType(contentType);
      if (!type || type === 'apply') return unsupportedPatch(contentType);
      const patch: WorkloadPatchType = type;
      return {
        ...base,
        name,
        operation: workloadOperation('patch', kind.resource, kind.singular, patch),
        mutating: true,
        verb: 'patch',
        run: () => this.workloads.patch(kind, namespace, name, patch, req.body),
      };
    }
    return methodNotAllowed();
  }

  private authenticate(header: string | undefined): string | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match) return undefined;
    if (match[1] === this.auth.token) return ADMIN_USER;
    if (this.auth.readOnlyToken !== undefined && match[1] === this.auth.readOnlyToken) return READ_ONLY_USER;
    return undefined;
  }

  private endpoint(req: EmulatorRequest): Endpoint | EmulatorResponse {
    const { method, query } = req;
    const parts = req.path.split('/').filter(Boolean);
    const discovery = (body: () => unknown): Endpoint => ({
      operation: OPERATIONS.discovery,
      mutating: false,
      verb: 'get',
      run: () => jsonResponse(200, body()),
    });
    const path = parts.join('/');
    if (method === 'GET') {
      if (path === 'version') return discovery(() => SERVER_VERSION);
      if (path === 'api') return discovery(() => apiVersions(new URL(this.serverAddress()).host));
      if (path === 'apis') return discovery(() => API_GROUP_LIST);
      if (path === 'api/v1') return discovery(() => CORE_V1_RESOURCES);
      if (path === 'openapi/v3') return discovery(() => OPENAPI_V3_INDEX);
      if (path === 'openapi/v3/api/v1') return discovery(() => OPENAPI_V3_CORE_V1);
      if (parts[0] === 'apis' && parts.length === 2 && apiGroup(parts[1]))
        return discovery(() => apiGroup(parts[1]));
      if (parts[0] === 'apis' && parts.length === 3 && groupResources(parts[1], parts[2]))
        return discovery(() => groupResources(parts[1], parts[2]));
    }
    const workload = this.workloadEndpoint(req, parts);
    if (workload) return workload;
    if (parts[0] !== 'api' || parts[1] !== 'v1') return notFoundPath();
    if (query.get('watch') === 'true' || query.get('watch') === '1') {
      return statusResponse(
        400,
        'BadRequest',
        'watch is not supported by the kube emulator; list instead',
        {},
      );
    }
    const rest = parts.slice(2);
    const content =
      method === 'POST' || method === 'PUT'
        ? objectBody(req)
        : { body: req.body, contentType: String(req.headers['content-type'] ?? '') };
    if ('status' in content) return content;
    const ctx: WriteContext = {
      query,
      ...content,
      defaultManager: managerFromUserAgent(req.headers['user-agent']),
    };
    const sa = OPERATIONS;

    // /api/v1/namespaces[/{ns}]
    if (rest[0] === 'namespaces' && rest.length === 1) {
      if (method === 'GET')
        return {
          operation: sa.listNamespaces,
          mutating: false,
          verb: 'list',
          resource: 'namespaces',
          run: () => this.namespaces.list(query),
        };
      if (method === 'POST') {
        return {
          operation: sa.createNamespace,
          mutating: true,
          verb: 'create',
          resource: 'namespaces',
          run: () => this.namespaces.create(ctx.body, ctx.contentType),
        };
      }
      return methodNotAllowed();
    }
    if (rest[0] === 'namespaces' && rest.length === 2) {
      const name = rest[1];
      if (method === 'GET')
        return {
          operation: sa.getNamespace,
          mutating: false,
          verb: 'get',
          resource: 'namespaces',
          name,
          // RequestInfo gives a namespace request its own name as namespace (it shows in 403s).
          namespace: name,
          run: () => this.namespaces.get(name),
        };
      if (method === 'DELETE')
        return {
          operation: sa.deleteNamespace,
          mutating: true,
          verb: 'delete',
          resource: 'namespaces',
          name,
          namespace: name,
          run: () => this.namespaces.delete(name),
        };
      return methodNotAllowed();
    }
    // /api/v1/serviceaccounts
    if (rest[0] === 'serviceaccounts' && rest.length === 1) {
      if (method === 'GET') {
        return {
          operation: sa.listServiceAccounts,
          mutating: false,
          verb: 'list',
          resource: 'serviceaccounts',
          run: () => this.serviceAccounts.list(undefined, query),
        };
      }
      return methodNotAllowed();
    }
    // /api/v1/namespaces/{ns}/serviceaccounts/{name}/token (TokenRequest)
    if (
      rest[0] === 'namespaces' &&
      rest[2] === 'serviceaccounts' &&
      rest.length === 5 &&
      rest[4] === 'token'
    ) {
      const [, namespace, , name] = rest;
      if (method !== 'POST') return methodNotAllowed();
      return {
        operation: sa.createToken,
        mutating: true,
        verb: 'create',
        resource: 'serviceaccounts/token',
        name,
        namespace,
        run: () => createToken(this.state, this.issuer, namespace, name, ctx.body, ctx.contentType),
      };
    }
    // /api/v1/namespaces/{ns}/serviceaccounts[/{name}]
    if (
      rest[0] === 'namespaces' &&
      rest[2] === 'serviceaccounts' &&
      (rest.length === 3 || rest.length === 4)
    ) {
      const namespace = rest[1];
      const base = { resource: 'serviceaccounts', namespace };
      if (rest.length === 3) {
        if (method === 'GET') {
          return {
            ...base,
            operation: sa.listServiceAccounts,
            mutating: false,
            verb: 'list',
            run: () => this.serviceAccounts.list(namespace, query),
          };
        }
        if (method === 'POST') {
          return {
            ...base,
            operation: sa.createServiceAccount,
            mutating: true,
            verb: 'create',
            run: () => this.serviceAccounts.create(namespace, ctx),
          };
        }
        return methodNotAllowed();
      }
      const name = rest[3];
      const one = { ...base, name };
      switch (method) {
        case 'GET':
          return {
            ...one,
            operation: sa.getServiceAccount,
            mutating: false,
            verb: 'get',
            run: () => this.serviceAccounts.get(namespace, name),
          };
        case 'PUT':
          return {
            ...one,
            operation: sa.updateServiceAccount,
            mutating: true,
            verb: 'update',
            run: () => this.serviceAccounts.update(namespace, name, ctx),
          };
        case 'DELETE':
          return {
            ...one,
            operation: sa.deleteServiceAccount,
            mutating: true,
            verb: 'delete',
            run: () => this.serviceAccounts.delete(namespace, name, ctx),
          };
        case 'PATCH': {
          const type = patchType(ctx.contentType);
          if (!type) return unsupportedPatch(ctx.contentType);
          const operation = {
            apply: sa.applyServiceAccount,
            merge: sa.mergePatchServiceAccount,
            strategic: sa.strategicPatchServiceAccount,
            json: sa.jsonPatchServiceAccount,
          }[type];
          const run =
            type === 'apply'
              ? () => this.serviceAccounts.apply(namespace, name, ctx)
              : () => this.serviceAccounts.patch(namespace, name, type, ctx);
          return { ...one, operation, mutating: true, verb: 'patch', run };
        }
        default:
          return methodNotAllowed();
      }
    }
    return notFoundPath();
  }
}

/** The group, resource, namespace and name of a workload URL (see WORKLOAD_KINDS), or nothing. */
function workloadPath(
  parts: string[],
): { resource: WorkloadResource; group: string; namespace?: string; name?: string } | undefined {
  const [group, rest] =
    parts[0] === 'apis' && parts[2] === 'v1'
      ? [parts[1], parts.slice(3)]
      : parts[0] === 'api' && parts[1] === 'v1'
        ? ['', parts.slice(2)]
        : [undefined, []];
  if (group === undefined) return undefined;
  const at =
    rest.length === 1
      ? { resource: rest[0] }
      : rest[0] === 'namespaces' && (rest.length === 3 || rest.length === 4)
        ? { resource: rest[2], namespace: rest[1], name: rest[3] }
        : undefined;
  const kind = at && workloadKind(at.resource);
  if (!at || !kind || kind.group !== group) return undefined;
  return { ...at, resource: kind.resource, group };
}

/**
 * The body of a create or replace as JSON/YAML text. kubectl sends core objects as protobuf and
 * does not fall back to JSON, so protobuf is decoded here; other media types get 415.
 */
function objectBody(req: EmulatorRequest): { body: string; contentType: string } | EmulatorResponse {
  const contentType = String(req.headers['content-type'] ?? 'application/json');
  const media = contentType.split(';')[0].trim().toLowerCase();
  if (media === 'application/json' || media === 'application/yaml') return { body: req.body, contentType };
  if (media === PROTOBUF_CONTENT_TYPE) {
    try {
      return {
        body: JSON.stringify(decodeProtobufObject(req.rawBody ?? Buffer.from(req.body))),
        contentType: 'application/json',
      };
    } catch (error) {
      if (error instanceof KubeStatusError) return error.toResponse();
      throw error;
    }
  }
  return statusResponse(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format (${contentType}) - accepted media types include: application/json, application/yaml, ${PROTOBUF_CONTENT_TYPE}`,
    {},
  );
}

function denies(rule: DenyRule, endpoint: Endpoint): boolean {
  if (rule.verb !== endpoint.verb || rule.resource !== endpoint.resource) return false;
  // A namespace is itself cluster-scoped even though its authorization attributes carry its name.
  const clusterWide = endpoint.resource === 'namespaces' || endpoint.namespace === undefined;
  if (rule.scope === 'cluster') return clusterWide;
  if (rule.scope === 'namespace') return !clusterWide;
  return true;
}

function patchType(contentType: string): PatchType | undefined {
  const media = contentType.split(';')[0].trim().toLowerCase();
  return (Object.keys(PATCH_TYPES) as PatchType[]).find((t) => PATCH_TYPES[t] === media);
}

function unsupportedPatch(contentType: string): EmulatorResponse {
  return statusResponse(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format (${contentType || 'no Content-Type'}) - accepted media types include: ${Object.values(PATCH_TYPES).join(', ')}`,
    {},
  );
}

/** The API server names a manager after the client's User-Agent when `?fieldManager=` is absent. */
function managerFromUserAgent(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0].trim();
  return prefix === '' ? 'unknown' : prefix.slice(0, 128);
}
