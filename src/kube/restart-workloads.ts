// A rollout restart exactly as `kubectl rollout restart` sends it: a strategic merge patch that sets
// the pod template's `kubectl.kubernetes.io/restartedAt` annotation to now (RFC 3339), so the
// controller rolls out new pods, which the webhook gives the ServiceAccount's new role. Only for
// kinds with a rollout (Deployment, StatefulSet, DaemonSet).
import { setHeaderOptions } from '@kubernetes/client-node/dist/middleware.js';
import { PatchStrategy } from '@kubernetes/client-node/dist/patch.js';
import type { WorkloadKind } from '../observed/types.js';
import { FIELD_MANAGER } from '../support/ownership.js';
import { KUBE_TRANSIENT_POLICY, realSleep, withRetry } from '../support/retry.js';
import type { KubeTarget } from './client.js';
import { kubeCallError, kubeFailure, transientKubeFailure } from './errors.js';
import { WORKLOAD_RESOURCES } from './workloads-api.js';

export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

/** kubectl's format: RFC 3339 with the local offset; UTC here, so runs are comparable. */
export const restartedAt = (now: Date): string => now.toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function rolloutRestart(
  target: KubeTarget,
  workload: { kind: WorkloadKind; namespace: string; name: string },
  now: Date,
): Promise<void> {
  const api = target.workloads;
  const call = `patch ${WORKLOAD_RESOURCES[workload.kind].resource} "${workload.namespace}/${workload.name}" (rollout restart)`;
  if (!api) throw new Error(`cluster "${target.cluster}": no client for workloads (${call})`);
  const body = {
    spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: restartedAt(now) } } } },
  };
  try {
    await withRetry(
      () =>
        api.patchWorkload(
          workload.kind,
          { namespace: workload.namespace, name: workload.name, body, fieldManager: FIELD_MANAGER },
          setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
        ),
      {
        policy: KUBE_TRANSIENT_POLICY,
        sleep: realSleep,
        retryable: (error) => transientKubeFailure(kubeFailure(error)),
        delayHint: (error) => kubeFailure(error).retryAfterMs,
      },
    );
  } catch (error) {
    throw kubeCallError(target, call, error);
  }
}
