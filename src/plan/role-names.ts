// Role names and role tag keys as IAM spells them. IAM role names are unique ignoring case ("Names
// are not distinguished by case", https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html),
// so a file that writes `MyRole` where IAM holds `myrole` names that same role. But no IAM page says
// that a call naming a role in another case finds it, and ARNs are compared exactly (STS
// AssumeRoleWithWebIdentity, policies). So the plan never relies on the file's spelling for a role
// that exists: it renames the desired role (and every ARN that points at it) to IAM's spelling, and
// says so in a warning. Tag keys on roles are case-insensitive with case preserved
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#id_tags_rules_creating), so a tag
// change is written with the key IAM holds, never a new spelling of it.
import type { DesiredRole, DesiredServiceAccount, DesiredState } from '../desired/types.js';
import type { ObservedRole } from '../observed/types.js';
import { ROLE_ARN_ANNOTATION } from '../support/ownership.js';
import { roleAddress } from './address.js';
import type { PlanWarning } from './types.js';

export interface RoleNameAlignment {
  desired: DesiredState;
  warnings: PlanWarning[];
}

/** `tags` with every key another spelling of an observed key written as IAM holds it. */
export function tagsAsIamSpells(
  tags: Record<string, string>,
  observed: Record<string, string>,
): Record<string, string> {
  const spelling = new Map(Object.keys(observed).map((key) => [key.toLowerCase(), key]));
  return Object.fromEntries(
    Object.entries(tags).map(([key, value]) => [spelling.get(key.toLowerCase()) ?? key, value]),
  );
}

function respelled(role: DesiredRole, observed: ObservedRole): DesiredRole {
  const name = observed.name;
  // The ARN is path + name; only the name's spelling changes (a path change is the diff's business).
  const arn = role.name === name ? role.arn : role.arn.slice(0, role.arn.length - role.name.length) + name;
  return { ...role, name, arn, tags: tagsAsIamSpells(role.tags, observed.tags) };
}

function caseWarning(fileName: string, iamName: string): PlanWarning {
  return {
    code: 'role-name-case',
    address: roleAddress(iamName),
    message: `role "${fileName}" in the file is the existing role "${iamName}": IAM role names ignore case, so they name the same role. The plan uses IAM's spelling "${iamName}" (in its ARN too, which ServiceAccounts are annotated with). Write "${iamName}" in the file to match.`,
  };
}

export function alignRoleNames(desired: DesiredState, observed: readonly ObservedRole[]): RoleNameAlignment {
  const byName = new Map(observed.map((role) => [role.name.toLowerCase(), role]));
  const warnings: PlanWarning[] = [];
  const arns = new Map<string, string>();
  const names = new Map<string, string>();
  const roles = desired.roles.map((role) => {
    const match = byName.get(role.name.toLowerCase());
    if (!match) return role;
    const aligned = respelled(role, match);
    if (aligned.name !== role.name) {
      warnings.push(caseWarning(role.name, aligned.name));
      arns.set(role.arn, aligned.arn);
      names.set(role.name, aligned.name);
    }
    return aligned;
  });
  if (names.size === 0) return { desired: { ...desired, roles }, warnings };
  const serviceAccounts = desired.serviceAccounts.map((sa): DesiredServiceAccount => {
    const name = names.get(sa.role);
    if (name === undefined) return sa;
    const arn = sa.annotations[ROLE_ARN_ANNOTATION];
    const annotations =
      arn !== undefined && arns.has(arn)
        ? { ...sa.annotations, [ROLE_ARN_ANNOTATION]: arns.get(arn) as string }
        : sa.annotations;
    return { ...sa, role: name, annotations };
  });
  return { desired: { ...desired, roles, serviceAccounts }, warnings };
}
