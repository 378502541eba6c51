// Desired IAM roles against observed ones. Ownership decides everything: we change or delete only
// roles whose owner tag equals the file's owner, adopt untagged roles only when the binding says
// `adopt: true`, and never touch a role another owner tagged.
import { compareStrings } from '../support/order.js';
import type { DesiredRole, DesiredState } from '../desired/types.js';
import type { ObservedRole } from '../observed/types.js';
import { OWNER_TAG, isOurs, ownerOf } from '../support/ownership.js';
import { normalizePolicy, policiesEqual } from '../policy/normalize.js';
import type { Json, PolicyDocument } from '../policy/types.js';
import { fieldChange, roleAddress } from './address.js';
import { policyBroadens } from './broadening.js';
import type { FieldChange, PlanConflict, RoleChange } from './types.js';

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareStrings);
}

/** IAM reserves the `aws:` prefix (CloudFormation's stack tags): nobody can set or remove such tags. */
const RESERVED_TAG = /^aws:/i;

function tagChanges(desired: Record<string, string>, observed: Record<string, string>): FieldChange[] {
  const observedByKey = new Map(
    Object.entries(observed)
      .filter(([key]) => !RESERVED_TAG.test(key))
      .map(([key, value]) => [key.toLowerCase(), { key, value }]),
  );
  const changes: FieldChange[] = [];
  for (const key of Object.keys(desired).sort(compareStrings)) {
    const current = observedByKey.get(key.toLowerCase());
    observedByKey.delete(key.toLowerCase());
    if (current?.value !== desired[key])
      changes.push(fieldChange(`tags.${key}`, current?.value, desired[key]));
  }
  for (const { key, value } of [...observedByKey.values()].sort((a, b) => compareStrings(a.key, b.key))) {
    changes.push(fieldChange(`tags.${key}`, value, undefined));
  }
  return changes;
}

function inlinePolicyChanges(
  desired: Record<string, PolicyDocument>,
  observed: Record<string, PolicyDocument>,
): FieldChange[] {
  const names = sorted([...Object.keys(desired), ...Object.keys(observed)]);
  const changes: FieldChange[] = [];
  for (const name of names) {
    const before = observed[name];
    const after = desired[name];
    if (before !== undefined && after !== undefined && policiesEqual(before, after)) continue;
    changes.push(
      fieldChange(
        `inlinePolicies.${name}`,
        before === undefined ? undefined : normalizePolicy(before),
        after === undefined ? undefined : normalizePolicy(after),
        after !== undefined && policyBroadens(before, after),
      ),
    );
  }
  return changes;
}

/** What an update (or adopt, or replace) would change on `observed` to make it `desired`. */
export function roleFieldChanges(desired: DesiredRole, observed: ObservedRole): FieldChange[] {
  const changes: FieldChange[] = [];
  if ((desired.description ?? '') !== (observed.description ?? '')) {
    changes.push(
      fieldChange('description', observed.description || undefined, desired.description || undefined),
    );
  }
  if (desired.maxSessionDuration !== observed.maxSessionDuration) {
    changes.push(fieldChange('maxSessionDuration', observed.maxSessionDuration, desired.maxSessionDuration));
  }
  if (desired.permissionsBoundary !== observed.permissionsBoundary) {
    // Removing or changing a boundary can only widen what the role may do; adding one narrows it.
    const broadens = observed.permissionsBoundary !== undefined;
    changes.push(
      fieldChange('permissionsBoundary', observed.permissionsBoundary, desired.permissionsBoundary, broadens),
    );
  }
  if (!policiesEqual(desired.trustPolicy, observed.trustPolicy)) {
    changes.push(
      fieldChange(
        'trustPolicy',
        normalizePolicy(observed.trustPolicy),
        normalizePolicy(desired.trustPolicy),
        policyBroadens(observed.trustPolicy, desired.trustPolicy),
      ),
    );
  }
  const attached = sorted(observed.managedPolicies);
  const wanted = sorted(desired.managedPolicies);
  if (attached.join('\n') !== wanted.join('\n')) {
    const adds = wanted.some((arn) => !attached.includes(arn));
    changes.push(fieldChange('managedPolicies', attached, wanted, adds));
  }
  changes.push(...inlinePolicyChanges(desired.inlinePolicies, observed.inlinePolicies));
  changes.push(...tagChanges(desired.tags, observed.tags));
  return changes;
}

