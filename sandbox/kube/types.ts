// The emulator's stored objects. A ServiceAccount keeps its writable content as leaf fields (one
// per label, annotation or top-level field) because that is the unit server-side apply tracks
// ownership of; the wire JSON is rebuilt from them on every read.

/** Operation names the request counters use (the benchmark and tests read them). */
export const OPERATIONS = {
  discovery: 'discovery',
  listNamespaces: 'list namespaces',
  getNamespace: 'get namespace',
  createNamespace: 'create namespace',
  deleteNamespace: 'delete namespace',
  listServiceAccounts: 'list serviceaccounts',
  getServiceAccount: 'get serviceaccount',
  createServiceAccount: 'create serviceaccount',
  updateServiceAccount: 'update serviceaccount',
  applyServiceAccount: 'patch serviceaccount (apply)',
  mergePatchServiceAccount: 'patch serviceaccount (merge)',
  strategicPatchServiceAccount: 'patch serviceaccount (strategic)',
  jsonPatchServiceAccount: 'patch serviceaccount (json)',
  deleteServiceAccount: 'delete serviceaccount',
  createToken: 'create serviceaccount token',
  openidConfiguration: 'get openid-configuration',
  jwks: 'get jwks',
} as const;

/**
 * Operation names of the workload kinds (Deployments … Pods): `list deployments`, `get deployment`,
 * `create deployment`, `patch deployment (strategic)`.
 */
export const workloadOperation = (
  verb: 'list' | 'get' | 'create' | 'patch',
  resource: string,
  singular: string,
  patchType?: string,
): string =>
  verb === 'list'
    ? `list ${resource}`
    : verb === 'patch'
      ? `patch ${singular} (${patchType})`
      : `${verb} ${singular}`;

/** A leaf field: its path from the object root and its JSON value. */
export interface Leaf {
  path: readonly string[];
  value: unknown;
}

/** Leaf fields keyed by `fieldKey(path)`. */
export type FieldMap = Map<string, Leaf>;

export type ManagedOperation = 'Apply' | 'Update';

/** One managedFields entry: the fields a manager owns through one kind of operation. */
export interface FieldManager {
  manager: string;
  operation: ManagedOperation;
  time: string;
  fields: Set<string>;
}

export interface StoredServiceAccount {
  namespace: string;
  name: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  fields: FieldMap;
  managers: FieldManager[];
}

export interface StoredNamespace {
  name: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  labels: Record<string, string>;
  /** Set once the namespace is deleted: it stays `Terminating` (a finalizer holds it) until finalized. */
  deletionTimestamp?: string;
}

/** What a test seeds directly into state (no HTTP, no counters). */
export interface ServiceAccountSeed {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  automountServiceAccountToken?: boolean;
  /**
   * Record the seeded fields as owned by this manager (`Update` operation, or `Apply` with
   * `operation: 'Apply'`), e.g. `helm` to set up a server-side apply conflict. Default
   * `kubectl-client-side-apply` (Update), what a real API server records for an object made with
   * `kubectl apply` — every object created through the API has managedFields. `null`: none at all
   * (an object from before server-side apply, or whose managedFields were reset), whose fields the
   * first apply assigns to `before-first-apply`.
   */
  fieldManager?: string | null;
  operation?: ManagedOperation;
}

/** The wire form of a ServiceAccount as the API server returns it. */
export interface ServiceAccountJson {
  kind?: 'ServiceAccount';
  apiVersion?: 'v1';
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    managedFields?: ManagedFieldsEntryJson[];
  };
  secrets?: { name: string }[];
  imagePullSecrets?: { name: string }[];
  automountServiceAccountToken?: boolean;
}

export interface ManagedFieldsEntryJson {
  manager: string;
  operation: ManagedOperation;
  apiVersion: 'v1';
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
}
