// The account's IAM quotas and usage from one GetAccountSummary: the real trust policy size limit
// (AssumeRolePolicySizeMax), managed policies per role (AttachedPoliciesPerRoleQuota) and how many
// more roles fit (RolesQuota − Roles). Denied (the plan role lacks iam:GetAccountSummary): undefined,
// and the caller falls back to the file's values with a warning.
import { GetAccountSummaryCommand, type IAMClient } from '@aws-sdk/client-iam';
import { iamCallError, isAccessDenied } from './errors.js';

export interface AccountQuotas {
  trustPolicySizeMax?: number;
  managedPoliciesPerRole?: number;
  rolesQuota?: number;
  roles?: number;
}

export async function readAccountQuotas(
  iam: IAMClient,
  onCall?: (operation: string) => void,
): Promise<AccountQuotas | undefined> {
  try {
    onCall?.('GetAccountSummary');
    const { SummaryMap = {} } = await iam.send(new GetAccountSummaryCommand({}));
    // IAM answers `AssumeRolePolicySizeMax`; the SDK's key enum only lists `…Quota`, so read either.
    const map = SummaryMap as Record<string, number | undefined>;
    return {
      trustPolicySizeMax: map.AssumeRolePolicySizeMax ?? map.AssumeRolePolicySizeQuota,
      managedPoliciesPerRole: map.AttachedPoliciesPerRoleQuota,
      rolesQuota: map.RolesQuota,
      roles: map.Roles,
    };
  } catch (error) {
    if (isAccessDenied(error)) return undefined;
    throw iamCallError('GetAccountSummary', undefined, error);
  }
}
