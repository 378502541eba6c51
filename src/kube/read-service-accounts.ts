// Reads one cluster's ServiceAccounts and namespaces for the plan: every ServiceAccount carrying our
// managed-by label (one paged list across all namespaces — owned ones that left the file are found
// too), each wanted ServiceAccount that the list did not return (GET, 404 = absent), and which of the
// file's namespaces exist.
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
import type { V1ObjectMeta, V1ServiceAccount } from '@kubernetes/client-node';
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
import { ownedKeys } from './managed-fields.js';

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

const PAGE_SIZE = 500;

export async function readCluster(
  target: KubeTarget,
  wanted: ServiceAccountKey[],
  namespaces: string[],
  options: ClusterReadOptions = {},
): Promise<ObservedCluster> {
  const reader = new ClusterReader(target, options);
  const wantedNamespaces = [...new Set(namespaces)].sort();
  const [labelled, existing] = await Promise.all([
    reader.labelledServiceAccounts(),
    reader.existingNamespaces(wantedNamespaces),
  ]);

  const found = new Map(labelled.map((sa) => [keyOf(sa), sa]));
  const existingSet = new Set(existing);
  // A namespace we checked and found missing cannot hold the ServiceAccount; others we did not check.
  const toGet = dedupe(wanted).filter(
    (w) => !found.has(keyOf(w)) && (existingSet.has(w.namespace) || !wantedNamespaces.includes(w.namespace)),
  );
  const fetched = await mapWithConcurrency(toGet, options.concurrency ?? DEFAULT_CONCURRENCY, (w) =>
    reader.serviceAccount(w),
  );
  for (const sa of fetched) if (sa) found.set(keyOf(sa), sa);

  return {
    key: target.cluster,
    serviceAccounts: [...found.values()].sort((a, b) => compare(keyOf(a), keyOf(b))),
    existingNamespaces: existing,
  };
}

class ClusterReader {
  private readonly target: KubeTarget;
  private readonly options: ClusterReadOptions;

  constructor(target: KubeTarget, options: ClusterReadOptions) {
    this.target = target;
    this.options = options;
  }

  async labelledServiceAccounts(): Promise<ObservedServiceAccount[]> {
    const call = 'list serviceaccounts';
    const items: V1ServiceAccount[] = [];
    let restarted = false;
    let token: string | undefined;
    for (;;) {
      try {
        const page = await this.send(call, () =>
          this.target.api.listServiceAccountForAllNamespaces({
            labelSelector: MANAGED_BY_SELECTOR,
            limit: PAGE_SIZE,
            _continue: token,
          }),
        );
        items.push(...page.items);
        token = page.metadata?._continue || undefined;
        if (!token) break;
      } catch (error) {
        // 410 Gone: the continue token expired mid-list; one fresh list is consistent again.
        if (token && !restarted && kubeFailure(error).status === 410) {
          restarted = true;
          token = undefined;
          items.length = 0;
          continue;
        }
        throw kubeCallError(this.target, call, error);
      }
    }
    return items.map((sa) => this.observed(sa));
  }

  async existingNamespaces(names: string[]): Promise<string[]> {
    if (names.length === 0) return [];
    if (names.length > 1) {
      try {
        const all = new Set(await this.listNamespaceNames());
        return names.filter((n) => all.has(n));
      } catch (error) {
        if (kubeFailure(error).status !== 403) throw kubeCallError(this.target, 'list namespaces', error);
      }
    }
    const exists = await mapWithConcurrency(names, this.options.concurrency ?? DEFAULT_CONCURRENCY, (name) =>
      this.getOrAbsent('get namespace', () => this.target.api.readNamespace({ name })),
    );
    return names.filter((_, i) => exists[i] !== undefined);
  }

  private async listNamespaceNames(): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.send('list namespaces', () =>
        this.target.api.listNamespace({ limit: PAGE_SIZE, _continue: token }),
      );
      for (const ns of page.items) if (ns.metadata?.name) names.push(ns.metadata.name);
      token = page.metadata?._continue || undefined;
    } while (token);
    return names;
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
    };
    if (meta.resourceVersion) result.resourceVersion = meta.resourceVersion;
    return result;
  }
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
