// ServiceAccount writes for apply. Creates and updates are server-side apply as field manager
// `workload-identity-bindings` without force: we own exactly the annotations and labels we apply,
// and a field another manager holds with a different value is reported, never taken silently.
// Releasing a ServiceAccount we did not create is a JSON merge patch that sets exactly our keys to
// null (see releaseServiceAccount for why not an empty apply). client-node does not retry, so 429,
// 5xx and dropped connections are retried here with backoff.
// Deep imports: the package index loads every generated API and model (see core-api.ts).
import { setHeaderOptions } from '@kubernetes/client-node/dist/middleware.js';
import { PatchStrategy } from '@kubernetes/client-node/dist/patch.js';
import type { RequestContext, ResponseContext } from '@kubernetes/client-node/dist/gen/http/http.js';
import { of } from '@kubernetes/client-node/dist/gen/rxjsStub.js';
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
  MANAGED_BY_VALUE,
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
      // Labels only on ServiceAccounts we created: another tool may own a label on any other.
      labels: created ? { ...sa.labels } : {},
      annotations: { ...sa.annotations, ...(created ? { [CREATED_ANNOTATION]: 'true' } : {}) },
    },
  };
}

const SSA_CALL = 'patch serviceaccount (server-side apply)';
const MERGE_CALL = 'patch serviceaccount (merge patch)';
const DELETE_CALL = 'delete serviceaccount';

/**
 * Server-side apply without force. `takeOver` lists the fields the reviewed plan takes over from
 * another field manager (the binding says `takeOver: true`): when the 409's conflicts are exactly
 * among those, the apply is repeated with force — which moves those fields, and, since the same
 * body is sent, no others; a conflict on any other field fails as usual.
 */
/**
 * What a server-side apply did: `created` the object (201), or found it `existing` (200). For a
 * planned create, `existing` means another run (two applies of one file at once) made it first.
 */
export type ApplyOutcome = 'created' | 'existing';

export async function applyServiceAccount(
  ctx: KubeWriteContext,
  sa: DesiredServiceAccount,
  options: { created: boolean; takeOver?: string[] },
): Promise<ApplyOutcome> {
  const body = serviceAccountManifest(sa, options.created);
  // The answer's status says whether the apply created the object; the body does not.
  let status: number | undefined;
  const recordStatus = {
    pre: (request: RequestContext) => of(request),
    post: (response: ResponseContext) => {
      status = response.httpStatusCode;
      return of(response);
    },
  };
  const patch = (force: boolean) =>
    ctx.target.api.patchNamespacedServiceAccount(
      { name: sa.name, namespace: sa.namespace, body, fieldManager: FIELD_MANAGER, force },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply, { middleware: [recordStatus] }),
    );
  const allowed = new Set(options.takeOver ?? []);
  await kubeCall(ctx, SSA_CALL, sa, async () => {
    try {
      return await patch(false);
    } catch (error) {
      const fields = conflictFields(error);
      if (allowed.size === 0 || fields.length === 0 || !fields.every((f) => allowed.has(f))) throw error;
      return patch(true);
    }
  });
  return status === 200 ? 'existing' : 'created';
}

/**
 * Deletes a ServiceAccount we created, only if it is still the object the plan read: DeleteOptions
 * preconditions on uid and resourceVersion. A ServiceAccount recreated or changed since the plan gets
 * 409 and is left alone ("changed since the plan"). One that is already gone counts as deleted.
 */
export async function deleteServiceAccount(
  ctx: KubeWriteContext,
  ref: ServiceAccountRefInCluster & { uid?: string; resourceVersion?: string },
): Promise<void> {
  const preconditions = {
    ...(ref.uid ? { uid: ref.uid } : {}),
    ...(ref.resourceVersion ? { resourceVersion: ref.resourceVersion } : {}),
  };
  await kubeCall(
    ctx,
    DELETE_CALL,
    ref,
    () =>
      ctx.target.api.deleteNamespacedServiceAccount({
        name: ref.name,
        namespace: ref.namespace,
        ...(Object.keys(preconditions).length ? { body: { preconditions } } : {}),
      }),
    { notFoundIsDone: true },
  );
}

/**
 * The fields of a server-side apply conflict as plan field names (`annotations.KEY`), from the
 * Status causes (`type: FieldManagerConflict`, `field: .metadata.annotations.KEY`).
 */
export function conflictFields(error: unknown): string[] {
  const e = error as { code?: unknown; body?: unknown };
  if (e?.code !== 409 || typeof e.body !== 'string') return [];
  try {
    const status = JSON.parse(e.body) as { details?: { causes?: Array<{ type?: string; field?: string }> } };
    return (status.details?.causes ?? []).flatMap((c) => {
      if (c.type !== 'FieldManagerConflict' || typeof c.field !== 'string') return [];
      const match = /^\.metadata\.(annotations|labels)\.(.+)$/.exec(c.field);
      return match ? [`${match[1]}.${match[2]}`] : [`other:${c.field}`];
    });
  } catch {
    return [];
  }
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
  // The managed-by label only with our value: `managed-by: Helm` on a Helm chart's ServiceAccount stays.
  const ourLabel = before.labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE ? [MANAGED_BY_LABEL] : [];
  const ownedLabels = before.ownedByUs.labels.filter(
    (key) => key !== MANAGED_BY_LABEL || ourLabel.length > 0,
  );
  const labels = new Set([...ourLabel, ...ownedLabels, ...removed('labels.')]);
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
  if (failure.status === 409 && /precondition failed/i.test(failure.message)) {
    return `${failure.message} — ServiceAccount ${ref.namespace}/${ref.name} changed since the plan (recreated or modified), so it was not deleted; run plan again and review the new plan.`;
  }
  if (
    failure.status === 409 &&
    /conflict/i.test(failure.message) &&
    !/has been modified/i.test(failure.message)
  ) {
    const label = /\.metadata\.labels\./.test(failure.message);
    const undo = label
      ? `kubectl label serviceaccount -n ${ref.namespace} ${ref.name} KEY-`
      : `kubectl annotate serviceaccount -n ${ref.namespace} ${ref.name} KEY-`;
    return `${failure.message} — another field manager holds this field with a different value, and workload-identity-bindings does not take fields over unless the binding says \`takeOver: true\` and the reviewed plan lists the field. Remove or align the other manager's value (e.g. \`${undo}\`), or set \`takeOver: true\` and plan again.`;
  }
  if (failure.status === 403 && /being terminated/i.test(failure.message)) {
    return `${failure.message} — namespace "${ref.namespace}" on ${where} is being deleted; wait until it is gone, create it again, then run apply again (or remove the binding).`;
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
