// Which ServiceAccount changes need their workloads restarted, and the groups the plan shows. The
// EKS Pod Identity webhook (and Control Plane's equivalent) reads `eks.amazonaws.com/role-arn` only
// when a pod is created: a ServiceAccount that is created, or whose role annotation is added,
// changed or removed, leaves its running pods with no role, the old role, or a role that no longer
// trusts them, until they are restarted. Pure: the workloads come from the engine's cluster read.
import type { ObservedWorkload, WorkloadKind } from '../observed/types.js';
import { ROLE_ARN_ANNOTATION } from '../support/ownership.js';
import type { Change, RestartGroup, RoleArnChange, ServiceAccountChange } from './types.js';

const ROLE_ARN_FIELD = `annotations.${ROLE_ARN_ANNOTATION}`;

/** A ServiceAccount whose pods' role changes, before the workloads are known. */
export interface RoleArnChangeOf {
  address: string;
  cluster: string;
  namespace: string;
  serviceAccount: string;
  change: RoleArnChange;
  restart?: 'rollout';
}

/** The plan's ServiceAccount changes that change what role new pods get. */
export function roleArnChanges(changes: readonly Change[]): RoleArnChangeOf[] {
  const out: RoleArnChangeOf[] = [];
  for (const change of changes) {
    if (change.kind !== 'service-account') continue;
    const field = change.fields.find((f) => f.field === ROLE_ARN_FIELD);
    if (!field) continue;
    const sa = (change.after ?? change.before) as ServiceAccountChange['after'] &
      ServiceAccountChange['before'];
    if (!sa) continue;
    const kind: RoleArnChange =
      change.action === 'create'
        ? 'created'
        : field.before === undefined
          ? 'added'
          : field.after === undefined
            ? 'removed'
            : 'changed';
    out.push({
      address: change.address,
      cluster: sa.cluster,
      namespace: sa.namespace,
      serviceAccount: sa.name,
      change: kind,
      ...(change.after?.restart ? { restart: change.after.restart } : {}),
    });
  }
  return out;
}

const KIND_ORDER: readonly WorkloadKind[] = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'CronJob',
  'Job',
  'Pod',
];

/**
 * One group per changed ServiceAccount that some workload runs as, workloads ordered by kind then
 * name. `contexts`: each cluster's kubectl context, when the file names one.
 */
export function restartGroups(
  changed: readonly RoleArnChangeOf[],
  workloads: ReadonlyMap<string, readonly ObservedWorkload[]>,
  contexts: ReadonlyMap<string, string>,
): RestartGroup[] {
  const groups: RestartGroup[] = [];
  for (const sa of changed) {
    const running = (workloads.get(sa.cluster) ?? [])
      .filter((w) => w.namespace === sa.namespace && w.serviceAccount === sa.serviceAccount)
      .map((w) => ({ kind: w.kind, name: w.name }))
      .sort(
        (a, b) =>
          KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
          (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
      );
    if (running.length === 0) continue;
    const context = contexts.get(sa.cluster);
    groups.push({
      address: sa.address,
      cluster: sa.cluster,
      namespace: sa.namespace,
      serviceAccount: sa.serviceAccount,
      change: sa.change,
      ...(context ? { context } : {}),
      ...(sa.restart ? { restart: sa.restart } : {}),
      workloads: running,
    });
  }
  return groups;
}

/** Kinds `kubectl rollout restart` (and `restart: rollout`) can restart by patching the pod template. */
export const ROLLOUT_KINDS: ReadonlySet<WorkloadKind> = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/**
 * What to do for one workload: the kubectl command for kinds with a rollout, and in words for the
 * rest (a CronJob's next run starts new pods; a Job's or bare Pod's pods are never replaced, so it
 * must be re-created).
 */
export function restartInstruction(
  group: RestartGroup,
  workload: { kind: WorkloadKind; name: string },
): { command?: string; note?: string } {
  if (ROLLOUT_KINDS.has(workload.kind)) {
    const context = group.context ? ` --context ${shellWord(group.context)}` : '';
    return {
      command: `kubectl${context} -n ${shellWord(group.namespace)} rollout restart ${workload.kind.toLowerCase()}/${shellWord(workload.name)}`,
    };
  }
  switch (workload.kind) {
    case 'CronJob':
      return {
        note: 'no restart needed: its next run starts pods with the new role (a running job keeps the old one)',
      };
    case 'Job':
      return { note: 'must be re-created: a Job never replaces its running pods' };
    default:
      return { note: 'must be re-created: a bare Pod is never replaced' };
  }
}

/** `deployment/web`, as kubectl names a workload. */
export const workloadName = (workload: { kind: WorkloadKind; name: string }): string =>
  `${workload.kind.toLowerCase()}/${workload.name}`;

/** A word the shell passes through unchanged (Kubernetes names are already safe; contexts may not be). */
function shellWord(value: string): string {
  return /^[A-Za-z0-9@%_+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** How the change reads next to the ServiceAccount. */
export const ROLE_ARN_CHANGE_TEXT: Record<RoleArnChange, string> = {
  created: 'ServiceAccount created',
  added: 'role annotation added',
  changed: 'role annotation changed',
  removed: 'role annotation removed',
};
