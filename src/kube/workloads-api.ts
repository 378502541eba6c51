// The Kubernetes calls for the workloads that run as a ServiceAccount: list Deployments,
// StatefulSets, DaemonSets (apps/v1), Jobs and CronJobs (batch/v1) and Pods (core/v1), across all
// namespaces or in one, and patch a pod template (the rollout restart). Sent the same way as
// KubeCoreClient (core-api.ts says why not the generated AppsV1Api /
// BatchV1Api: they would load the whole generated client, which the bundle refuses), answered in
// client-node's shapes (`_continue`, Date timestamps, ApiException on failure).
import type {
  V1CronJob,
  V1DaemonSet,
  V1Deployment,
  V1Job,
  V1ListMeta,
  V1Pod,
  V1StatefulSet,
} from '@kubernetes/client-node';
import type { WorkloadKind } from '../observed/types.js';
import { KubeRequestClient, path, type CallOptions } from './core-api.js';

export type KubeWorkload = V1Deployment | V1StatefulSet | V1DaemonSet | V1Job | V1CronJob | V1Pod;

export interface KubeWorkloadList {
  items: KubeWorkload[];
  metadata?: V1ListMeta;
}

export interface ListWorkloadsRequest {
  /** Absent: all namespaces (one cluster-wide list). */
  namespace?: string;
  limit?: number;
  _continue?: string;
}

export interface PatchWorkloadRequest {
  namespace: string;
  name: string;
  body: unknown;
  fieldManager?: string;
}

export interface KubeWorkloadsApi {
  listWorkloads(kind: WorkloadKind, param?: ListWorkloadsRequest): Promise<KubeWorkloadList>;
  /** PATCH; the Content-Type (strategy) comes from `options`, as with client-node's setHeaderOptions. */
  patchWorkload(
    kind: WorkloadKind,
    param: PatchWorkloadRequest,
    options?: CallOptions,
  ): Promise<KubeWorkload>;
}

/** Where each kind lives in the API: its group/version prefix and plural resource name. */
export const WORKLOAD_RESOURCES: Record<WorkloadKind, { prefix: string; resource: string; group: string }> = {
  Deployment: { prefix: '/apis/apps/v1', resource: 'deployments', group: 'apps' },
  StatefulSet: { prefix: '/apis/apps/v1', resource: 'statefulsets', group: 'apps' },
  DaemonSet: { prefix: '/apis/apps/v1', resource: 'daemonsets', group: 'apps' },
  Job: { prefix: '/apis/batch/v1', resource: 'jobs', group: 'batch' },
  CronJob: { prefix: '/apis/batch/v1', resource: 'cronjobs', group: 'batch' },
  Pod: { prefix: '/api/v1', resource: 'pods', group: '' },
};

export class KubeWorkloadsClient extends KubeRequestClient implements KubeWorkloadsApi {
  listWorkloads(kind: WorkloadKind, param: ListWorkloadsRequest = {}): Promise<KubeWorkloadList> {
    const { prefix, resource } = WORKLOAD_RESOURCES[kind];
    const where =
      param.namespace === undefined
        ? `${prefix}/${resource}`
        : path(`${prefix}/namespaces/{namespace}/${resource}`, { namespace: param.namespace });
    return this.send<KubeWorkloadList>('GET', where, { limit: param.limit, continue: param._continue });
  }

  patchWorkload(
    kind: WorkloadKind,
    param: PatchWorkloadRequest,
    options?: CallOptions,
  ): Promise<KubeWorkload> {
    const { prefix, resource } = WORKLOAD_RESOURCES[kind];
    return this.send<KubeWorkload>(
      'PATCH',
      path(`${prefix}/namespaces/{namespace}/${resource}/{name}`, {
        namespace: param.namespace,
        name: param.name,
      }),
      { fieldManager: param.fieldManager },
      // The generated client's default; a call names the real strategy through its options.
      { contentType: 'application/json-patch+json', data: param.body },
      options,
    );
  }
}
