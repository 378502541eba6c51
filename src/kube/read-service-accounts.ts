// Reads one cluster's ServiceAccounts and namespaces for the plan: every ServiceAccount carrying our
// managed-by label (one paged list across all namespaces — ones we created that left the file are
// found too), each wanted ServiceAccount that the list did not return (GET, 404 = absent), and which
// of the file's namespaces exist or are being deleted. Lists restart once when their continue token
// expires (410). A cluster-wide ServiceAccount list forbidden by RBAC falls back to the file's
// namespaces.
//
// Namespaces: one GET for a single namespace; from two on, one list of all namespaces (usually one
// page) is fewer calls than a GET each. If listing namespaces is forbidden (RBAC granting only get),
// it falls back to a GET each.
//
// Calls per cluster, S = labelled ServiceAccounts, M = wanted ServiceAccounts without the label in
// existing namespaces, n = the file's namespaces, A = namespaces in the cluster:
//   max(1, ⌈S/500⌉) + (n = 0 ? 0 : n = 1 ? 1 : ⌈A/500⌉) + M
// Usually 2 + M. Namespace and ServiceAccount lists run concurrently; GETs follow and skip
// namespaces known to be missing. client-node does not retry, so 429, 5xx and dropped connections
// are retried here with backoff.
import type { V1Namespace, V1ObjectMeta, V1ServiceAccount } from '@kubernetes/client-node';
import {
  KUBE_TRANSIENT_POLICY,
  realSleep,
  withRetry,
  type RetryPolicy,
  type Sleep,
} from '../support/retry.js';
import { DEFAULT_CONCURRENCY, mapWithConcurrency, type CallObserver } from '../support/concurrency.js';
import type { ObservedCluster, ObservedServiceAccount } from '../observed/types.js';
import { FIELD_MANAGER, MANAGED_BY_SELECTOR } from '../support/ownership.js';
import type { KubeTarget } from './client.js';
import { kubeCallError, kubeFailure, transientKubeFailure } from './errors.js';
import { listAllPages, PAGE_SIZE, type ListPage } from './list-pages.js';
import { otherOwners, ownedKeys } from './managed-fields.js';

export interface ServiceAccountKey {
  namespace: string;
  name: string;
}

export interface ClusterReadOptions {
  /** GETs in flight (default 8). */
  concurrency?: number;
  onCall?: CallObserver;
  sleep?: Sleep;
  retryPolicy?: RetryPolicy;
}

export async function readCluster(
  target: KubeTarget,
  wanted: ServiceAccountKey[],
  namespaces: string[],
  options: ClusterReadOptions = {},
): Promise<ObservedCluster> {
  const reader = new ClusterReader(target, options);
  const wantedNamespaces = [...new Set(namespaces)].sort();
  const [labelled, phases] = await Promise.all([
    reader.labelledServiceAccounts(wantedNamespaces),
    reader.namespacePhases(wantedNamespaces),
  ]);

  const found = new Map(labelled.items.map((sa) => [keyOf(sa), sa]));
  const present = new Set([...phases.existing, ...phases.terminating]);
  // A namespace we checked and found missing cannot hold the ServiceAccount; others we did not check.
  const toGet = dedupe(wanted).filter(
    (w) => !found.has(keyOf(w)) && (present.has(w.namespace) || !wantedNamespaces.includes(w.namespace)),
  );
  const fetched = await mapWithConcurrency(toGet, options.concurrency ?? DEFAULT_CONCURRENCY, (w) =>
    reader.serviceAccount(w),
  );
  for (const sa of fetched) if (sa) found.set(keyOf(sa), sa);

  return {
    key: target.cluster,
    serviceAccounts: [...found.values()].sort((a, b) => compare(keyOf(a), keyOf(b))),
    existingNamespaces: phases.existing,
    ...(phases.terminating.length ? { terminatingNamespaces: phases.terminating } : {}),
    ...(labelled.namespacesOnly ? { listedNamespacesOnly: true } : {}),
  };
}

/**
 * GETs ServiceAccounts the first read did not return (404 = absent): ServiceAccounts we annotated
 * but did not create carry no label to list them by, so the plan finds the ones that left the file
 * through the subjects our roles still trust.
 */
export async function readServiceAccounts(
  target: KubeTarget,
  keys: ServiceAccountKey[],
  options: ClusterReadOptions = {},
): Promise<ObservedServiceAccount[]> {
  const reader = new ClusterReader(target, options);
  const fetched = await mapWithConcurrency(dedupe(keys), options.concurrency ?? DEFAULT_CONCURRENCY, (w) =>
    reader.serviceAccount(w),
  );
  return fetched.filter((sa): sa is ObservedServiceAccount => sa !== undefined);
}

/** Every ServiceAccount of the cluster, in pages of 500 (for import: which carry a role annotation). */
export async function listAllServiceAccounts(
  target: KubeTarget,
  options: ClusterReadOptions = {},
): Promise<ObservedServiceAccount[]> {
  return new ClusterReader(target, options).allServiceAccounts();
}

class ClusterReader {
  private readonly target: KubeTarget;
  private readonly options: ClusterReadOptions;

  constructor(target: KubeTarget, options: ClusterReadOptions) {
    this.target = target;
    this.options = options;
  }

