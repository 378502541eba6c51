// After a successful apply: the rollout restarts the plan's restart groups ask for (`restart:
// rollout` on the binding, or for every group when the run says so), one patch per Deployment,
// StatefulSet and DaemonSet, a bounded number at a time. CronJobs need none (the next run gets the
// new role); Jobs and bare Pods cannot be restarted, only re-created, and are left to the user.
import type { KubeTarget } from '../kube/client.js';
import { ROLLOUT_KINDS } from '../plan/restarts.js';
import type { RestartGroup } from '../plan/types.js';
import { DEFAULT_CONCURRENCY, mapWithConcurrency } from '../support/concurrency.js';
import { errorMessage } from '../support/errors.js';
import type { RestartResult } from './types.js';

/** `rollout`: restart every group; `binding`: only groups whose binding says `restart: rollout`; `none`: none. */
export type RestartMode = 'none' | 'binding' | 'rollout';

export async function restartWorkloads(
  groups: readonly RestartGroup[],
  kube: ReadonlyMap<string, KubeTarget>,
  options: { mode: RestartMode; now?: () => Date; concurrency?: number },
): Promise<RestartResult[]> {
  if (options.mode === 'none') return [];
  const todo = groups
    .filter((g) => options.mode === 'rollout' || g.restart === 'rollout')
    .flatMap((g) =>
      g.workloads
        .filter((w) => ROLLOUT_KINDS.has(w.kind))
        .map((w) => ({
          address: g.address,
          cluster: g.cluster,
          namespace: g.namespace,
          kind: w.kind,
          name: w.name,
        })),
    );
  if (todo.length === 0) return [];
  const { rolloutRestart } = await import('../kube/restart-workloads.js');
  const now = options.now ?? (() => new Date());
  return mapWithConcurrency(
    todo,
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async (w): Promise<RestartResult> => {
      const target = kube.get(w.cluster);
      try {
        if (!target) throw new Error(`cluster "${w.cluster}" has no Kubernetes client`);
        await rolloutRestart(target, w, now());
        return { ...w, status: 'restarted' };
      } catch (error) {
        return { ...w, status: 'failed', error: errorMessage(error) };
      }
    },
  );
}
