// The Kubernetes calls the plan and apply make (ServiceAccounts and namespaces of core/v1), with
// @kubernetes/client-node's request context and middleware, sent by KubeTransport (transport.ts:
// Node's https with the KubeConfig's authentication, TLS and proxy applied by client-node), without
// its generated API classes or its fetch pipeline.
//
// Why not `kc.makeApiClient(CoreV1Api)`: every generated API class deserialises through
// ObjectSerializer, whose type map holds all ~2,700 generated model classes, so loading CoreV1Api
// loads the whole generated client. Measured (Node 24, this machine): importing the package costs
// ~129 MB RSS against ~81 MB for KubeConfig alone with the generated index left out, and the
// bundled CLI's plan went from ~300 MB to the figures in bench/results/latest.md. For seven calls on
// one kind of object, a method each is the better trade. The answers are
// returned in client-node's shapes (ListMeta `continue` as `_continue`, timestamps as Date), and
// failures as its ApiException (code, body, headers), so callers cannot tell the difference; a
// CoreV1Api can stand in for this class (tests do).
import type {
  AuthenticationV1TokenRequest,
  CoreV1Api,
  CoreV1ApiCreateNamespacedServiceAccountTokenRequest,
  CoreV1ApiDeleteNamespacedServiceAccountRequest,
  CoreV1ApiListNamespaceRequest,
  CoreV1ApiListNamespacedServiceAccountRequest,
  CoreV1ApiListServiceAccountForAllNamespacesRequest,
  CoreV1ApiPatchNamespacedServiceAccountRequest,
  CoreV1ApiReadNamespaceRequest,
  CoreV1ApiReadNamespacedServiceAccountRequest,
  V1Namespace,
  V1NamespaceList,
  V1ServiceAccount,
  V1ServiceAccountList,
} from '@kubernetes/client-node';
import { ApiException } from '@kubernetes/client-node/dist/gen/apis/exception.js';
import {
  RequestContext,
  type HttpMethod,
  type ResponseContext,
} from '@kubernetes/client-node/dist/gen/http/http.js';
import type { KubeTransport } from './transport.js';

/** The part of CoreV1Api this project uses: add a method here (and below) for a new call. */
export type KubeCoreApi = Pick<
  CoreV1Api,
  | 'listServiceAccountForAllNamespaces'
  | 'listNamespacedServiceAccount'
  | 'readNamespace'
  | 'listNamespace'
  | 'readNamespacedServiceAccount'
  | 'patchNamespacedServiceAccount'
  | 'deleteNamespacedServiceAccount'
  | 'createNamespacedServiceAccountToken'
>;

/** Call-time options as client-node's `setHeaderOptions` makes them (extra middleware, appended). */
export interface CallOptions {
  middleware?: Middleware[];
  middlewareMergeStrategy?: 'append' | 'prepend' | 'replace';
}

/** client-node's middleware: `pre`/`post` return its Observable stub (toPromise) or a Promise. */
interface Middleware {
  pre(context: RequestContext): Settleable<RequestContext>;
  post(context: ResponseContext): Settleable<ResponseContext>;
}
type Settleable<T> = PromiseLike<T> | { toPromise(): PromiseLike<T> };

async function settle<T>(value: Settleable<T>): Promise<T> {
  return 'toPromise' in value ? value.toPromise() : value;
}

export type Query = Record<string, string | number | boolean | undefined>;

export const path = (template: string, params: Record<string, string>): string =>
  template.replace(/\{(\w+)\}/g, (_, key: string) => encodeURIComponent(params[key] ?? ''));

/** Where and how a client sends: the cluster's API server and the transport that carries the kubeconfig. */
export interface KubeConnection {
  /** The API server's base URL without a trailing slash, e.g. `https://k8s.example:6443`. */
  server: string;
  transport: KubeTransport;
  /** The limit on each request, connecting included (client-node sets none). */
  timeoutMs: number;
}

/** Names this tool in the API server's audit log (client-node's pipeline sent its own name). */
const USER_AGENT = 'workload-identity-bindings (kubernetes-client-javascript)';

/**
 * One request, answered in client-node's shapes: the base of this project's API clients
 * (KubeCoreClient here, KubeWorkloadsClient in workloads-api.ts).
 */
export class KubeRequestClient {
  private readonly connection: KubeConnection;

  constructor(connection: KubeConnection) {
    this.connection = connection;
  }

  protected async send<T>(
    method: 'GET' | 'PATCH' | 'DELETE' | 'POST',
    resource: string,
    query: Query,
    body?: { contentType: string; data: unknown },
    options?: CallOptions,
  ): Promise<T> {
    const { server, transport, timeoutMs } = this.connection;
    let request = new RequestContext(server + resource, method as HttpMethod);
    request.setHeaderParam('Accept', 'application/json, */*;q=0.8');
    request.setHeaderParam('User-Agent', USER_AGENT);
    for (const [key, value] of Object.entries(query))
      if (value !== undefined) request.setQueryParam(key, String(value));
    if (body) {
      request.setHeaderParam('Content-Type', body.contentType);
      request.setBody(JSON.stringify(body.data));
    }
    const middleware = options?.middleware ?? [];
    for (const m of middleware) request = await settle(m.pre(request));
    const own = request.getSignal() as AbortSignal | undefined;
    const limit = AbortSignal.timeout(timeoutMs);
    request.setSignal(own ? AbortSignal.any([own, limit]) : limit);
    let response = await transport.send(request);
    for (const m of [...middleware].reverse()) response = await settle(m.post(response));
    const status = response.httpStatusCode;
    if (status >= 200 && status <= 299) return revive(JSON.parse(await response.body.text())) as T;
    // As the generated client does: its OpenAPI spec gives 401 no body schema, so none is kept.
    if (status === 401) throw new ApiException(status, 'Unauthorized', undefined, response.headers);
    throw new ApiException(status, 'Unknown API Status Code!', await response.body.text(), response.headers);
  }
}

