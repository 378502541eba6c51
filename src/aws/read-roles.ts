// Reads the IAM roles the plan needs: every role the file names plus every role carrying our owner
// tag (any owner: the diff decides whose it is).
//
// Why GetAccountAuthorizationDetails (GAAD) and ListRoles together: GAAD returns up to 1,000 roles
// per call with tags, trust policy, inline and attached policies and boundary — the only way to find
// owner-tagged roles without one call per role. But its RoleDetail has no Description and no
// MaxSessionDuration (IAM API reference and the SDK's RoleDetail type agree), and both are fields we
// manage. ListRoles returns them (it lacks tags, boundary and policies instead), and our roles live
// under the file's role path, so one ListRoles under that path usually fills the gap for all of
// them. GAAD already tells us how many roles sit under the path, so the reader picks whichever is
// cheaper for the roles under the path: ⌈P/1000⌉ ListRoles pages or one GetRole per kept role. Kept
// roles outside the path (adopted at another path, or left behind by a path change) get a GetRole.
//
// IAM calls (no retries counted), R = roles in the account, P = roles under the role path, K_in /
// K_out = kept roles under / outside the path:
//   ⌈R/1000⌉ GAAD + (K_in = 0 ? 0 : min(⌈P/1000⌉, K_in)) + K_out GetRole
// Usually ⌈R/1000⌉ + 1.
//
// When GAAD is denied (narrowly scoped credentials), the fallback lists the roles under the path and
// reads each one: ⌈P/1000⌉ ListRoles + one GetRole per listed or named role + for each kept role
// ListRolePolicies, one GetRolePolicy per inline policy and ListAttachedRolePolicies. A named role
// that is not under the path costs one listing of every role (⌈R/1000⌉ ListRoles) so it is read by
// IAM's spelling of its name, not the file's. Owner-tagged roles outside the path cannot be found
// this way; the strategy is reported so callers can say so.
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  paginateListRoles,
  type AttachedPolicy,
  type IAMClient,
  type Role,
  type RoleDetail,
  type Tag,
} from '@aws-sdk/client-iam';
import { ownerOf } from '../support/ownership.js';
import type { ObservedRole, ProviderTrust } from '../observed/types.js';
import type { PolicyDocument } from '../policy/types.js';
import { DEFAULT_CONCURRENCY, mapWithConcurrency, type CallObserver } from '../support/concurrency.js';
import { iamCallError, isAccessDenied, isNoSuchEntity } from './errors.js';
import { decodePolicyDocument } from '../support/policy-document.js';
import { tagRecord } from './tags.js';

export type RoleReadStrategy = 'account-authorization-details' | 'list-roles';

export interface RoleQuery {
  /** Role names the file declares (matched case-insensitively, as IAM does). */
  roleNames: string[];
  /** The file's role path, e.g. `/workload-identity/`. */
  rolePath: string;
  /** Per-role reads in flight (default 8). */
  concurrency?: number;
  onCall?: CallObserver;
}

export interface RoleReadResult {
  roles: ObservedRole[];
  strategy: RoleReadStrategy;
  /** Which roles of the whole account federate to which OIDC provider (complete only with GAAD). */
  providerTrust: ProviderTrust;
}

/** IAM's default when a role does not say otherwise. */
const DEFAULT_MAX_SESSION_DURATION = 3600;
export const PAGE_SIZE = 1000;

