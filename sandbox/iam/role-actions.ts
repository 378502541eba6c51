// IAM role actions: the role itself, its tags, its managed and inline policies and its permissions
// boundary, plus the account-wide reads (ListRoles, GetAccountAuthorizationDetails).
import type { ActionHandler, IamContext } from './context.js';
import { deleteConflict, entityAlreadyExists, invalidInput, limitExceeded, noSuchEntity } from './errors.js';
import { isPolicyArn } from './managed-policies.js';
import { paginate } from './paging.js';
import { checkPermissionPolicy, checkTrustPolicy, policySize } from './policy-documents.js';
import type { QueryParams } from './query.js';
import {
  attachedPolicyXml,
  encodeDocument,
  listedRoleXml,
  roleDetailXml,
  roleXml,
  tagList,
} from './render.js';
import type { RoleRecord } from './state.js';
import {
  checkDescription,
  checkMaxItems,
  checkPathPrefix,
  checkMaxSessionDuration,
  checkName,
  checkPath,
  checkTags,
  mergeTags,
  rejectViolations,
  removeTags,
  sortedTags,
} from './validate.js';
import { field, members, node, stringMembers } from './xml.js';

const MAX_DOCUMENT_LENGTH = 131072;
const ENTITY_FILTERS = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'];

function documentChecks(document: string, member: string): string[] {
  if (document.length < 1)
    return [
      `Value '' at '${member}' failed to satisfy constraint: Member must have length greater than or equal to 1`,
    ];
  if (document.length > MAX_DOCUMENT_LENGTH) {
    return [
      `Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_DOCUMENT_LENGTH}`,
    ];
  }
  return [];
}

