// The XML shapes of IAM's answers for roles and tags. Which fields each shape carries follows the
// service: GetRole has everything, ListRoles leaves out PermissionsBoundary, Tags and RoleLastUsed,
// and GetAccountAuthorizationDetails' RoleDetail has no Description or MaxSessionDuration.
// Policy documents go out URL-encoded, as IAM sends them.
import type { Tag } from './query.js';
import type { RoleRecord } from './state.js';
import { policyName } from './managed-policies.js';
import { field, isoDate, members, node } from './xml.js';

export function encodeDocument(document: string): string {
  return encodeURIComponent(document);
}

export function tagList(tags: Tag[]): string {
  return members(
    'Tags',
    tags.map((t) => field('Key', t.Key) + field('Value', t.Value)),
  );
}

function roleHeader(role: RoleRecord): string {
  return (
    field('Path', role.path) +
    field('RoleName', role.roleName) +
    field('RoleId', role.roleId) +
    field('Arn', role.arn) +
    field('CreateDate', isoDate(role.createDate)) +
    field('AssumeRolePolicyDocument', encodeDocument(role.assumeRolePolicyDocument))
  );
}

function boundary(role: RoleRecord): string {
  if (!role.permissionsBoundary) return '';
  return node(
    'PermissionsBoundary',
    field('PermissionsBoundaryType', 'Policy') + field('PermissionsBoundaryArn', role.permissionsBoundary),
  );
}

function lastUsed(role: RoleRecord): string {
  const used = role.lastUsed;
  return node(
    'RoleLastUsed',
    used ? field('LastUsedDate', isoDate(used.date)) + field('Region', used.region) : '',
  );
}

/** The full Role shape (GetRole, CreateRole, UpdateRoleDescription). */
export function roleXml(role: RoleRecord): string {
  return (
    roleHeader(role) +
    field('Description', role.description || undefined) +
    field('MaxSessionDuration', role.maxSessionDuration) +
    boundary(role) +
    (role.tags.length > 0 ? tagList(role.tags) : '') +
    lastUsed(role)
  );
}

/** The Role shape as ListRoles returns it. */
export function listedRoleXml(role: RoleRecord): string {
  return (
    roleHeader(role) +
    field('Description', role.description || undefined) +
    field('MaxSessionDuration', role.maxSessionDuration)
  );
}

export function attachedPolicyXml(arn: string): string {
  return field('PolicyName', policyName(arn)) + field('PolicyArn', arn);
}

/** A RoleDetail of GetAccountAuthorizationDetails. */
export function roleDetailXml(role: RoleRecord): string {
  return (
    roleHeader(role) +
    members('InstanceProfileList', []) +
    members(
      'RolePolicyList',
      [...role.inlinePolicies].map(
        ([name, doc]) => field('PolicyName', name) + field('PolicyDocument', encodeDocument(doc)),
      ),
    ) +
    members('AttachedManagedPolicies', role.attachedPolicyArns.map(attachedPolicyXml)) +
    boundary(role) +
    tagList(role.tags) +
    lastUsed(role)
  );
}