export async function readRoles(iam: IAMClient, query: RoleQuery): Promise<RoleReadResult> {
  const onCall = query.onCall ?? (() => undefined);
  const concurrency = query.concurrency ?? DEFAULT_CONCURRENCY;
  const named = new Set(query.roleNames.map((n) => n.toLowerCase()));

  const isKept = (d: RoleDetail): boolean =>
    named.has((d.RoleName ?? '').toLowerCase()) || hasOwnerTag(d.Tags);
  const underPath = (d: RoleDetail): boolean => (d.Path ?? '/').startsWith(query.rolePath);
  let scan: RoleScan;
  try {
    scan = await scanRoleDetails(iam, isKept, underPath, onCall);
  } catch (error) {
    onCall('GetAccountAuthorizationDetails'); // the failed request
    if (isAccessDenied(error)) {
      const roles = await readRolesOneByOne(iam, query, named, concurrency, onCall);
      // Only the roles under the path were seen: who else trusts a provider is unknown.
      const rolesByProvider: Record<string, string[]> = {};
      for (const role of roles) recordFederation(rolesByProvider, role.name, federatedArns(role.trustPolicy));
      return { roles, strategy: 'list-roles', providerTrust: { rolesByProvider, complete: false } };
    }
    throw iamCallError('GetAccountAuthorizationDetails', undefined, error);
  }
  const { kept } = scan;
  const keptUnderPath = kept.filter(underPath);
  const pathPages = Math.max(1, Math.ceil(scan.underPathCount / PAGE_SIZE));

  const settings = new Map<string, RoleSettings>();
  if (keptUnderPath.length > 0 && pathPages < keptUnderPath.length) {
    for (const [name, s] of await listRoleSettings(iam, query.rolePath, onCall)) settings.set(name, s);
  }
  // Whatever ListRoles did not cover (outside the path, the cheaper choice, or created between the
  // two reads) comes from GetRole; a role deleted in between is simply absent.
  const missing = kept.filter((d) => !settings.has((d.RoleName ?? '').toLowerCase()));
  await mapWithConcurrency(missing, concurrency, async (d) => {
    const role = await getRole(iam, d.RoleName ?? '', onCall);
    if (role) settings.set((d.RoleName ?? '').toLowerCase(), roleSettings(role));
  });

  const roles = kept
    .filter((d) => settings.has((d.RoleName ?? '').toLowerCase()))
    .map((d) => fromRoleDetail(d, settings.get((d.RoleName ?? '').toLowerCase())!));
  return {
    roles: sortByName(roles),
    strategy: 'account-authorization-details',
    providerTrust: { rolesByProvider: scan.rolesByProvider, complete: true },
  };
}

interface RoleScan {
  kept: RoleDetail[];
  /** Every role under the path, kept or not: what ListRoles under the path would page through. */
  underPathCount: number;
  /** Every role in the account that federates to an OIDC provider, by provider. */
  rolesByProvider: Record<string, string[]>;
}

/** Pages through every role once, keeping only ours (accounts can hold thousands). */
async function scanRoleDetails(
  iam: IAMClient,
  isKept: (d: RoleDetail) => boolean,
  underPath: (d: RoleDetail) => boolean,
  onCall: CallObserver,
): Promise<RoleScan> {
  const scan: RoleScan = { kept: [], underPathCount: 0, rolesByProvider: {} };
  const pages = paginateGetAccountAuthorizationDetails(
    { client: iam, pageSize: PAGE_SIZE },
    { Filter: ['Role'] },
  );
  for await (const page of pages) {
    onCall('GetAccountAuthorizationDetails');
    for (const detail of page.RoleDetailList ?? []) {
      if (underPath(detail)) scan.underPathCount += 1;
      if (isKept(detail)) scan.kept.push(detail);
      recordFederation(scan.rolesByProvider, detail.RoleName ?? '', federatedArnsOf(detail));
    }
  }
  return scan;
}

export interface RoleSettings {
  description?: string;
  maxSessionDuration: number;
}

export function roleSettings(role: Role): RoleSettings {
  return {
    description: role.Description || undefined,
    maxSessionDuration: role.MaxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
  };
}

/** Description and MaxSessionDuration of every role under the path, by lower-cased name. */
async function listRoleSettings(
  iam: IAMClient,
  rolePath: string,
  onCall: CallObserver,
): Promise<Map<string, RoleSettings>> {
  const byName = new Map<string, RoleSettings>();
  for (const role of await listRolesUnderPath(iam, rolePath, onCall)) {
    byName.set((role.RoleName ?? '').toLowerCase(), roleSettings(role));
  }
  return byName;
}

export async function listRolesUnderPath(
  iam: IAMClient,
  rolePath: string,
  onCall: CallObserver,
): Promise<Role[]> {
  const roles: Role[] = [];
  try {
    for await (const page of paginateListRoles(
      { client: iam, pageSize: PAGE_SIZE },
      { PathPrefix: rolePath },
    )) {
      onCall('ListRoles');
      roles.push(...(page.Roles ?? []));
    }
  } catch (error) {
    onCall('ListRoles'); // the failed request
    throw iamCallError('ListRoles', `under path ${rolePath}`, error);
  }
  return roles;
}

