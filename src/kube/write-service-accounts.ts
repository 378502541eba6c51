// ServiceAccount writes for apply. Creates and updates are server-side apply as field manager
// `workload-identity-bindings` without force: we own exactly the annotations and labels we apply,
// and a field another manager holds with a different value is reported, never taken silently.
// Releasing a ServiceAccount we did not create is a JSON merge patch that sets exactly our keys to
// null (see releaseServiceAccount for why not an empty apply). client-node does not retry, so 429,
// 5xx and dropped connections are retried here with backoff.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { ApplyStepError } from '../support/step-error.js';
import {
  KUBE_TRANSIENT_POLICY,
  withRetry,
  type RetryPolicy,
  type Sleep,
  type StepRetryNotice,
} from '../support/retry.js';
import type { DesiredServiceAccount } from '../desired/types.js';
import type { ObservedServiceAccount } from '../observed/types.js';
import {
  CREATED_ANNOTATION,
  FIELD_MANAGER,
  MANAGED_BY_LABEL,
  OWNER_ANNOTATION,
  ROLE_ARN_ANNOTATION,
} from '../support/ownership.js';
import type { KubeTarget } from './client.js';
import { kubeFailure, transientKubeFailure, type KubeFailure } from './errors.js';

export interface KubeWriteContext {
  target: KubeTarget;
  sleep: Sleep;
  policy?: RetryPolicy;
  onRetry?: (notice: StepRetryNotice) => void;
}

export interface ServiceAccountRefInCluster {
  namespace: string;
  name: string;
}

export interface ServiceAccountManifest {
  apiVersion: 'v1';
  kind: 'ServiceAccount';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
}

/**
 * The object we apply: only our fields. `created` keeps the created annotation on every later apply
 * of a ServiceAccount we created — leaving it out would make server-side apply remove it.
 */
export function serviceAccountManifest(sa: DesiredServiceAccount, created: boolean): ServiceAccountManifest {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: sa.name,
      namespace: sa.namespace,
      labels: { ...sa.labels },
      annotations: { ...sa.annotations, ...(created ? { [CREATED_ANNOTATION]: 'true' } : {}) },
    },
  };
}

const SSA_CALL = 'patch serviceaccount (server-side apply)';
const MERGE_CALL = 'patch serviceaccount (merge patch)';
const DELETE_CALL = 'delete serviceaccount';

export async function applyServiceAccount(
  ctx: KubeWriteContext,
  sa: DesiredServiceAccount,
  options: { created: boolean },
): Promise<void> {
  const body = serviceAccountManifest(sa, options.created);
  await kubeCall(ctx, SSA_CALL, sa, () =>
    ctx.target.api.patchNamespacedServiceAccount(
      { name: sa.name, namespace: sa.namespace, body, fieldManager: FIELD_MANAGER, force: false },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    ),
  );
}

/** Deletes a ServiceAccount we created; one that is already gone counts as deleted. */
export async function deleteServiceAccount(
  ctx: KubeWriteContext,
  ref: ServiceAccountRefInCluster,
): Promise<void> {
  await kubeCall(
    ctx,
    DELETE_CALL,
    ref,
    () => ctx.target.api.deleteNamespacedServiceAccount({ name: ref.name, namespace: ref.namespace }),
    { notFoundIsDone: true },
  );
}

/**
 * The annotation and label keys to strip from a ServiceAccount we only annotated: our ownership
 * marks, the role ARN (it names our role, which usually goes too), every key our field manager owns,
 * and any key the plan lists as removed (`removedFields`: field paths such as `annotations.x`) —
 * limited to keys the object still has.
 */
export function keysToRelease(
  before: ObservedServiceAccount,
  removedFields: readonly string[] = [],
): { annotations: string[]; labels: string[] } {
  const removed = (prefix: string) =>
    removedFields.filter((field) => field.startsWith(prefix)).map((field) => field.slice(prefix.length));
  const annotations = new Set([
    OWNER_ANNOTATION,
    CREATED_ANNOTATION,
    ROLE_ARN_ANNOTATION,
    ...before.ownedByUs.annotations,
    ...removed('annotations.'),
  ]);
  const labels = new Set([MANAGED_BY_LABEL, ...before.ownedByUs.labels, ...removed('labels.')]);
  return {
    annotations: [...annotations].filter((key) => key in before.annotations).sort(),
    labels: [...labels].filter((key) => key in before.labels).sort(),
  };
}

