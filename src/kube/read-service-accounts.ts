// Reads one cluster's ServiceAccounts and namespaces for the plan: every ServiceAccount carrying our
// managed-by label (one paged list across all namespaces — ones we created that left the file are
// found too), each wanted ServiceAccount that the list did not return, and which of the file's
// namespaces exist or are being deleted. Lists restart once when their continue token expires
// (410). A cluster-wide ServiceAccount list forbidden by RBAC falls back to the file's namespaces.
//
// Namespaces: one GET for a single namespace; from two on, one list of all namespaces (usually one
// page) is fewer calls than a GET each. If listing namespaces is forbidden (RBAC granting only get),
// it falls back to a GET each.
//
// Wanted ServiceAccounts the label list did not return (a first plan: all of them), per namespace:
// one of them is a GET (404 = absent); from two on, a paged list of the namespace without a
// selector, keeping only the wanted names: a GET each was one call per ServiceAccount, and each
// response costs a round trip, TLS and HTTP work (undici's WebAssembly parser, which V8 would
// optimise with a 23 MB compile once a thousand responses made it hot). After each page the list
// stops for GETs of the ones still missing once they are no more than the pages still to read (from
// the page's remainingItemCount), so a namespace of thousands of ServiceAccounts costs at most one
// page more than GETting each. A server that omits remainingItemCount (an aggregated or older API
// server) keeps being listed while two or more are missing: the rest could be one page or hundreds,
// and listing never reads more than the namespace holds, whereas GETs could cost more calls than
// the pages they replace; one still missing is fetched with a GET, never more calls than the page a
// continue token promises. A namespace list forbidden by RBAC (get only) falls back to the GETs.
//
// Calls per cluster, S = labelled ServiceAccounts, n = the file's namespaces, A = namespaces in
// the cluster, and for each existing namespace i holding M_i ≥ 1 wanted ServiceAccounts without
// the label, N_i = the namespace's ServiceAccounts:
//   max(1, ⌈S/500⌉) + (n = 0 ? 0 : n = 1 ? 1 : ⌈A/500⌉)
//     + Σ_i (M_i = 1 ? 1 : ≤ min(max(1, ⌈N_i/500⌉), 1 + M_i))
// (1 + M_i needs remainingItemCount; without it ≤ max(1, ⌈N_i/500⌉); a list RBAC forbids: 1 + M_i).
// Usually 2 + the number of namespaces holding wanted ServiceAccounts without the label (under 500
// ServiceAccounts each): a first plan of 1,000 bindings over 20 namespaces in each of two clusters
// makes 44 of these calls, where a GET each made 1,338. Namespace and ServiceAccount lists run
// concurrently; lookups follow and skip namespaces known to be missing. client-node does not retry,
// so 429, 5xx and dropped connections are retried here with backoff.
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
import { listAllPages, listPagesUntil, PAGE_SIZE, type ListPage } from './list-pages.js';
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
  const toFind = dedupe(wanted).filter(
    (w) => !found.has(keyOf(w)) && (present.has(w.namespace) || !wantedNamespaces.includes(w.namespace)),
  );
  for (const sa of await reader.serviceAccounts(toFind)) found.set(keyOf(sa), sa);

  return {
    key: target.cluster,
    serviceAccounts: [...found.values()].sort((a, b) => compare(keyOf(a), keyOf(b))),
    existingNamespaces: phases.existing,
    ...(phases.terminating.length ? { terminatingNamespaces: phases.terminating } : {}),
    ...(labelled.namespacesOnly ? { listedNamespacesOnly: true } : {}),
  };
}

/**
 * Looks up ServiceAccounts the first read did not return (absent ones are left out), as
 * `readCluster` does its wanted ones: ServiceAccounts we annotated but did not create carry no
 * label to list them by, so the plan finds the ones that left the file through the subjects our
 * roles still trust.
 */
export async function readServiceAccounts(
  target: KubeTarget,
  keys: ServiceAccountKey[],
  options: ClusterReadOptions = {},
): Promise<ObservedServiceAccount[]> {
  return new ClusterReader(target, options).serviceAccounts(dedupe(keys));
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

  /**
   * The ones of `keys` that exist, sorted: a GET where a namespace holds one of them, otherwise a
   * list of the namespace (see the module comment); GETs a list handed back follow the lists.
   */
  async serviceAccounts(keys: ServiceAccountKey[]): Promise<ObservedServiceAccount[]> {
    const concurrency = this.options.concurrency ?? DEFAULT_CONCURRENCY;
    const byNamespace = new Map<string, string[]>();
    for (const k of keys) {
      const names = byNamespace.get(k.namespace);
      if (names) names.push(k.name);
      else byNamespace.set(k.namespace, [k.name]);
    }
    const first = await mapWithConcurrency([...byNamespace], concurrency, async ([namespace, names]) => {
      if (names.length > 1) return this.inNamespace(namespace, names);
      const sa = await this.serviceAccount({ namespace, name: names[0] });
      return { found: sa ? [sa] : [], toGet: [] };
    });
    const fetched = await mapWithConcurrency(
      first.flatMap((r) => r.toGet),
      concurrency,
      (k) => this.serviceAccount(k),
    );
    return [...first.flatMap((r) => r.found), ...fetched.filter((sa) => sa !== undefined)].sort((a, b) =>
      compare(keyOf(a), keyOf(b)),
    );
  }

  /**
   * `names` in one namespace, by listing it: the ones found, and the ones still to GET because the
   * list stopped early (fewer calls) or was forbidden. A list read to its end settles every name.
   */
  private async inNamespace(
    namespace: string,
    names: string[],
  ): Promise<{ found: ObservedServiceAccount[]; toGet: ServiceAccountKey[] }> {
    const call = 'list serviceaccounts in namespace';
    const wanted = new Set(names);
    let listed: { items: V1ServiceAccount[]; complete: boolean };
    try {
      listed = await listPagesUntil(
        (c, request) => this.send(c, request),
        call,
        (token) =>
          this.target.api.listNamespacedServiceAccount({ namespace, limit: PAGE_SIZE, _continue: token }),
        {
          keep: (sa) => wanted.has(sa.metadata?.name ?? ''),
          // A continue token means at least one more call to finish the list.
          enough: (kept, remaining) =>
            names.length - kept.length <=
            (remaining === undefined ? 1 : Math.max(1, Math.ceil(remaining / PAGE_SIZE))),
        },
      );
    } catch (error) {
      if (kubeFailure(error).status !== 403)
        throw kubeCallError(this.target, `${call} "${namespace}"`, error);
      listed = { items: [], complete: false };
    }
    const seen = new Set(listed.items.map((sa) => sa.metadata?.name ?? ''));
    return {
      found: listed.items.map((sa) => this.observed(sa)),
      toGet: listed.complete ? [] : names.filter((n) => !seen.has(n)).map((name) => ({ namespace, name })),
    };
  }

  private async serviceAccount(w: ServiceAccountKey): Promise<ObservedServiceAccount | undefined> {
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