export class KubeCoreClient extends KubeRequestClient implements KubeCoreApi {
  listServiceAccountForAllNamespaces(
    param: CoreV1ApiListServiceAccountForAllNamespacesRequest = {},
  ): Promise<V1ServiceAccountList> {
    return this.send<V1ServiceAccountList>('GET', '/api/v1/serviceaccounts', {
      labelSelector: param.labelSelector,
      fieldSelector: param.fieldSelector,
      limit: param.limit,
      continue: param._continue,
      resourceVersion: param.resourceVersion,
    });
  }

  listNamespacedServiceAccount(
    param: CoreV1ApiListNamespacedServiceAccountRequest,
  ): Promise<V1ServiceAccountList> {
    return this.send<V1ServiceAccountList>(
      'GET',
      path('/api/v1/namespaces/{namespace}/serviceaccounts', { namespace: param.namespace }),
      {
        labelSelector: param.labelSelector,
        fieldSelector: param.fieldSelector,
        limit: param.limit,
        continue: param._continue,
        resourceVersion: param.resourceVersion,
      },
    );
  }

  readNamespace(param: CoreV1ApiReadNamespaceRequest): Promise<V1Namespace> {
    return this.send<V1Namespace>('GET', path('/api/v1/namespaces/{name}', { name: param.name }), {});
  }

  listNamespace(param: CoreV1ApiListNamespaceRequest = {}): Promise<V1NamespaceList> {
    return this.send<V1NamespaceList>('GET', '/api/v1/namespaces', {
      labelSelector: param.labelSelector,
      fieldSelector: param.fieldSelector,
      limit: param.limit,
      continue: param._continue,
    });
  }

  readNamespacedServiceAccount(
    param: CoreV1ApiReadNamespacedServiceAccountRequest,
  ): Promise<V1ServiceAccount> {
    return this.send<V1ServiceAccount>(
      'GET',
      path('/api/v1/namespaces/{namespace}/serviceaccounts/{name}', { ...param }),
      {},
    );
  }

  patchNamespacedServiceAccount(
    param: CoreV1ApiPatchNamespacedServiceAccountRequest,
    options?: CallOptions,
  ): Promise<V1ServiceAccount> {
    return this.send<V1ServiceAccount>(
      'PATCH',
      path('/api/v1/namespaces/{namespace}/serviceaccounts/{name}', {
        namespace: param.namespace,
        name: param.name,
      }),
      { fieldManager: param.fieldManager, force: param.force, dryRun: param.dryRun },
      // The generated client's default; a call names the real strategy through its options.
      { contentType: 'application/json-patch+json', data: param.body },
      options,
    );
  }

  deleteNamespacedServiceAccount(
    param: CoreV1ApiDeleteNamespacedServiceAccountRequest,
  ): Promise<V1ServiceAccount> {
    return this.send<V1ServiceAccount>(
      'DELETE',
      path('/api/v1/namespaces/{namespace}/serviceaccounts/{name}', {
        namespace: param.namespace,
        name: param.name,
      }),
      {
        dryRun: param.dryRun,
        gracePeriodSeconds: param.gracePeriodSeconds,
        propagationPolicy: param.propagationPolicy,
      },
      param.body === undefined ? undefined : { contentType: 'application/json', data: param.body },
    );
  }

  /** TokenRequest (verify): a short-lived token for one ServiceAccount. */
  createNamespacedServiceAccountToken(
    param: CoreV1ApiCreateNamespacedServiceAccountTokenRequest,
  ): Promise<AuthenticationV1TokenRequest> {
    return this.send<AuthenticationV1TokenRequest>(
      'POST',
      path('/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token', {
        namespace: param.namespace,
        name: param.name,
      }),
      {},
      { contentType: 'application/json', data: param.body },
    );
  }
}

const TIMESTAMPS = ['creationTimestamp', 'deletionTimestamp'];

/** client-node's shapes: ListMeta `continue` → `_continue`, ObjectMeta timestamps → Date. */
function revive(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const object = value as { metadata?: Record<string, unknown>; items?: unknown[] };
  const meta = object.metadata;
  if (meta) {
    if ('continue' in meta) {
      meta._continue = meta.continue;
      delete meta.continue;
    }
    for (const key of TIMESTAMPS)
      if (typeof meta[key] === 'string') meta[key] = new Date(meta[key] as string);
    if (Array.isArray(meta.managedFields))
      for (const entry of meta.managedFields as Array<Record<string, unknown>>)
        if (typeof entry.time === 'string') entry.time = new Date(entry.time);
  }
  if (Array.isArray(object.items)) object.items.forEach(revive);
  return value;
}
