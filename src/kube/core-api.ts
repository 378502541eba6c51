// The Kubernetes calls the plan and apply make (ServiceAccounts and namespaces of core/v1), sent
// through @kubernetes/client-node's own request pipeline — the KubeConfig's authentication (token,
// client certificate, exec and OIDC plugins), TLS, proxies, its undici-based HTTP library and
// middleware — without its generated API classes.
//
// Why not `kc.makeApiClient(CoreV1Api)`: every generated API class deserialises through
// ObjectSerializer, whose type map holds all ~2,700 generated model classes, so loading CoreV1Api
// loads the whole generated client. Measured (Node 24, this machine): importing the package costs
// ~129 MB RSS against ~81 MB for KubeConfig alone with the generated index left out, and the
// bundled CLI's plan went from ~300 MB to the figures in bench/results/latest.md. For seven calls on
// one kind of object, a method each over the same pipeline is the better trade. The answers are
// returned in client-node's shapes (ListMeta `continue` as `_continue`, timestamps as Date), and
// failures as its ApiException (code, body, headers), so callers cannot tell the difference; a
// CoreV1Api can stand in for this class (tests do).
import type {
  Configuration,
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
import type { RequestContext, ResponseContext } from '@kubernetes/client-node/dist/gen/http/http.js';

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

/**
 * One request through client-node's pipeline, answered in its shapes: the base of this project's
 * API clients (KubeCoreClient here, KubeWorkloadsClient in workloads-api.ts).
 */
export class KubeRequestClient {
  private readonly configuration: Configuration;

  /** Built by `KubeConfig.makeApiClient(Class)`, like any client-node API class. */
  constructor(configuration: Configuration) {
    this.configuration = configuration;
  }

  protected async send<T>(
    method: 'GET' | 'PATCH' | 'DELETE' | 'POST',
    resource: string,
    query: Query,
    body?: { contentType: string; data: unknown },
    options?: CallOptions,
  ): Promise<T> {
    const config = this.configuration;
    let request = config.baseServer.makeRequestContext(resource, method as never);
    request.setHeaderParam('Accept', 'application/json, */*;q=0.8');
    for (const [key, value] of Object.entries(query))
      if (value !== undefined) request.setQueryParam(key, String(value));
    if (body) {
      request.setHeaderParam('Content-Type', body.contentType);
      request.setBody(JSON.stringify(body.data));
    }
    await config.authMethods.default?.applySecurityAuthentication(request);
    const middleware = merge(config.middleware as unknown as Middleware[], options);
    for (const m of middleware) request = await settle(m.pre(request));
    let response = await settle(config.httpApi.send(request) as unknown as Settleable<ResponseContext>);
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

function merge(base: Middleware[], options: CallOptions | undefined): Middleware[] {
  const extra = options?.middleware;
  if (!extra) return base;
  switch (options.middlewareMergeStrategy ?? 'replace') {
    case 'append':
      return [...base, ...extra];
    case 'prepend':
      return [...extra, ...base];
    default:
      return extra;
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