/** GetRole; undefined when the role does not exist. */
async function getRole(iam: IAMClient, name: string, onCall: CallObserver): Promise<Role | undefined> {
  try {
    onCall('GetRole');
    const answer = await iam.send(new GetRoleCommand({ RoleName: name }));
    return answer.Role;
  } catch (error) {
    if (isNoSuchEntity(error)) return undefined;
    throw iamCallError('GetRole', name, error);
  }
}

export function fromRoleDetail(d: RoleDetail, settings: RoleSettings): ObservedRole {
  const name = d.RoleName ?? '';
  const inline: Array<[string, PolicyDocument]> = (d.RolePolicyList ?? []).map((p) => [
    p.PolicyName ?? '',
    decodePolicyDocument(p.PolicyDocument ?? '{}', `inline policy ${p.PolicyName} of role ${name}`),
  ]);
  return observedRole({
    name,
    path: d.Path ?? '/',
    arn: d.Arn ?? '',
    ...settings,
    permissionsBoundary: d.PermissionsBoundary?.PermissionsBoundaryArn,
    trustPolicy: decodePolicyDocument(d.AssumeRolePolicyDocument ?? '{}', `trust policy of role ${name}`),
    attached: d.AttachedManagedPolicies ?? [],
    inline,
    tags: d.Tags ?? [],
  });
}

/** IAM's answer for one role: the role attributes, with policies and tags as IAM lists them. */
type RoleParts = Omit<ObservedRole, 'managedPolicies' | 'inlinePolicies' | 'tags'> & {
  attached: AttachedPolicy[];
  inline: Array<[string, PolicyDocument]>;
  tags: Tag[];
};

function observedRole(parts: RoleParts): ObservedRole {
  const role: ObservedRole = {
    name: parts.name,
    path: parts.path,
    arn: parts.arn,
    maxSessionDuration: parts.maxSessionDuration,
    trustPolicy: parts.trustPolicy,
    managedPolicies: parts.attached.map((p) => p.PolicyArn ?? '').sort(),
    inlinePolicies: Object.fromEntries([...parts.inline].sort(([a], [b]) => compare(a, b))),
    tags: tagRecord(parts.tags),
  };
  if (parts.description !== undefined) role.description = parts.description;
  if (parts.permissionsBoundary) role.permissionsBoundary = parts.permissionsBoundary;
  return role;
}

// ---- Fallback: ListRoles under the path, then per-role reads ----

async function readRolesOneByOne(
  iam: IAMClient,
  query: RoleQuery,
  named: Set<string>,
  concurrency: number,
  onCall: CallObserver,
): Promise<ObservedRole[]> {
  const listed = await listRolesUnderPath(iam, query.rolePath, onCall);
  const names = new Map<string, string>();
  for (const r of listed) names.set((r.RoleName ?? '').toLowerCase(), r.RoleName ?? '');
  // A named role outside the path is read by IAM's spelling of its name, found by listing every role
  // once; only when that list is denied does GetRole try the file's spelling.
  const unlisted = query.roleNames.filter((n) => !names.has(n.toLowerCase()));
  if (unlisted.length > 0) {
    const everywhere = await listAllRoleNames(iam, onCall);
    for (const n of unlisted) {
      const iamName = everywhere ? everywhere.get(n.toLowerCase()) : n;
      if (iamName !== undefined) names.set(n.toLowerCase(), iamName);
    }
  }

  const roles = await mapWithConcurrency([...names.values()], concurrency, async (name) => {
    const role = await getRole(iam, name, onCall);
    if (!role || !(named.has(name.toLowerCase()) || hasOwnerTag(role.Tags))) return undefined;
    return readRoleDetails(iam, role, onCall);
  });
  return sortByName(roles.filter((r): r is ObservedRole => r !== undefined));
}

