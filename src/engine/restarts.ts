// The plan's "workloads to restart": for the ServiceAccounts whose role annotation the plan
// creates, adds, changes or removes, which Deployments, StatefulSets, DaemonSets, Jobs, CronJobs and
// bare Pods run as them. Read only when the plan has such a change, only in the clusters it touches,
// with one list per kind per cluster (readWorkloads); what could not be read becomes a warning.
import type { DesiredState } from '../desired/types.js';
import type { KubeTarget } from '../kube/client.js';
import type { ObservedWorkload } from '../observed/types.js';
import { restartGroups, roleArnChanges } from '../plan/restarts.js';
import type { Plan, PlanWarning, RestartGroup } from '../plan/types.js';
import type { CallObserver } from '../support/concurrency.js';

export interface RestartRead {
  groups: RestartGroup[];
  warnings: PlanWarning[];
}

export async function findRestarts(
  plan: Plan,
  desired: DesiredState,
  kube: ReadonlyMap<string, KubeTarget>,
  options: { concurrency?: number; onCall?: (cluster: string) => CallObserver } = {},
): Promise<RestartRead | undefined> {
  const changed = roleArnChanges(plan.changes);
  if (changed.length === 0) return undefined;
  const warnings: PlanWarning[] = [];
  const workloads = new Map<string, ObservedWorkload[]>();
  const clusters = [...new Set(changed.map((c) => c.cluster))].sort();
  // Loaded only now: a plan without a role annotation change (and an IAM-only file) never parses it.
  const { readWorkloads } = await import('../kube/read-workloads.js');
  await Promise.all(
    clusters.map(async (cluster) => {
      const target = kube.get(cluster);
      if (!target?.workloads) {
        warnings.push({
          code: 'workloads-partial-read',
          message: `cluster "${cluster}": its workloads were not read, so the workloads to restart are not known.`,
        });
        return;
      }
      const namespaces = changed.filter((c) => c.cluster === cluster).map((c) => c.namespace);
      const read = await readWorkloads(target, namespaces, {
        concurrency: options.concurrency,
        onCall: options.onCall?.(cluster),
      });
      workloads.set(cluster, read.workloads);
      if (read.namespacedKinds.length)
        warnings.push({
          code: 'workloads-partial-read',
          message: `cluster "${cluster}": listing ${plural(read.namespacedKinds)} in all namespaces is forbidden, so they were listed in the plan's namespaces only (${[...new Set(namespaces)].sort().join(', ')}): one call per namespace instead of one per kind. Grant "list" on them cluster-wide (README, Kubernetes permissions).`,
        });
      for (const { kind, reason } of read.unread)
        warnings.push({
          code: 'workloads-partial-read',
          message: `cluster "${cluster}": ${reason}, so ${kind}s there that need a restart are not shown.${reason.includes('forbidden') ? ' Grant "list" on them (README, Kubernetes permissions).' : ''}`,
        });
    }),
  );
  const contexts = new Map<string, string>();
  for (const c of desired.clusters)
    if (c.kubernetes && 'context' in c.kubernetes && c.kubernetes.context)
      contexts.set(c.key, c.kubernetes.context);
  return { groups: restartGroups(changed, workloads, contexts), warnings };
}

const RESOURCE: Record<string, string> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
  CronJob: 'cronjobs',
  Pod: 'pods',
};

function plural(kinds: readonly string[]): string {
  return kinds.map((k) => RESOURCE[k] ?? k).join(', ');
}
