// A minimal OpenAPI v3 document for core/v1. kubectl reads it before `apply` and `create` to learn
// whether the server validates fields itself (`fieldValidation` on the PATCH operation of the
// object's kind): when it does, kubectl sends `fieldValidation=Strict` and needs no client-side
// schema. Without any OpenAPI, `kubectl apply` stops with "failed to download openapi". The v2
// document is only offered as protobuf to kubectl, so it stays 404 and kubectl uses v3.

const GVK = {
  ServiceAccount: { group: '', version: 'v1', kind: 'ServiceAccount' },
  Namespace: { group: '', version: 'v1', kind: 'Namespace' },
};

const query = (name: string, description: string, type = 'string'): unknown => ({
  name,
  in: 'query',
  description,
  schema: { type, uniqueItems: true },
});
const pathParam = (name: string): unknown => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string', uniqueItems: true },
});

const WRITE_PARAMS = [
  query('dryRun', 'When present, indicates that modifications should not be persisted ("All").'),
  query('fieldManager', 'A name associated with the actor or entity that is making these changes.'),
  query('fieldValidation', 'Ignore, Warn or Strict: how to treat unknown or duplicate fields.'),
];
const LIST_PARAMS = [
  query('labelSelector', 'Restricts the list by label.'),
  query('limit', 'Page size.', 'integer'),
  query('continue', 'Token of the next page.'),
];

const ref = (name: string): unknown => ({ $ref: `#/components/schemas/${name}` });
const jsonBody = (schema: string): unknown => ({
  content: { 'application/json': { schema: ref(schema) } },
  required: true,
});
const ok = (schema: string): unknown => ({
  '200': { description: 'OK', content: { 'application/json': { schema: ref(schema) } } },
});

function operation(
  action: string,
  kind: keyof typeof GVK,
  params: unknown[],
  schema: string,
  body?: string,
): unknown {
  return {
    operationId: `${action}CoreV1${kind}`,
    parameters: params,
    ...(body ? { requestBody: jsonBody(body) } : {}),
    responses: ok(schema),
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': GVK[kind],
  };
}

const SA = 'io.k8s.api.core.v1.ServiceAccount';
const SA_LIST = 'io.k8s.api.core.v1.ServiceAccountList';
const NS = 'io.k8s.api.core.v1.Namespace';
const NS_LIST = 'io.k8s.api.core.v1.NamespaceList';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
const REF = 'io.k8s.api.core.v1.ObjectReference';
const LOCAL_REF = 'io.k8s.api.core.v1.LocalObjectReference';
const STATUS = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';

const stringMap = { type: 'object', additionalProperties: { type: 'string', default: '' } };
const typed = (kind: keyof typeof GVK | 'ServiceAccountList' | 'NamespaceList'): unknown => ({
  'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind }],
});
const listOf = (item: string, kind: 'ServiceAccountList' | 'NamespaceList'): unknown => ({
  type: 'object',
  required: ['items'],
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: ref(LIST_META),
    items: { type: 'array', items: ref(item) },
  },
  ...(typed(kind) as object),
});

const SCHEMAS = {
  [SA]: {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: ref(META),
      automountServiceAccountToken: { type: 'boolean' },
      imagePullSecrets: { type: 'array', items: ref(LOCAL_REF), 'x-kubernetes-list-type': 'atomic' },
      secrets: {
        type: 'array',
        items: ref(REF),
        'x-kubernetes-patch-merge-key': 'name',
        'x-kubernetes-patch-strategy': 'merge',
      },
    },
    ...(typed('ServiceAccount') as object),
  },
  [SA_LIST]: listOf(SA, 'ServiceAccountList'),
  [NS]: {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: ref(META),
      spec: { type: 'object', properties: { finalizers: { type: 'array', items: { type: 'string' } } } },
      status: { type: 'object', properties: { phase: { type: 'string' } } },
    },
    ...(typed('Namespace') as object),
  },
  [NS_LIST]: listOf(NS, 'NamespaceList'),
  [META]: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      namespace: { type: 'string' },
      uid: { type: 'string' },
      resourceVersion: { type: 'string' },
      creationTimestamp: { type: 'string', format: 'date-time' },
      labels: stringMap,
      annotations: stringMap,
      managedFields: {
        type: 'array',
        items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  },
  [LIST_META]: {
    type: 'object',
    properties: {
      resourceVersion: { type: 'string' },
      continue: { type: 'string' },
      remainingItemCount: { type: 'integer', format: 'int64' },
    },
  },
  [REF]: {
    type: 'object',
    properties: { name: { type: 'string' }, namespace: { type: 'string' }, kind: { type: 'string' } },
  },
  [LOCAL_REF]: { type: 'object', properties: { name: { type: 'string' } } },
  [STATUS]: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
};

export const OPENAPI_V3_CORE_V1 = {
  openapi: '3.0.0',
  info: { title: 'Kubernetes (workload-identity-bindings emulator)', version: 'v1.32.0' },
  paths: {
    '/api/v1/namespaces': {
      get: operation('list', 'Namespace', LIST_PARAMS, NS_LIST),
      post: operation('post', 'Namespace', WRITE_PARAMS, NS, NS),
    },
    '/api/v1/namespaces/{name}': {
      parameters: [pathParam('name')],
      get: operation('get', 'Namespace', [], NS),
    },
    '/api/v1/serviceaccounts': { get: operation('list', 'ServiceAccount', LIST_PARAMS, SA_LIST) },
    '/api/v1/namespaces/{namespace}/serviceaccounts': {
      parameters: [pathParam('namespace')],
      get: operation('list', 'ServiceAccount', LIST_PARAMS, SA_LIST),
      post: operation('post', 'ServiceAccount', WRITE_PARAMS, SA, SA),
    },
    '/api/v1/namespaces/{namespace}/serviceaccounts/{name}': {
      parameters: [pathParam('namespace'), pathParam('name')],
      get: operation('get', 'ServiceAccount', [], SA),
      put: operation('put', 'ServiceAccount', WRITE_PARAMS, SA, SA),
      patch: operation(
        'patch',
        'ServiceAccount',
        [...WRITE_PARAMS, query('force', 'Force is going to "force" Apply requests.', 'boolean')],
        SA,
        SA,
      ),
      delete: operation(
        'delete',
        'ServiceAccount',
        [query('dryRun', 'When present, indicates that modifications should not be persisted.')],
        STATUS,
      ),
    },
  },
  components: { schemas: SCHEMAS },
};

/** A stable hash in the index URL, like the API server's, lets clients cache the document. */
export const OPENAPI_V3_HASH = 'workload-identity-bindings-emulator-1';

export const OPENAPI_V3_INDEX = {
  paths: { 'api/v1': { serverRelativeURL: `/openapi/v3/api/v1?hash=${OPENAPI_V3_HASH}` } },
};
