// Apply: executes exactly the reviewed plan's changes — in dependency order (OIDC providers, roles,
// ServiceAccounts; deletions in reverse), independent changes concurrently up to maxConcurrency —
// and reports each change as ok, failed (with the call, resource and code) or skipped (because a
// change it depends on did not succeed). Every step tolerates already-done work, so re-planning and
// applying again after any partial run converges.
import type { IAMClient } from '@aws-sdk/client-iam';
import { addOidcClientIds, createOidcProvider, deleteOidcProvider } from '../aws/write-oidc-providers.js';
import { convergeRole, createRole, deleteRole, type CreateOutcome } from '../aws/write-roles.js';
import type { IamWriteContext } from '../aws/write-call.js';
import { errorMessage } from '../support/errors.js';
import type { KubeTarget } from '../kube/client.js';
import type { KubeWriteContext } from '../kube/write-service-accounts.js';
import type {
  Change,
  FieldChange,
  OidcProviderChange,
  Plan,
  RoleChange,
  ServiceAccountChange,
} from '../plan/types.js';
import type { ObservedRole } from '../observed/types.js';
import { dependencyGraph } from './graph.js';
import { realSleep, type RetryPolicy, type Sleep, type StepRetryNotice } from '../support/retry.js';
import { runInDependencyOrder } from './scheduler.js';
import { ApplyStepError } from '../support/step-error.js';
import { DEFAULT_CONCURRENCY } from '../support/concurrency.js';
import type { ApplyChangeResult, ApplyEvent, ApplyReport, ApplySummary } from './types.js';

export interface ApplyTargets {
  iam: IAMClient;
  /** A client per cluster key whose ServiceAccounts the plan changes. */
  kube: Map<string, KubeTarget>;
}

export interface ApplyOptions {
  /** Changes in flight at once (each runs its calls one after another); default 8. */
  maxConcurrency?: number;
  /** Used between retries; tests pass one that does not wait. */
  sleep?: Sleep;
  onEvent?: (event: ApplyEvent) => void;
  /** How long to wait out IAM's eventual consistency after a create. */
  iamConsistencyPolicy?: RetryPolicy;
  /** Retries of Kubernetes 429/5xx/connection failures. */
  kubeRetryPolicy?: RetryPolicy;
}

export async function applyPlan(
  plan: Plan,
  targets: ApplyTargets,
  options: ApplyOptions = {},
): Promise<ApplyReport> {
  const maxConcurrency = options.maxConcurrency ?? DEFAULT_CONCURRENCY;
  const sleep = options.sleep ?? realSleep;
  const emit = (event: ApplyEvent): void => options.onEvent?.(event);
  const steps = dependencyGraph(plan.changes);
  const results: Array<ApplyChangeResult | undefined> = plan.changes.map(() => undefined);

  const finish = (
    change: Change,
    index: number,
    result: Omit<ApplyChangeResult, 'address' | 'kind' | 'action'>,
  ): void => {
    const full: ApplyChangeResult = {
      address: change.address,
      kind: change.kind,
      action: change.action,
      ...result,
    };
    results[index] = full;
    emit({ type: 'finished', result: full });
  };

  await runInDependencyOrder(steps, maxConcurrency, {
    run: async (index) => {
      const change = plan.changes[index];
      emit({ type: 'started', address: change.address, action: change.action });
      const onRetry = (n: StepRetryNotice): void => emit({ type: 'retry', address: change.address, ...n });
      try {
        const executed = await executeChange(change, {
          iam: {
            iam: targets.iam,
            owner: plan.owner,
            sleep,
            consistencyPolicy: options.iamConsistencyPolicy,
            onRetry,
          },
          kube: (cluster) => {
            const target = targets.kube.get(cluster);
            return target ? { target, sleep, policy: options.kubeRetryPolicy, onRetry } : undefined;
          },
        });
        if (executed === 'existing') finish(change, index, { status: 'ok', alreadyDone: true });
        else if (executed === 'finished')
          finish(change, index, {
            status: 'ok',
            alreadyDone: true,
            reason: 'created by another run; this run added what it still lacked',
          });
        else finish(change, index, { status: 'ok', ...(change.reason ? { reason: change.reason } : {}) });
        return true;
      } catch (error) {
        const details =
          error instanceof ApplyStepError
            ? error.toApplyError()
            : { call: 'apply', resource: change.address, message: errorMessage(error) };
        const incomplete = error instanceof ApplyStepError && error.createdIncomplete;
        finish(change, index, { status: 'failed', error: details, ...(incomplete ? { incomplete } : {}) });
        return false;
      }
    },
    skip: (index, blockedBy) => {
      const blocker = results[blockedBy];
      const why = blocker?.status === 'skipped' ? 'was skipped' : 'failed';
      finish(plan.changes[index], index, {
        status: 'skipped',
        reason: `depends on ${plan.changes[blockedBy].address}, which ${why}`,
      });
    },
  });

  const changes = results.map(
    (result, index) =>
      // Only a dependency cycle could leave a change unvisited; the graph rules exclude one, but the
      // report must still account for every change.
      result ?? {
        address: plan.changes[index].address,
        kind: plan.changes[index].kind,
        action: plan.changes[index].action,
        status: 'skipped' as const,
        reason: 'its dependencies never completed',
      },
  );
  const summary = summarize(changes);
  return { changes, summary, ok: summary.failed === 0 && summary.skipped === 0 };
}