/** Every role name in the account by lower-cased name; undefined when ListRoles is denied there. */
async function listAllRoleNames(
  iam: IAMClient,
  onCall: CallObserver,
): Promise<Map<string, string> | undefined> {
  try {
    const byName = new Map<string, string>();
    for (const role of await listRolesUnderPath(iam, '/', onCall))
      byName.set((role.RoleName ?? '').toLowerCase(), role.RoleName ?? '');
    return byName;
  } catch (error) {
    if (isAccessDenied(error) || isAccessDenied((error as { cause?: unknown }).cause)) return undefined;
    throw error;
  }
}

/** Inline and attached policies of one role (undefined when the role vanished meanwhile). */
async function readRoleDetails(
  iam: IAMClient,
  role: Role,
  onCall: CallObserver,
): Promise<ObservedRole | undefined> {
  const name = role.RoleName ?? '';
  const encodedInline: Array<[string, string]> = [];
  const attached: AttachedPolicy[] = [];
  let call = 'ListRolePolicies';
  try {
    const policyNames: string[] = [];
    for await (const page of paginateListRolePolicies({ client: iam }, { RoleName: name })) {
      onCall(call);
      policyNames.push(...(page.PolicyNames ?? []));
    }
    call = 'GetRolePolicy';
    for (const policyName of policyNames) {
      onCall(call);
      const answer = await iam
        .send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }))
        // A policy deleted between the list and the get is simply gone.
        .catch((error: unknown) => (isNoSuchEntity(error) ? undefined : Promise.reject(error)));
      if (answer) encodedInline.push([policyName, answer.PolicyDocument ?? '{}']);
    }
    call = 'ListAttachedRolePolicies';
    for await (const page of paginateListAttachedRolePolicies({ client: iam }, { RoleName: name })) {
      onCall(call);
      attached.push(...(page.AttachedPolicies ?? []));
    }
  } catch (error) {
    // Paginated calls are counted per answered page; count the failed request too.
    if (call !== 'GetRolePolicy') onCall(call);
    if (isNoSuchEntity(error)) return undefined;
    throw iamCallError(call, name, error);
  }
  return observedRole({
    name,
    path: role.Path ?? '/',
    arn: role.Arn ?? '',
    ...roleSettings(role),
    permissionsBoundary: role.PermissionsBoundary?.PermissionsBoundaryArn,
    trustPolicy: decodePolicyDocument(role.AssumeRolePolicyDocument ?? '{}', `trust policy of role ${name}`),
    attached,
    inline: encodedInline.map(([policyName, doc]) => [
      policyName,
      decodePolicyDocument(doc, `inline policy ${policyName} of role ${name}`),
    ]),
    tags: role.Tags ?? [],
  });
}

// ---- who trusts which OIDC provider ----

/**
 * Federated OIDC principals of a role's trust policy. Most roles in an account federate to nothing,
 * so the document is only decoded when it mentions an OIDC provider at all; a document that does not
 * parse is skipped here (the role is reported elsewhere if it is one of ours).
 */
function federatedArnsOf(detail: RoleDetail): string[] {
  const encoded = detail.AssumeRolePolicyDocument ?? '';
  if (!encoded.includes('oidc-provider')) return [];
  try {
    return federatedArns(decodePolicyDocument(encoded, 'trust policy'));
  } catch {
    return [];
  }
}

function federatedArns(doc: PolicyDocument): string[] {
  const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const arns: string[] = [];
  for (const statement of list) {
    if (!statement || typeof statement !== 'object' || Array.isArray(statement)) continue;
    const principal = statement.Principal;
    if (!principal || typeof principal !== 'object' || Array.isArray(principal)) continue;
    const federated = principal.Federated;
    for (const value of Array.isArray(federated) ? federated : [federated]) {
      if (typeof value === 'string' && value.includes(':oidc-provider/')) arns.push(value);
    }
  }
  return arns;
}

function recordFederation(into: Record<string, string[]>, role: string, arns: string[]): void {
  for (const key of new Set(arns)) {
    if (!Object.hasOwn(into, key)) into[key] = [];
    into[key].push(role);
  }
}

// ---- small helpers ----

function hasOwnerTag(tags: Tag[] | undefined): boolean {
  return ownerOf(tagRecord(tags ?? [])) !== undefined;
}

function sortByName(roles: ObservedRole[]): ObservedRole[] {
  return roles.sort((a, b) => compare(a.name, b.name));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