export function roleActions(ctx: IamContext): Record<string, ActionHandler> {
  const { state, limits } = ctx;

  const roleName = (q: QueryParams): string => {
    const name = q.required('RoleName');
    rejectViolations(checkName(name, 'roleName', 64));
    return name;
  };

  const checkTrust = (document: string): void => {
    if (policySize(document) > limits.trustPolicySize)
      throw limitExceeded(`Cannot exceed quota for ACLSizePerRole: ${limits.trustPolicySize}`);
    checkTrustPolicy(document, ctx.principals);
  };

  const checkBoundary = (arn: string): void => {
    if (!isPolicyArn(arn)) throw invalidInput(`ARN ${arn} is not valid.`);
    if (!ctx.policies.exists(arn))
      throw noSuchEntity(`Scope ARN: ${arn} does not exist or is not attachable.`);
  };

  return {
    CreateRole: (q) => {
      const name = q.required('RoleName');
      const document = q.required('AssumeRolePolicyDocument');
      const path = q.string('Path') ?? '/';
      const description = q.string('Description');
      const maxSessionDuration = q.integer('MaxSessionDuration');
      const boundary = q.string('PermissionsBoundary');
      const tags = q.tags();
      rejectViolations(
        checkName(name, 'roleName', 64),
        checkPath(path),
        documentChecks(document, 'assumeRolePolicyDocument'),
        description === undefined ? [] : checkDescription(description),
        maxSessionDuration === undefined ? [] : checkMaxSessionDuration(maxSessionDuration),
      );
      checkTags(tags, 'insensitive');
      const existing = state.anyRole(name);
      if (existing) throw entityAlreadyExists(`Role with name ${existing.roleName} already exists.`);
      if (state.allRoleNames().length >= ctx.limits.rolesQuota)
        throw limitExceeded(`Cannot exceed quota for RolesPerAccount: ${ctx.limits.rolesQuota}`);
      checkTrust(document);
      if (boundary !== undefined) checkBoundary(boundary);
      const now = state.clock();
      const role: RoleRecord = {
        roleName: name,
        path,
        roleId: state.newId('AROA'),
        arn: state.roleArn(path, name),
        createDate: now,
        assumeRolePolicyDocument: document,
        description: description || undefined,
        maxSessionDuration: maxSessionDuration ?? 3600,
        permissionsBoundary: boundary,
        tags: tags.map((t) => ({ ...t })),
        inlinePolicies: new Map(),
        attachedPolicyArns: [],
        visibleFrom: now + ctx.newRoleInvisibleForMs,
      };
      state.putRole(role);
      return node('Role', roleXml(role));
    },

    GetRole: (q) => node('Role', roleXml(state.role(roleName(q)))),

    UpdateRole: (q) => {
      const role = state.role(roleName(q));
      const description = q.string('Description');
      const maxSessionDuration = q.integer('MaxSessionDuration');
      rejectViolations(
        description === undefined ? [] : checkDescription(description),
        maxSessionDuration === undefined ? [] : checkMaxSessionDuration(maxSessionDuration),
      );
      if (description !== undefined) role.description = description || undefined;
      if (maxSessionDuration !== undefined) role.maxSessionDuration = maxSessionDuration;
      return '';
    },

    UpdateRoleDescription: (q) => {
      const role = state.role(roleName(q));
      const description = q.required('Description');
      rejectViolations(checkDescription(description));
      role.description = description || undefined;
      return node('Role', roleXml(role));
    },

    UpdateAssumeRolePolicy: (q) => {
      const role = state.role(roleName(q));
      const document = q.required('PolicyDocument');
      rejectViolations(documentChecks(document, 'policyDocument'));
      checkTrust(document);
      role.assumeRolePolicyDocument = document;
      return undefined;
    },

    DeleteRole: (q) => {
      const role = state.role(roleName(q));
      if (role.attachedPolicyArns.length > 0)
        throw deleteConflict('Cannot delete entity, must detach all policies first.');
      if (role.inlinePolicies.size > 0)
        throw deleteConflict('Cannot delete entity, must delete policies first.');
      state.deleteRole(role.roleName);
      return undefined;
    },

    TagRole: (q) => {
      const role = state.role(roleName(q));
      const tags = q.tags();
      checkTags(tags, 'insensitive');
      role.tags = mergeTags(role.tags, tags, 'TagsPerRole', 'insensitive');
      return undefined;
    },

    UntagRole: (q) => {
      const role = state.role(roleName(q));
      role.tags = removeTags(role.tags, q.list('TagKeys'), 'insensitive');
      return undefined;
    },

    ListRoleTags: (q) => {
      const role = state.role(roleName(q));
      const maxItems = q.integer('MaxItems');
      rejectViolations(checkMaxItems(maxItems));
      const page = paginate(sortedTags(role.tags), (t) => t.Key, q.string('Marker'), maxItems);
      return tagList(page.items) + page.trailer;
    },

    ListRoles: (q) => {
      const prefix = q.string('PathPrefix') ?? '/';
      const maxItems = q.integer('MaxItems');
      rejectViolations(checkMaxItems(maxItems), checkPathPrefix(prefix));
      const roles = state.sortedRoles().filter((r) => r.path.startsWith(prefix));
      const page = paginate(roles, (r) => r.roleName.toLowerCase(), q.string('Marker'), maxItems);
      return members('Roles', page.items.map(listedRoleXml)) + page.trailer;
    },

    GetAccountAuthorizationDetails: (q) => {
      const filter = q.list('Filter');
      const maxItems = q.integer('MaxItems');
      const unknown = filter.filter((f) => !ENTITY_FILTERS.includes(f));
      rejectViolations(
        checkMaxItems(maxItems),
        unknown.length === 0
          ? []
          : [
              `Value '[${filter.join(', ')}]' at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${ENTITY_FILTERS.join(', ')}]]`,
            ],
      );
      // Only roles exist in this account: users, groups and policy details are always empty lists.
      const roles = filter.length === 0 || filter.includes('Role') ? state.sortedRoles() : [];
      const page = paginate(roles, (r) => r.roleName.toLowerCase(), q.string('Marker'), maxItems);
      return (
        members('UserDetailList', []) +
        members('GroupDetailList', []) +
        members('RoleDetailList', page.items.map(roleDetailXml)) +
        members('Policies', []) +
        page.trailer
      );
    },

    AttachRolePolicy: (q) => {
      const role = state.role(roleName(q));
      const arn = q.required('PolicyArn');
      if (!isPolicyArn(arn)) throw invalidInput(`ARN ${arn} is not valid.`);
      if (!ctx.policies.exists(arn)) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
      if (role.attachedPolicyArns.includes(arn)) return undefined;
      if (role.attachedPolicyArns.length >= limits.managedPoliciesPerRole) {
        throw limitExceeded(`Cannot exceed quota for PoliciesPerRole: ${limits.managedPoliciesPerRole}`);
      }
      role.attachedPolicyArns.push(arn);
      return undefined;
    },

    DetachRolePolicy: (q) => {
      const role = state.role(roleName(q));
      const arn = q.required('PolicyArn');
      if (!isPolicyArn(arn)) throw invalidInput(`ARN ${arn} is not valid.`);
      if (!role.attachedPolicyArns.includes(arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
      role.attachedPolicyArns = role.attachedPolicyArns.filter((a) => a !== arn);
      return undefined;
    },

    ListAttachedRolePolicies: (q) => {
      const role = state.role(roleName(q));
      const prefix = q.string('PathPrefix') ?? '/';
      const maxItems = q.integer('MaxItems');
      rejectViolations(checkMaxItems(maxItems));
      const arns = [...role.attachedPolicyArns].filter((arn) => policyPath(arn).startsWith(prefix)).sort();
      const page = paginate(arns, (a) => a, q.string('Marker'), maxItems);
      return members('AttachedPolicies', page.items.map(attachedPolicyXml)) + page.trailer;
    },

    PutRolePolicy: (q) => {
      const name = roleName(q);
      const policyName = q.required('PolicyName');
      const document = q.required('PolicyDocument');
      rejectViolations(checkName(policyName, 'policyName', 128), documentChecks(document, 'policyDocument'));
      const role = state.role(name);
      checkPermissionPolicy(document);
      let total = policySize(document);
      for (const [other, doc] of role.inlinePolicies) if (other !== policyName) total += policySize(doc);
      if (total > limits.inlinePolicySize)
        throw limitExceeded(
          `Maximum policy size of ${limits.inlinePolicySize} bytes exceeded for role ${role.roleName}`,
        );
      role.inlinePolicies.set(policyName, document);
      return undefined;
    },

    GetRolePolicy: (q) => {
      const role = state.role(roleName(q));
      const policyName = q.required('PolicyName');
      rejectViolations(checkName(policyName, 'policyName', 128));
      const document = role.inlinePolicies.get(policyName);
      if (document === undefined)
        throw noSuchEntity(`The role policy with name ${policyName} cannot be found.`);
      return (
        field('RoleName', role.roleName) +
        field('PolicyName', policyName) +
        field('PolicyDocument', encodeDocument(document))
      );
    },

    DeleteRolePolicy: (q) => {
      const role = state.role(roleName(q));
      const policyName = q.required('PolicyName');
      rejectViolations(checkName(policyName, 'policyName', 128));
      if (!role.inlinePolicies.delete(policyName))
        throw noSuchEntity(`The role policy with name ${policyName} cannot be found.`);
      return undefined;
    },

    ListRolePolicies: (q) => {
      const role = state.role(roleName(q));
      const maxItems = q.integer('MaxItems');
      rejectViolations(checkMaxItems(maxItems));
      const names = [...role.inlinePolicies.keys()].sort();
      const page = paginate(names, (n) => n, q.string('Marker'), maxItems);
      return stringMembers('PolicyNames', page.items) + page.trailer;
    },

    PutRolePermissionsBoundary: (q) => {
      const role = state.role(roleName(q));
      const arn = q.required('PermissionsBoundary');
      checkBoundary(arn);
      role.permissionsBoundary = arn;
      return undefined;
    },

    // Idempotent: removing a boundary from a role that has none succeeds.
    DeleteRolePermissionsBoundary: (q) => {
      const role = state.role(roleName(q));
      role.permissionsBoundary = undefined;
      return undefined;
    },
  };
}

/** `arn:aws:iam::aws:policy/service-role/X` → `/service-role/`. */
function policyPath(arn: string): string {
  const rest = arn.slice(arn.indexOf(':policy/') + ':policy'.length);
  return rest.slice(0, rest.lastIndexOf('/') + 1);
}