function summarize(changes: ApplyChangeResult[]): ApplySummary {
  const summary: ApplySummary = { added: 0, changed: 0, destroyed: 0, failed: 0, skipped: 0 };
  for (const c of changes) {
    if (c.status === 'failed' && c.incomplete) {
      // Created but unfinished: it exists now, so it is added (and failed, and incomplete).
      summary.failed += 1;
      summary.added += 1;
      summary.incomplete = (summary.incomplete ?? 0) + 1;
      if (c.action === 'replace') summary.destroyed += 1;
    } else if (c.status === 'failed') summary.failed += 1;
    else if (c.status === 'skipped') summary.skipped += 1;
    else if (c.alreadyDone) summary.alreadyDone = (summary.alreadyDone ?? 0) + 1;
    else if (c.action === 'create') summary.added += 1;
    else if (c.action === 'update' || c.action === 'adopt') summary.changed += 1;
    else if (c.action === 'delete') summary.destroyed += 1;
    else if (c.action === 'replace') {
      summary.added += 1;
      summary.destroyed += 1;
    }
  }
  return summary;
}

interface ExecutionContext {
  iam: IamWriteContext;
  kube: (cluster: string) => KubeWriteContext | undefined;
}

/** A create that found its resource already there (another run made it); see CreateOutcome. */
type Executed = 'existing' | 'finished' | undefined;

const elsewhere = (outcome: CreateOutcome): Executed => (outcome === 'created' ? undefined : outcome);

async function executeChange(change: Change, ctx: ExecutionContext): Promise<Executed> {
  if (change.action === 'no-op') return undefined;
  if (change.kind === 'oidc-provider') return executeProviderChange(change, ctx.iam);
  if (change.kind === 'role') return executeRoleChange(change, ctx.iam);
  return executeServiceAccountChange(change, ctx);
}

async function executeProviderChange(change: OidcProviderChange, ctx: IamWriteContext): Promise<Executed> {
  if (change.action === 'delete') return deleteOidcProvider(ctx, change.before.arn).then(() => undefined);
  if (change.action === 'create') return elsewhere(await createOidcProvider(ctx, change.after));
  // Update (or anything else on an existing provider): only ever add client ids.
  await addOidcClientIds(ctx, change.before.arn, change.after.clientIds, change.before.clientIds);
  return undefined;
}

async function executeRoleChange(change: RoleChange, ctx: IamWriteContext): Promise<Executed> {
  const toDelete = (b: ObservedRole) => ({
    name: b.name,
    managedPolicies: b.managedPolicies,
    inlinePolicies: Object.keys(b.inlinePolicies),
  });
  switch (change.action) {
    case 'create':
      return elsewhere(await createRole(ctx, change.after));
    case 'update':
    case 'adopt':
      await convergeRole(ctx, change.before, change.after, { adopt: change.action === 'adopt' });
      return undefined;
    case 'replace':
      await deleteRole(ctx, toDelete(change.before));
      await createRole(ctx, change.after);
      return undefined;
    case 'delete':
      await deleteRole(ctx, toDelete(change.before));
      return undefined;
    case 'no-op':
      return undefined;
  }
}

async function executeServiceAccountChange(
  change: ServiceAccountChange,
  ctx: ExecutionContext,
): Promise<Executed> {
  const ref = change.after ?? change.before;
  const kube = ctx.kube(ref.cluster);
  if (!kube) {
    throw new ApplyStepError({
      call: 'connect',
      resource: `${ref.cluster}/${ref.namespace}/${ref.name}`,
      message: `no Kubernetes client for cluster "${ref.cluster}"; give it a kubeconfig context (clusters.${ref.cluster}.kubernetes.context) or set "kubernetes: false" to manage IAM only.`,
    });
  }
  // Loaded at the first ServiceAccount change: a plan of IAM changes only never loads the client.
  const { applyServiceAccount, deleteServiceAccount, keysToRelease, releaseServiceAccount } =
    await import('../kube/write-service-accounts.js');
  if (change.action === 'delete') {
    if (change.created) await deleteServiceAccount(kube, change.before);
    else
      await releaseServiceAccount(
        kube,
        change.before,
        keysToRelease(change.before, removedFields(change.fields)),
      );
    return undefined;
  }
  const outcome = await applyServiceAccount(kube, change.after, {
    created: change.action === 'create' || change.created,
    ...(change.takeOver?.length ? { takeOver: change.takeOver } : {}),
  });
  // A planned create that found the ServiceAccount there (200, not 201): another run made it.
  return change.action === 'create' && outcome === 'existing' ? 'existing' : undefined;
}

/** The field paths a plan removes (no value after), for the writers that take plain data. */
function removedFields(fields: readonly FieldChange[]): string[] {
  return fields.filter((f) => f.after === undefined).map((f) => f.field);
}
