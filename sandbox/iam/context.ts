// What every IAM action handler works with: the account's state, the managed-policy catalogue and
// the limits and consistency delays this emulator was configured with.
import type { ManagedPolicyCatalogue } from './managed-policies.js';
import type { PrincipalResolver } from './policy-documents.js';
import type { QueryParams } from './query.js';
import type { IamState } from './state.js';

export interface IamLimits {
  /** ACLSizePerRole: non-whitespace characters of a trust policy (IAM: 2,048, raisable to 4,096). */
  trustPolicySize: number;
  /** PoliciesPerRole: managed policies attached to one role (IAM: 10, raisable to 20). */
  managedPoliciesPerRole: number;
  /** Non-whitespace characters of all inline policies of one role together (IAM: 10,240). */
  inlinePolicySize: number;
  /** RolesPerAccount (IAM: 1,000, raisable to 5,000): CreateRole beyond it is LimitExceeded. */
  rolesQuota: number;
}

export interface IamContext {
  state: IamState;
  policies: ManagedPolicyCatalogue;
  limits: IamLimits;
  principals: PrincipalResolver;
  newRoleInvisibleForMs: number;
  newOidcProviderInvisibleForMs: number;
}

/** Returns the inner XML of the `<ActionResult>` element, or undefined for actions without one. */
export type ActionHandler = (q: QueryParams) => string | undefined | Promise<string | undefined>;