/** Every attribute of a role, as `after` (created) or `before` (deleted). */
function roleAttributes(role: DesiredRole | ObservedRole, side: 'before' | 'after'): FieldChange[] {
  const created = side === 'after';
  const put = (field: string, value: Json | undefined, broadens = false): FieldChange =>
    created ? fieldChange(field, undefined, value, broadens) : fieldChange(field, value, undefined);
  const fields: FieldChange[] = [put('path', role.path)];
  if (role.description) fields.push(put('description', role.description));
  fields.push(put('maxSessionDuration', role.maxSessionDuration));
  if (role.permissionsBoundary !== undefined)
    fields.push(put('permissionsBoundary', role.permissionsBoundary));
  fields.push(
    put('trustPolicy', normalizePolicy(role.trustPolicy), policyBroadens(undefined, role.trustPolicy)),
  );
  const managed = sorted(role.managedPolicies);
  if (managed.length > 0) fields.push(put('managedPolicies', managed, true));
  for (const name of Object.keys(role.inlinePolicies).sort(compareStrings)) {
    const doc = role.inlinePolicies[name];
    fields.push(put(`inlinePolicies.${name}`, normalizePolicy(doc), policyBroadens(undefined, doc)));
  }
  for (const key of Object.keys(role.tags).sort(compareStrings))
    fields.push(put(`tags.${key}`, role.tags[key]));
  return fields;
}

function sameNameConflictMessage(desired: DesiredRole, observed: ObservedRole): string | undefined {
  if (observed.path !== desired.path) {
    return `role "${observed.name}" exists at path "${observed.path}" but the file wants "${desired.path}". Adopting cannot move it (IAM cannot change a role's path) and a role that is not ours is never deleted: set aws.rolePath to "${observed.path}", or delete or rename the existing role yourself.`;
  }
  return undefined;
}

function replaceReason(desired: DesiredRole, observed: ObservedRole): string | undefined {
  if (observed.path !== desired.path) {
    return `path changes from ${observed.path} to ${desired.path} (IAM cannot change a role's path)`;
  }
  return undefined;
}

function compareDesired(
  owner: string,
  desired: DesiredRole,
  observed: ObservedRole | undefined,
): RoleChange | PlanConflict {
  const address = roleAddress(desired.name);
  const base = { kind: 'role' as const, address };
  if (!observed)
    return {
      ...base,
      action: 'create',
      fields: roleAttributes(desired, 'after'),
      before: null,
      after: desired,
    };

  const observedOwner = ownerOf(observed.tags);
  if (observedOwner === undefined && !desired.adopt) {
    return {
      address,
      message: `role ${observed.name} exists but is not managed by workload-identity-bindings (no ${OWNER_TAG} tag). To take it over, set \`adopt: true\` on its binding; to leave it alone, rename the role in the file.`,
    };
  }
  if (observedOwner !== undefined && observedOwner !== owner) {
    return {
      address,
      message: `role ${observed.name} belongs to another owner ("${observedOwner}" in its ${OWNER_TAG} tag) and is never touched. Rename the role in this file, or remove it from the other owner's bindings file first.`,
    };
  }
  if (observedOwner === undefined) {
    const conflict = sameNameConflictMessage(desired, observed);
    if (conflict) return { address, message: conflict };
    return {
      ...base,
      action: 'adopt',
      fields: roleFieldChanges(desired, observed),
      before: observed,
      after: desired,
    };
  }

  const reason = replaceReason(desired, observed);
  if (reason) {
    const fields = [fieldChange('path', observed.path, desired.path), ...roleFieldChanges(desired, observed)];
    return { ...base, action: 'replace', reason, fields, before: observed, after: desired };
  }
  const fields = roleFieldChanges(desired, observed);
  return { ...base, action: fields.length ? 'update' : 'no-op', fields, before: observed, after: desired };
}

/**
 * `desired` must already use IAM's spelling of every existing role's name (alignRoleNames): a role
 * the file spells in another case is the same role, never a replace.
 */
export function diffRoles(
  desired: DesiredState,
  observed: ObservedRole[],
): { changes: RoleChange[]; conflicts: PlanConflict[] } {
  // IAM role names are unique ignoring case, so at most one observed role matches.
  const byName = new Map(observed.map((role) => [role.name.toLowerCase(), role]));
  const changes: RoleChange[] = [];
  const conflicts: PlanConflict[] = [];
  for (const role of desired.roles) {
    const result = compareDesired(desired.owner, role, byName.get(role.name.toLowerCase()));
    if ('kind' in result) changes.push(result);
    else conflicts.push(result);
  }
  const wanted = new Set(desired.roles.map((role) => role.name.toLowerCase()));
  for (const role of observed) {
    if (wanted.has(role.name.toLowerCase()) || !isOurs(role.tags, desired.owner)) continue;
    changes.push({
      kind: 'role',
      address: roleAddress(role.name),
      action: 'delete',
      reason: `no binding in the file names this role any more; it carries our ${OWNER_TAG} tag`,
      fields: roleAttributes(role, 'before'),
      before: role,
      after: null,
    });
  }
  return { changes, conflicts };
}
