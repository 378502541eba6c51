// The plan against the account's real IAM quotas (GetAccountSummary): a trust policy over
// AssumeRolePolicySizeMax, more managed policies than AttachedPoliciesPerRoleQuota, or more new roles
// than RolesQuota − Roles would make apply fail halfway, so the plan fails first and says which quota
// to raise. Only roles the plan writes are checked: what IAM already holds it once accepted. Pure.
import { policySize } from '../policy/size.js';
import type { Plan, PlanWarning } from './types.js';

/** What the account allows, as read; a missing value is not checked. */
export interface AccountLimits {
  trustPolicySizeMax?: number;
  managedPoliciesPerRole?: number;
  rolesQuota?: number;
  roles?: number;
}

export interface QuotaProblem {
  /** The role the problem is about (absent for the account-wide role count). */
  roleName?: string;
  message: string;
}

export function quotaProblems(plan: Plan, limits: AccountLimits): QuotaProblem[] {
  const problems: QuotaProblem[] = [];
  for (const change of plan.changes) {
    if (change.kind !== 'role' || !change.after) continue;
    const role = change.after;
    const writes = (field: string): boolean =>
      change.action === 'create' ||
      change.action === 'replace' ||
      change.fields.some((f) => f.field === field);
    const size = policySize(role.trustPolicy);
    if (limits.trustPolicySizeMax !== undefined && writes('trustPolicy') && size > limits.trustPolicySizeMax)
      problems.push({
        roleName: role.name,
        message: `role ${role.name}: its trust policy would be ${size} characters, over this account's AssumeRolePolicySizeMax of ${limits.trustPolicySizeMax} (GetAccountSummary): IAM would refuse it. Raise "Role trust policy length" in Service Quotas (up to 4096), or split its ServiceAccounts across roles or use a wildcard subject.`,
      });
    const attached = role.managedPolicies.length;
    if (
      limits.managedPoliciesPerRole !== undefined &&
      writes('managedPolicies') &&
      attached > limits.managedPoliciesPerRole
    )
      problems.push({
        roleName: role.name,
        message: `role ${role.name}: it would have ${attached} managed policies, over this account's AttachedPoliciesPerRoleQuota of ${limits.managedPoliciesPerRole} (GetAccountSummary): IAM would refuse the attachment. Raise "Managed policies per role" in Service Quotas (up to 20), or combine policies.`,
      });
  }
  const creates = plan.changes.filter((c) => c.kind === 'role' && c.action === 'create').length;
  if (limits.rolesQuota !== undefined && limits.roles !== undefined && creates > 0) {
    const room = Math.max(0, limits.rolesQuota - limits.roles);
    if (creates > room)
      problems.push({
        message: `the plan creates ${creates} role${creates === 1 ? '' : 's'}, but the account has room for ${room} more (RolesQuota ${limits.rolesQuota}, Roles ${limits.roles}, from GetAccountSummary): apply would stop at the quota. Raise "Roles per account" in Service Quotas, delete unused roles, or split the change.`,
      });
  }
  return problems;
}

export class AccountQuotaError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    const n = problems.length;
    super(
      [
        ...problems,
        `${n} change${n === 1 ? '' : 's'} would exceed this AWS account's IAM quotas; nothing was changed. Fix ${n === 1 ? 'it' : 'them'} and plan again.`,
      ].join('\n'),
    );
    this.name = 'AccountQuotaError';
    this.problems = problems;
  }
}

/** GetAccountSummary was denied: the checks fell back to the file's values (or AWS's defaults). */
export function quotasUnknownWarning(
  trustPolicySizeLimit: number,
  managedPoliciesPerRole: number,
): PlanWarning {
  return {
    code: 'account-quotas-unknown',
    message: `GetAccountSummary was denied, so the account's IAM quotas were not read: the plan checked trust policies against ${trustPolicySizeLimit} characters and ${managedPoliciesPerRole} managed policies per role (aws.trustPolicySizeLimit / aws.maxManagedPoliciesPerRole or AWS's defaults), and not the number of roles left. Allow iam:GetAccountSummary for the plan credentials (README, AWS permissions).`,
  };
}
