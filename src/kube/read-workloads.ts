// Reads which workloads run as which ServiceAccount in one cluster, for the plan's "workloads to
// restart": Deployments, StatefulSets, DaemonSets, Jobs, CronJobs and bare Pods. One cluster-wide
// list per kind (pages of 500), all six at once; when RBAC forbids a kind's cluster-wide list, that
// kind is listed in each of the given namespaces instead and the result says so. A kind that cannot
// be listed at all is reported as unread, never as "no workloads": the plan must not claim nothing
// needs a restart when it could not look.
//
// Pods owned by a controller are left out (their owner is what to restart), and a Job owned by a
// CronJob is reported as that CronJob. A pod template without `serviceAccountName` runs as
// "default", as the ServiceAccount admission plugin decides.
import type { V1ObjectMeta, V1PodSpec } from '@kubernetes/client-node';
import type { ObservedWorkload, WorkloadKind } from '../observed/types.js';
import { DEFAULT_CONCURRENCY, mapWithConcurrency, type CallObserver } from '../support/concurrency.js';
import {
  KUBE_TRANSIENT_POLICY,
  realSleep,
  withRetry,
  type RetryPolicy,
  type Sleep,
} from '../support/retry.js';
import type { KubeTarget } from './client.js';
import { kubeCallError, kubeFailure, transientKubeFailure } from './errors.js';
import { listAllPages, PAGE_SIZE } from './list-pages.js';
import { WORKLOAD_RESOURCES, type KubeWorkload } from './workloads-api.js';

export const WORKLOAD_KINDS: readonly WorkloadKind[] = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Pod',
];

export interface WorkloadReadOptions {
  /** Namespaced lists in flight when falling back (default 8). */
  concurrency?: number;
  onCall?: CallObserver;
  sleep?: Sleep;
  retryPolicy?: RetryPolicy;
}

export interface WorkloadRead {
  workloads: ObservedWorkload[];
  /** Kinds listed namespace by namespace because the cluster-wide list was forbidden. */
  namespacedKinds: WorkloadKind[];
  /** Kinds that could not be listed (forbidden, or not served), and why. */
  unread: Array<{ kind: WorkloadKind; reason: string }>;
}

/**
 * `namespaces`: where the fallback looks when a cluster-wide list is forbidden (the namespaces of
 * the plan's ServiceAccount changes).
 */
export async function readWorkloads(
  target: KubeTarget,
  namespaces: string[],
  options: WorkloadReadOptions = {},
): Promise<WorkloadRead> {
  const api = target.workloads;
  if (!api) throw new Error(`cluster "${target.cluster}": no client for workloads`);
  const send = <R>(call: string, request: () => Promise<R>): Promise<R> =>
    withRetry(
      () => {
        options.onCall?.(call);
        return request();
      },
      {
        policy: options.retryPolicy ?? KUBE_TRANSIENT_POLICY,
        sleep: options.sleep ?? realSleep,
        retryable: (error) => transientKubeFailure(kubeFailure(error)),
        delayHint: (error) => kubeFailure(error).retryAfterMs,
      },
    );
  const result: WorkloadRead = { workloads: [], namespacedKinds: [], unread: [] };
  const read = async (kind: WorkloadKind): Promise<KubeWorkload[]> => {
    const resource = WORKLOAD_RESOURCES[kind].resource;
    try {
      return await listAllPages(send, `list ${resource}`, (token) =>
        api.listWorkloads(kind, { limit: PAGE_SIZE, _continue: token }),
      );
    } catch (error) {
      const status = kubeFailure(error).status;
      // An API server without the kind (a stripped-down distribution): nothing of it to restart
      // there, but say so rather than show an empty list as the answer.
      if (status === 404) {
        result.unread.push({ kind, reason: `the API server does not serve ${resource} (404)` });
        return [];
      }
      if (status !== 403) throw kubeCallError(target, `list ${resource}`, error);
    }
    result.namespacedKinds.push(kind);
    const lists = await mapWithConcurrency(
      [...new Set(namespaces)].sort(),
      options.concurrency ?? DEFAULT_CONCURRENCY,
      async (namespace) => {
        try {
          return await listAllPages(send, `list ${resource} in namespace`, (token) =>
            api.listWorkloads(kind, { namespace, limit: PAGE_SIZE, _continue: token }),
          );
        } catch (error) {
          const failure = kubeFailure(error);
          if (failure.status !== 403)
            throw kubeCallError(target, `list ${resource} in namespace "${namespace}"`, error);
          result.unread.push({ kind, reason: `list ${resource} in namespace "${namespace}" is forbidden` });
          return [];
        }
      },
    );
    return lists.flat();
  };
  const lists = await Promise.all(WORKLOAD_KINDS.map(async (kind) => ({ kind, items: await read(kind) })));
  const seen = new Set<string>();
  for (const { kind, items } of lists) {
    for (const item of items) {
      const workload = describe(kind, item);
      if (!workload) continue;
      const key = `${workload.kind}/${workload.namespace}/${workload.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      result.workloads.push(workload);
    }
  }
  result.workloads.sort((a, b) => compare(workloadKey(a), workloadKey(b)));
  result.namespacedKinds.sort();
  return result;
}

const workloadKey = (w: ObservedWorkload): string =>
  `${w.namespace}/${w.serviceAccount}/${WORKLOAD_KINDS.indexOf(w.kind)}/${w.name}`;

/** What a listed object means for a restart, or nothing (a Pod or Job its controller manages). */
function describe(kind: WorkloadKind, item: KubeWorkload): ObservedWorkload | undefined {
  const meta: V1ObjectMeta = item.metadata ?? {};
  const namespace = meta.namespace ?? '';
  const name = meta.name ?? '';
  const owners = meta.ownerReferences ?? [];
  const spec = podSpecOf(kind, item);
  const serviceAccount = spec?.serviceAccountName || spec?.serviceAccount || 'default';
  if (kind === 'Pod' && owners.length > 0) return undefined;
  if (kind === 'Job') {
    const cronJob = owners.find((o) => o.kind === 'CronJob');
    if (cronJob) return { kind: 'CronJob', namespace, name: cronJob.name, serviceAccount };
  }
  return { kind, namespace, name, serviceAccount };
}

function podSpecOf(kind: WorkloadKind, item: KubeWorkload): V1PodSpec | undefined {
  const object = item as {
    spec?: {
      template?: { spec?: V1PodSpec };
      jobTemplate?: { spec?: { template?: { spec?: V1PodSpec } } };
    } & V1PodSpec;
  };
  if (kind === 'Pod') return object.spec;
  if (kind === 'CronJob') return object.spec?.jobTemplate?.spec?.template?.spec;
  return object.spec?.template?.spec;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
