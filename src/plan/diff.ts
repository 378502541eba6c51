// The diff: desired state against observed state, as pure data. Every resource kind has its own
// module (ownership rules differ per kind); this one puts their results together.
import type { DesiredState } from '../desired/types.js';
import type { ObservedState } from '../observed/types.js';
import { diffOidcProviders } from './diff-oidc-providers.js';
import { diffRoles } from './diff-roles.js';
import { diffServiceAccounts } from './diff-service-accounts.js';
import { alignRoleNames } from './role-names.js';
import type { Change, PlanConflict, PlanWarning } from './types.js';
import { planWarnings } from './warnings.js';

export interface DiffOptions {
  /** The account's trust policy size quota in characters (default 2048). */
  trustPolicySizeLimit?: number;
}

export interface DiffResult {
  /** Every compared resource, no-ops included, in kind order then desired order. */
  changes: Change[];
  warnings: PlanWarning[];
  /** Resources with our names that are not ours: nothing is planned for them. */
  conflicts: PlanConflict[];
}

export function diffState(
  fileDesired: DesiredState,
  observed: ObservedState,
  options: DiffOptions = {},
): DiffResult {
  // Existing roles are addressed by IAM's spelling of their names, never the file's.
  const { desired, warnings: spelling } = alignRoleNames(fileDesired, observed.roles);
  const providers = diffOidcProviders(desired, observed);
  const roles = diffRoles(desired, observed.roles);
  const serviceAccounts = diffServiceAccounts(desired, observed.clusters);
  return {
    changes: [...providers.changes, ...roles.changes, ...serviceAccounts.changes],
    warnings: [
      ...spelling,
      ...providers.kept,
      ...planWarnings(desired, observed, options.trustPolicySizeLimit),
    ],
    conflicts: [...roles.conflicts, ...serviceAccounts.conflicts],
  };
}