/**
 * Removes exactly our annotations and labels from a ServiceAccount we did not create. A JSON merge
 * patch setting those keys to null removes them on every API server whatever managedFields say; an
 * empty server-side apply would only drop fields our manager still owns alone, so it silently leaves
 * keys behind when ownership is shared or managedFields were reset (e.g. by a `kubectl replace`).
 * A ServiceAccount that is gone is already released.
 */
export async function releaseServiceAccount(
  ctx: KubeWriteContext,
  ref: ServiceAccountRefInCluster,
  keys: { annotations: string[]; labels: string[] },
): Promise<void> {
  if (!keys.annotations.length && !keys.labels.length) return;
  const nulls = (list: string[]) => Object.fromEntries(list.map((key) => [key, null]));
  const body = { metadata: { annotations: nulls(keys.annotations), labels: nulls(keys.labels) } };
  await kubeCall(
    ctx,
    MERGE_CALL,
    ref,
    () =>
      ctx.target.api.patchNamespacedServiceAccount(
        { name: ref.name, namespace: ref.namespace, body, fieldManager: FIELD_MANAGER },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    { notFoundIsDone: true },
  );
}

/** Reads are retried on the same transient failures; a write also repeats a resourceVersion conflict. */
function transientReason(failure: KubeFailure): string | undefined {
  // Our writes carry no resourceVersion, so the server re-reads the object itself; repeating the
  // request is the re-read-and-re-apply.
  if (failure.status === 409 && /has been modified/i.test(failure.message)) return 'resourceVersion conflict';
  return transientKubeFailure(failure);
}

function hint(failure: KubeFailure, ctx: KubeWriteContext, ref: ServiceAccountRefInCluster): string {
  const where = `cluster "${ctx.target.cluster}" (${ctx.target.server})`;
  if (failure.network)
    return `cannot reach the Kubernetes API server of ${where} (${failure.network}); check the server address and network, then run apply again.`;
  if (
    failure.status === 409 &&
    /conflict/i.test(failure.message) &&
    !/has been modified/i.test(failure.message)
  ) {
    return `${failure.message} — another field manager holds this field with a different value, and workload-identity-bindings does not take fields over. Remove or align the other manager's value (e.g. \`kubectl annotate serviceaccount -n ${ref.namespace} ${ref.name} KEY-\`), then run apply again.`;
  }
  if (failure.status === 404 && /namespace/i.test(failure.message))
    return `${failure.message} — create namespace "${ref.namespace}" on ${where}, then run apply again.`;
  if (failure.status === 401)
    return `${failure.message || '401 Unauthorized'} — the credentials for ${where} were refused; check ${ctx.target.source ?? 'the kubeconfig or token'}.`;
  if (failure.status === 403)
    return `${failure.message} — the credentials for ${where} may not write ServiceAccounts in "${ref.namespace}"; grant get/patch/delete on serviceaccounts.`;
  return failure.message;
}

async function kubeCall<T>(
  ctx: KubeWriteContext,
  call: string,
  ref: ServiceAccountRefInCluster,
  send: () => Promise<T>,
  options: { notFoundIsDone?: boolean } = {},
): Promise<T | undefined> {
  const resource = `${ctx.target.cluster}/${ref.namespace}/${ref.name}`;
  try {
    return await withRetry(send, {
      policy: ctx.policy ?? KUBE_TRANSIENT_POLICY,
      sleep: ctx.sleep,
      retryable: (error) => transientReason(kubeFailure(error)),
      delayHint: (error) => kubeFailure(error).retryAfterMs,
      onRetry: (n) => ctx.onRetry?.({ call, resource, attempt: n.attempt, delayMs: n.delayMs, why: n.why }),
    });
  } catch (error) {
    const failure = kubeFailure(error);
    // Deleting or releasing: a ServiceAccount (or namespace) that is gone needs nothing more.
    if (options.notFoundIsDone && failure.status === 404) return undefined;
    const code =
      failure.status !== undefined
        ? `${failure.status}${failure.reason ? ` ${failure.reason}` : ''}`
        : failure.network;
    throw new ApplyStepError({ call, resource, code, message: hint(failure, ctx, ref) });
  }
}
