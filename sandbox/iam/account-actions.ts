// GetAccountSummary: the account's IAM usage and quotas, as IAM answers it — a SummaryMap of every
// key the real service returns (counts of what the emulator holds; quotas from its limits, the rest
// at AWS's defaults). The plan reads AssumeRolePolicySizeMax, AttachedPoliciesPerRoleQuota,
// RolesQuota and Roles from it.
import type { ActionHandler, IamContext } from './context.js';
import { field } from './xml.js';

export function accountActions(ctx: IamContext): Record<string, ActionHandler> {
  return {
    GetAccountSummary: () => {
      const { state, limits } = ctx;
      const summary: Record<string, number> = {
        AccessKeysPerUserQuota: 2,
        AccountAccessKeysPresent: 0,
        AccountMFAEnabled: 0,
        AccountSigningCertificatesPresent: 0,
        AssumeRolePolicySizeMax: limits.trustPolicySize,
        AttachedPoliciesPerGroupQuota: 10,
        AttachedPoliciesPerRoleQuota: limits.managedPoliciesPerRole,
        AttachedPoliciesPerUserQuota: 10,
        GlobalEndpointTokenVersion: 1,
        GroupPolicySizeQuota: 5120,
        Groups: 0,
        GroupsPerUserQuota: 10,
        GroupsQuota: 300,
        InstanceProfiles: 0,
        InstanceProfilesQuota: 1000,
        MFADevices: 0,
        MFADevicesInUse: 0,
        Policies: 0,
        PoliciesQuota: 1500,
        PolicySizeQuota: 6144,
        PolicyVersionsInUse: 0,
        PolicyVersionsInUseQuota: 10000,
        Providers: state.allProviders().length,
        RolePolicySizeQuota: limits.inlinePolicySize,
        Roles: state.allRoleNames().length,
        RolesQuota: limits.rolesQuota,
        ServerCertificates: 0,
        ServerCertificatesQuota: 20,
        SigningCertificatesPerUserQuota: 2,
        UserPolicySizeQuota: 2048,
        Users: 0,
        UsersQuota: 5000,
        VersionsPerPolicyQuota: 5,
      };
      const entries = Object.entries(summary)
        .map(([key, value]) => `<entry>${field('key', key)}${field('value', value)}</entry>`)
        .join('');
      return `<SummaryMap>${entries}</SummaryMap>`;
    },
  };
}
