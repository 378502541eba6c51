// The plan's IAM reads beyond the observed state, each only when the plan needs it:
//   - GetAccountSummary once when the plan writes roles: the account's real quotas for the trust
//     policy size, managed policies per role and roles left (denied: the file's values, a warning);
//   - one GetRole per role the plan destroys or whose trust loses a subject (concurrently, bounded):
//     RoleLastUsed, shown next to the change, with a warning when it was used in the last 7 days.
// A plan that writes no role and narrows none makes neither call.
import type { IAMClient } from '@aws-sdk/client-iam';
import { readAccountQuotas, type AccountQuotas } from '../aws/account-summary.js';
import { getRoleUsage } from '../aws/get-role.js';
import type { BindingsFile } from '../bindings/types.js';
import { DEFAULT_MAX_MANAGED_POLICIES, DEFAULT_TRUST_POLICY_SIZE_LIMIT } from '../bindings/limits.js';
import { quotaProblems, quotasUnknownWarning, AccountQuotaError } from '../plan/quotas.js';
import { recentUseWarning, roleUsage, rolesToCheck } from '../plan/role-usage.js';
import type { Plan, PlanWarning, RoleUsage } from '../plan/types.js';
import { DEFAULT_CONCURRENCY, mapWithConcurrency } from '../support/concurrency.js';

/** Whether the plan creates a role or rewrites one's trust policy or managed policies. */
export function writesRoles(plan: Plan): boolean {
  return plan.changes.some(
    (c) =>
      c.kind === 'role' &&
      (c.action === 'create' ||
        c.action === 'replace' ||
        c.fields.some((f) => f.field === 'trustPolicy' || f.field === 'managedPolicies')),
  );
}

export type QuotaRead = { quotas: AccountQuotas } | { quotas?: undefined; warning: PlanWarning };

/** GetAccountSummary, or the warning that it was denied. */
export async function accountQuotas(iam: IAMClient, file: BindingsFile): Promise<QuotaRead> {
  const quotas = await readAccountQuotas(iam);
  if (quotas) return { quotas };
  return {
    warning: quotasUnknownWarning(
      file.aws.trustPolicySizeLimit ?? DEFAULT_TRUST_POLICY_SIZE_LIMIT,
      file.aws.maxManagedPoliciesPerRole ?? DEFAULT_MAX_MANAGED_POLICIES,
    ),
  };
}

/** Throws AccountQuotaError, each problem at the binding of its role, when the plan exceeds a quota. */
export function enforceQuotas(plan: Plan, quotas: AccountQuotas, file: BindingsFile): void {
  const problems = quotaProblems(plan, quotas);
  if (problems.length === 0) return;
  throw new AccountQuotaError(
    problems.map((p) => {
      const binding = p.roleName === undefined ? undefined : file.bindings.find((b) => b.role === p.roleName);
      const at = binding?.location ?? file.awsLocation;
      return at ? `${at.file}:${at.line}:${at.col}: ${p.message}` : p.message;
    }),
  );
}

export async function readRoleUsage(
  iam: IAMClient,
  plan: Plan,
  options: { now?: Date; concurrency?: number } = {},
): Promise<{ usage: RoleUsage[]; warnings: PlanWarning[] } | undefined> {
  const roles = rolesToCheck(plan.changes);
  if (roles.length === 0) return undefined;
  const now = options.now ?? new Date();
  const usage = await mapWithConcurrency(roles, options.concurrency ?? DEFAULT_CONCURRENCY, async (role) =>
    roleUsage(role, (await getRoleUsage(iam, role.roleName))?.lastUsed, now),
  );
  const warnings = usage.map(recentUseWarning).filter((w): w is PlanWarning => w !== undefined);
  return { usage, warnings };
}
