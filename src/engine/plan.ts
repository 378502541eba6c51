// The plan pipeline: bindings file → resolved clusters and account → desired state → observed
// state → plan. Shared by the CLI, the action and apply (which re-plans before executing).
import { loadBindingsFile } from '../bindings/load.js';
import { hasErrors, InvalidBindingsError, type Diagnostic } from '../bindings/diagnostics.js';
import type { BindingsFile, SourceLocation } from '../bindings/types.js';
import { serviceAccountAddress } from '../plan/address.js';
import { resolveAccountId } from '../aws/account.js';
import { checkTrustPolicyTemplate } from '../controlplane/template-check.js';
import { compileDesiredState } from '../desired/compile.js';
import type { DesiredState } from '../desired/types.js';
import type { KubeTarget } from '../kube/client.js';
import { observeState } from './observe.js';
import type { ObservedState } from '../observed/types.js';
import { checkManagedPolicies } from '../aws/check-managed-policies.js';
import {
  managedPoliciesToCheck,
  MissingManagedPolicyError,
  missingPolicyDiagnostics,
} from '../plan/managed-policy-check.js';
import { buildPlan, withWarnings } from '../plan/plan.js';
import { findRestarts } from './restarts.js';
import { accountQuotas, enforceQuotas, readRoleUsage, writesRoles } from './account-checks.js';
import { findRetiredIssuers, RetiredClusterError } from '../plan/retired-issuers.js';
import type { Plan, PlanConflict, PlanWarning } from '../plan/types.js';
import { resolveClusters } from './resolve-clusters.js';
import type { Session } from './session.js';

export interface ValidBindings {
  file: BindingsFile;
  /** Warnings only (errors throw). */
  diagnostics: Diagnostic[];
}

/** Loads and validates the file; throws InvalidBindingsError (with every diagnostic) when invalid. */
export async function loadValidBindings(path: string): Promise<ValidBindings> {
  const { file, diagnostics } = await loadBindingsFile(path);
  if (!file || hasErrors(diagnostics)) throw new InvalidBindingsError(diagnostics);
  return { file, diagnostics };
}

export interface PlanRun {
  file: BindingsFile;
  desired: DesiredState;
  observed: ObservedState;
  plan: Plan;
  /** Resources with our names that are not ours: any conflict means the plan must not be applied. */
  conflicts: PlanConflict[];
  kube: Map<string, KubeTarget>;
}

export class PlanConflictError extends Error {
  readonly conflicts: PlanConflict[];
  constructor(conflicts: PlanConflict[]) {
    super(
      `The plan cannot proceed: ${conflicts.length} resource${conflicts.length === 1 ? '' : 's'} with our names ${conflicts.length === 1 ? 'is' : 'are'} not ours:\n${conflicts.map((c) => `  ${c.address}: ${c.message}`).join('\n')}`,
    );
    this.name = 'PlanConflictError';
    this.conflicts = conflicts;
  }
}

export async function runPlan(session: Session, file: BindingsFile): Promise<PlanRun> {
  // First, before anything is read: the credentials must belong to the file's account.
  const where = file.awsLocation
    ? `${file.awsLocation.file}:${file.awsLocation.line}:${file.awsLocation.col}`
    : undefined;
  const accountId = await resolveAccountId(session.aws.sts, { accountId: file.aws.accountId, where });
  const resolved = await resolveClusters(file, session.controlPlane);
  const desired = compileDesiredState(file, { accountId, clusters: resolved.clusters });
  const kube = await session.kubeTargets(desired.clusters, resolved.controlPlane);
  const observed = await observeState({ iam: session.aws.iam, kube, desired, rolePath: file.aws.rolePath });
  // A cluster that left the file can no longer be read: refuse rather than orphan its ServiceAccounts.
  const retired = findRetiredIssuers(
    observed.roles,
    file.owner,
    resolved.clusters.map((c) => c.issuerHostPath),
  );
  if (retired.length)
    throw new RetiredClusterError(retired, file.clustersLocation ?? { file: file.path, line: 1, col: 1 });
  // A policy that does not exist would fail apply halfway through a new role: find it now instead.
  const missing = await checkManagedPolicies(
    session.aws.iam,
    managedPoliciesToCheck(desired, observed.roles),
    {
      cache: session.managedPolicies,
    },
  );
  if (missing.length) throw new MissingManagedPolicyError(missingPolicyDiagnostics(file, missing));

  const templateWarnings: PlanWarning[] = [];
  for (const role of desired.roles) {
    for (const cluster of resolved.clusters) {
      const warning = checkTrustPolicyTemplate(role, cluster, accountId);
      if (warning) templateWarnings.push(warning);
    }
  }
  const built = buildPlan({
    desired,
    observed,
    bindingsFile: file.path,
    trustPolicySizeLimit: file.aws.trustPolicySizeLimit,
    extraWarnings: templateWarnings,
  });
  let plan = built.plan;
  // The account's real quotas, once, when the plan writes roles (what IAM holds it once accepted).
  if (writesRoles(plan)) {
    const read = await accountQuotas(session.aws.iam, file);
    if (!read.quotas) plan = withWarnings(plan, [read.warning]);
    else {
      const limit = read.quotas.trustPolicySizeMax;
      // The size warnings against the real limit: the same changes, other warnings.
      if (limit !== undefined && limit !== file.aws.trustPolicySizeLimit)
        plan = buildPlan({
          desired,
          observed,
          bindingsFile: file.path,
          trustPolicySizeLimit: limit,
          extraWarnings: templateWarnings,
        }).plan;
      enforceQuotas(plan, read.quotas, file);
    }
  }
  // Last use of what the plan destroys or narrows: one GetRole each, only for those.
  const usage = await readRoleUsage(session.aws.iam, plan);
  if (usage) plan = withWarnings({ ...plan, roleUsage: usage.usage }, usage.warnings);
  // Only when the plan changes a role annotation: a plan without one makes no workload calls.
  const restarts = await findRestarts(plan, desired, kube);
  if (restarts) plan = withWarnings({ ...plan, restarts: restarts.groups }, restarts.warnings);
  return { file, desired, observed, plan, conflicts: positionConflicts(built.conflicts, file), kube };
}

/**
 * Places each ServiceAccount conflict at the entry of the bindings file that names it, so the
 * message says where to add `takeOver: true` or what to remove: `FILE:LINE:COL: message`.
 */
export function positionConflicts(conflicts: PlanConflict[], file: BindingsFile): PlanConflict[] {
  const where = new Map<string, SourceLocation>();
  for (const binding of file.bindings) {
    for (const sa of binding.serviceAccounts) {
      const address = serviceAccountAddress(sa);
      if (!where.has(address)) where.set(address, sa.location);
    }
  }
  return conflicts.map((conflict) => {
    const location = conflict.location ?? where.get(conflict.address);
    if (!location || conflict.location) return conflict;
    return {
      ...conflict,
      message: `${location.file}:${location.line}:${location.col}: ${conflict.message}`,
      location,
    };
  });
}
