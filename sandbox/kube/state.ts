// In-memory cluster state: namespaces and ServiceAccounts in etcd key order, one global
// resourceVersion counter bumped by every write, deterministic UIDs.
import { recordUpdate, serverSideApply } from './managed-fields.js';
import { fieldKey } from './codec.js';
import type { ContinueExpiry } from './paging.js';
import type { FieldMap, ServiceAccountSeed, StoredNamespace, StoredServiceAccount } from './types.js';
import type { StoredWorkload, WorkloadResource } from './workloads.js';

export const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public'];

/** Kubernetes timestamps are RFC 3339 with whole seconds. */
export const kubeTime = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class KubeState {
  private readonly namespaces = new Map<string, StoredNamespace>();
  private readonly serviceAccounts = new Map<string, StoredServiceAccount>();
  /** Deployments, StatefulSets, DaemonSets, Jobs, CronJobs and Pods, keyed `resource/namespace/name`. */
  private readonly workloads = new Map<string, StoredWorkload>();
  private revision = 100;
  private uidCounter = 0;
  private readonly clock: () => Date;
  /** When continue tokens expire (tests change it; default never). */
  readonly continueExpiry: ContinueExpiry = {};
  /**
   * Whether paged lists without a selector report `remainingItemCount` (ListMeta: the server may
   * leave it unset; tests turn it off to be such a server).
   */
  reportsRemainingItemCount = true;

  constructor(clock: () => Date = () => new Date()) {
    this.clock = clock;
  }

  /** The emulator clock in ms (continue tokens record it). */
  nowMs(): number {
    return this.clock().getTime();
  }

  now(): string {
    return kubeTime(this.clock());
  }

  /** The resourceVersion of the latest write (lists report it). */
  get resourceVersion(): string {
    return String(this.revision);
  }

  nextResourceVersion(): string {
    this.revision += 1;
    return String(this.revision);
  }

  newUid(): string {
    this.uidCounter += 1;
    return `00000000-0000-4000-8000-${this.uidCounter.toString(16).padStart(12, '0')}`;
  }

  namespace(name: string): StoredNamespace | undefined {
    return this.namespaces.get(name);
  }

  listNamespaces(): StoredNamespace[] {
    return [...this.namespaces.values()].sort((a, b) => compare(a.name, b.name));
  }

  createNamespace(name: string, labels: Record<string, string> = {}): StoredNamespace {
    const ns: StoredNamespace = {
      name,
      uid: this.newUid(),
      resourceVersion: this.nextResourceVersion(),
      creationTimestamp: this.now(),
      // The API server adds this label to every namespace.
      labels: { ...labels, 'kubernetes.io/metadata.name': name },
    };
    this.namespaces.set(name, ns);
    return ns;
  }

  /**
   * Deletes a namespace the way the API server does while a finalizer (`kubernetes`) still holds it:
   * it gets a deletionTimestamp and phase `Terminating`, keeps existing, and refuses new content
   * (403 with cause NamespaceTerminating) until `finalizeNamespace`.
   */
  terminateNamespace(name: string): StoredNamespace | undefined {
    const ns = this.namespaces.get(name);
    if (!ns) return undefined;
    if (!ns.deletionTimestamp) {
      const next = { ...ns, deletionTimestamp: this.now(), resourceVersion: this.nextResourceVersion() };
      this.namespaces.set(name, next);
      return next;
    }
    return ns;
  }

  /** The namespace controller finishing: its content goes, then the namespace. */
  finalizeNamespace(name: string): void {
    for (const sa of this.listServiceAccounts(name)) this.deleteServiceAccount(sa.namespace, sa.name);
    for (const [key, w] of this.workloads) if (w.namespace === name) this.workloads.delete(key);
    if (this.namespaces.delete(name)) this.nextResourceVersion();
  }

  serviceAccount(namespace: string, name: string): StoredServiceAccount | undefined {
    return this.serviceAccounts.get(`${namespace}/${name}`);
  }

  /** All ServiceAccounts, or one namespace's, in etcd key order (namespace, then name). */
  listServiceAccounts(namespace?: string): StoredServiceAccount[] {
    return [...this.serviceAccounts.values()]
      .filter((sa) => namespace === undefined || sa.namespace === namespace)
      .sort((a, b) => compare(listKey(a), listKey(b)));
  }

  /** Stores a new version of a ServiceAccount, stamping the next resourceVersion. */
  putServiceAccount(sa: Omit<StoredServiceAccount, 'resourceVersion'>): StoredServiceAccount {
    const stored = { ...sa, resourceVersion: this.nextResourceVersion() };
    this.serviceAccounts.set(`${sa.namespace}/${sa.name}`, stored);
    return stored;
  }

  deleteServiceAccount(namespace: string, name: string): StoredServiceAccount | undefined {
    const sa = this.serviceAccount(namespace, name);
    if (sa) {
      this.serviceAccounts.delete(`${namespace}/${name}`);
      this.nextResourceVersion();
    }
    return sa;
  }

  workload(resource: WorkloadResource, namespace: string, name: string): StoredWorkload | undefined {
    return this.workloads.get(`${resource}/${namespace}/${name}`);
  }

  /** One kind's objects, all namespaces or one, in etcd key order (namespace, then name). */
  listWorkloads(resource: WorkloadResource, namespace?: string): StoredWorkload[] {
    const prefix = `${resource}/${namespace === undefined ? '' : `${namespace}/`}`;
    return [...this.workloads.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([, w]) => w)
      .sort((a, b) => compare(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
  }

  /**
   * Stores a workload with the metadata the server owns: uid and creationTimestamp on create, the
   * next resourceVersion always, and `metadata.generation` bumped when the spec changed (what
   * `kubectl rollout status` compares with observedGeneration).
   */
  putWorkload(
    resource: WorkloadResource,
    namespace: string,
    name: string,
    object: Record<string, unknown>,
    create: boolean,
  ): StoredWorkload {
    const existing = this.workload(resource, namespace, name);
    const copy = structuredClone(object);
    const meta = (typeof copy.metadata === 'object' && copy.metadata !== null ? copy.metadata : {}) as Record<
      string,
      unknown
    >;
    const old = existing?.object.metadata as Record<string, unknown> | undefined;
    const specChanged = !existing || JSON.stringify(existing.object.spec) !== JSON.stringify(copy.spec);
    const generation = create || !old ? 1 : Number(old.generation ?? 1) + (specChanged ? 1 : 0);
    copy.metadata = {
      ...meta,
      name,
      namespace,
      uid: create || !old ? this.newUid() : old.uid,
      resourceVersion: this.nextResourceVersion(),
      ...(resource === 'pods' ? {} : { generation }),
      creationTimestamp: create || !old ? this.now() : old.creationTimestamp,
    };
    if (resource === 'pods') {
      const spec = (copy.spec ?? {}) as Record<string, unknown>;
      // The ServiceAccount admission plugin: a Pod without one runs as "default".
      if (typeof spec.serviceAccountName !== 'string' || spec.serviceAccountName === '')
        copy.spec = { ...spec, serviceAccountName: 'default', serviceAccount: 'default' };
    }
    const stored: StoredWorkload = { namespace, name, object: copy };
    this.workloads.set(`${resource}/${namespace}/${name}`, stored);
    return stored;
  }

  /** Creates the namespace if needed and stores (or replaces) the ServiceAccount. */
  seedServiceAccount(seed: ServiceAccountSeed): StoredServiceAccount {
    if (!this.namespace(seed.namespace)) this.createNamespace(seed.namespace);
    const fields: FieldMap = new Map();
    for (const map of ['labels', 'annotations'] as const) {
      for (const [key, value] of Object.entries(seed[map] ?? {})) {
        const path = ['metadata', map, key];
        fields.set(fieldKey(path), { path, value });
      }
    }
    if (seed.automountServiceAccountToken !== undefined) {
      fields.set(fieldKey(['automountServiceAccountToken']), {
        path: ['automountServiceAccountToken'],
        value: seed.automountServiceAccountToken,
      });
    }
    const now = this.now();
    const manager = seed.fieldManager === undefined ? DEFAULT_SEED_MANAGER : seed.fieldManager;
    const managers =
      manager === null
        ? []
        : seed.operation === 'Apply'
          ? serverSideApply(new Map(), [], manager, fields, true, now).managers
          : recordUpdate([], manager, new Map(), fields, now);
    const existing = this.serviceAccount(seed.namespace, seed.name);
    return this.putServiceAccount({
      namespace: seed.namespace,
      name: seed.name,
      uid: existing?.uid ?? this.newUid(),
      creationTimestamp: existing?.creationTimestamp ?? now,
      fields,
      managers,
    });
  }
}

/** Who a seeded ServiceAccount's fields belong to unless the seed says: `kubectl apply` (client-side). */
export const DEFAULT_SEED_MANAGER = 'kubectl-client-side-apply';

const listKey = (sa: StoredServiceAccount): string => `${sa.namespace}/${sa.name}`;

/** Byte order, like etcd keys (localeCompare would sort "-" and "." differently). */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