  /**
   * Every ServiceAccount with our label, cluster-wide. When RBAC forbids the cluster-wide list
   * (namespaced RoleBindings only), each of the file's namespaces is listed instead and the result
   * says so: ServiceAccounts we created in other namespaces are then not seen.
   */
  async labelledServiceAccounts(
    namespaces: string[],
  ): Promise<{ items: ObservedServiceAccount[]; namespacesOnly: boolean }> {
    try {
      const items = await this.listAll('list serviceaccounts', (token) =>
        this.target.api.listServiceAccountForAllNamespaces({
          labelSelector: MANAGED_BY_SELECTOR,
          limit: PAGE_SIZE,
          _continue: token,
        }),
      );
      return { items: items.map((sa) => this.observed(sa)), namespacesOnly: false };
    } catch (error) {
      if (kubeFailure(error).status !== 403 || namespaces.length === 0)
        throw kubeCallError(this.target, 'list serviceaccounts', error);
    }
    const lists = await mapWithConcurrency(
      namespaces,
      this.options.concurrency ?? DEFAULT_CONCURRENCY,
      async (namespace) => {
        try {
          return await this.listAll('list serviceaccounts in namespace', (token) =>
            this.target.api.listNamespacedServiceAccount({
              namespace,
              labelSelector: MANAGED_BY_SELECTOR,
              limit: PAGE_SIZE,
              _continue: token,
            }),
          );
        } catch (error) {
          throw kubeCallError(this.target, `list serviceaccounts in namespace "${namespace}"`, error);
        }
      },
    );
    return { items: lists.flat().map((sa) => this.observed(sa)), namespacesOnly: true };
  }

  async allServiceAccounts(): Promise<ObservedServiceAccount[]> {
    try {
      const items = await this.listAll('list serviceaccounts', (token) =>
        this.target.api.listServiceAccountForAllNamespaces({ limit: PAGE_SIZE, _continue: token }),
      );
      return items.map((sa) => this.observed(sa));
    } catch (error) {
      throw kubeCallError(this.target, 'list serviceaccounts', error);
    }
  }

  /**
   * Which of `names` exist and which are being deleted. One GET for a single namespace; from two
   * on, one list (falling back to a GET each when RBAC forbids listing namespaces).
   */
  async namespacePhases(names: string[]): Promise<{ existing: string[]; terminating: string[] }> {
    const split = (found: Array<V1Namespace | undefined>) => ({
      existing: names.filter((_, i) => found[i] !== undefined && !isTerminating(found[i]!)),
      terminating: names.filter((_, i) => found[i] !== undefined && isTerminating(found[i]!)),
    });
    if (names.length === 0) return { existing: [], terminating: [] };
    if (names.length > 1) {
      try {
        const all = await this.listAll('list namespaces', (token) =>
          this.target.api.listNamespace({ limit: PAGE_SIZE, _continue: token }),
        );
        const byName = new Map(all.map((ns) => [ns.metadata?.name ?? '', ns]));
        return split(names.map((n) => byName.get(n)));
      } catch (error) {
        if (kubeFailure(error).status !== 403) throw kubeCallError(this.target, 'list namespaces', error);
      }
    }
    const found = await mapWithConcurrency(names, this.options.concurrency ?? DEFAULT_CONCURRENCY, (name) =>
      this.getOrAbsent('get namespace', () => this.target.api.readNamespace({ name })),
    );
    return split(found);
  }

  private listAll<T>(call: string, page: (token?: string) => Promise<ListPage<T>>): Promise<T[]> {
    return listAllPages((c, request) => this.send(c, request), call, page);
  }

  async serviceAccount(w: ServiceAccountKey): Promise<ObservedServiceAccount | undefined> {
    const sa = await this.getOrAbsent('get serviceaccount', () =>
      this.target.api.readNamespacedServiceAccount({ name: w.name, namespace: w.namespace }),
    );
    return sa && this.observed(sa);
  }

  /** A GET where 404 means absent; the call named in errors includes nothing secret. */
  private async getOrAbsent<T>(call: string, get: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.send(call, get);
    } catch (error) {
      if (kubeFailure(error).status === 404) return undefined;
      throw kubeCallError(this.target, call, error);
    }
  }

  private send<T>(call: string, request: () => Promise<T>): Promise<T> {
    return withRetry(
      () => {
        this.options.onCall?.(call);
        return request();
      },
      {
        policy: this.options.retryPolicy ?? KUBE_TRANSIENT_POLICY,
        sleep: this.options.sleep ?? realSleep,
        retryable: (error) => transientKubeFailure(kubeFailure(error)),
        delayHint: (error) => kubeFailure(error).retryAfterMs,
      },
    );
  }

  private observed(sa: V1ServiceAccount): ObservedServiceAccount {
    const meta: V1ObjectMeta = sa.metadata ?? {};
    const result: ObservedServiceAccount = {
      cluster: this.target.cluster,
      namespace: meta.namespace ?? '',
      name: meta.name ?? '',
      annotations: { ...(meta.annotations ?? {}) },
      labels: { ...(meta.labels ?? {}) },
      ownedByUs: ownedKeys(meta.managedFields ?? [], FIELD_MANAGER),
      fieldOwners: otherOwners(meta.managedFields ?? [], FIELD_MANAGER, {
        annotations: Object.keys(meta.annotations ?? {}),
        labels: Object.keys(meta.labels ?? {}),
      }),
    };
    if (meta.uid) result.uid = meta.uid;
    if (meta.resourceVersion) result.resourceVersion = meta.resourceVersion;
    return result;
  }
}

/** A namespace being deleted: phase Terminating, or a deletionTimestamp before the phase catches up. */
function isTerminating(ns: V1Namespace): boolean {
  return ns.status?.phase === 'Terminating' || ns.metadata?.deletionTimestamp !== undefined;
}

function keyOf(sa: ServiceAccountKey): string {
  return `${sa.namespace}/${sa.name}`;
}

function dedupe(keys: ServiceAccountKey[]): ServiceAccountKey[] {
  return [...new Map(keys.map((k) => [keyOf(k), { namespace: k.namespace, name: k.name }])).values()];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
