// Checks on the policy documents IAM accepts: the JSON grammar of trust and permission policies,
// the non-whitespace size IAM counts against its quotas, and the principals a trust policy may
// name (IAM resolves principals in its own account when the policy is saved, so a Federated
// principal pointing at an OIDC provider that does not exist is refused).
import { malformedPolicy } from './errors.js';

/** IAM's quotas count characters other than whitespace. */
export function policySize(document: string): number {
  return document.replace(/\s/g, '').length;
}

const VERSIONS = new Set(['2012-10-17', '2008-10-17']);
/** Federated principals that are not IAM providers (web identity providers AWS knows by name). */
const WELL_KNOWN_FEDERATED = new Set([
  'cognito-identity.amazonaws.com',
  'accounts.google.com',
  'graph.facebook.com',
  'www.amazon.com',
]);

export interface PrincipalResolver {
  accountId: string;
  oidcProviderExists(arn: string): boolean;
  roleExists(arn: string): boolean;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parse(document: string, syntaxMessage: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw malformedPolicy(syntaxMessage);
  }
  if (!isObject(parsed)) throw malformedPolicy(syntaxMessage);
  if (parsed.Version !== undefined && (typeof parsed.Version !== 'string' || !VERSIONS.has(parsed.Version))) {
    throw malformedPolicy('The policy failed legacy parsing');
  }
  return parsed;
}

function statements(policy: JsonObject, syntaxMessage: string): JsonObject[] {
  const raw = policy.Statement;
  if (raw === undefined) throw malformedPolicy('Missing required field Statement');
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0 || !list.every(isObject)) throw malformedPolicy(syntaxMessage);
  return list;
}

function checkEffect(statement: JsonObject): void {
  if (statement.Effect === undefined) throw malformedPolicy('Missing required field Effect');
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny')
    throw malformedPolicy(`Invalid effect: ${String(statement.Effect)}`);
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/**
 * What a trust policy statement may name in `Action`: the three ways to assume a role plus the
 * session extras that go with them. IAM answers anything else (`s3:GetObject`, or the typo
 * `sts:AssumeRoleWebIdentity`) with 400 MalformedPolicyDocument. Sources: IAM User Guide, "Role
 * trust policies" and "Pass session tags in AWS STS" (sts:TagSession), "sts:SetSourceIdentity",
 * "sts:SetContext"; the wording is moto's copy of IAM's answer (getmoto/moto#5750).
 */
const TRUST_ACTIONS = [
  'sts:assumerole',
  'sts:assumerolewithsaml',
  'sts:assumerolewithwebidentity',
  'sts:tagsession',
  'sts:setsourceidentity',
  'sts:setcontext',
];
export const TRUST_ACTION_MESSAGE =
  'Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML, and sts:AssumeRoleWithWebIdentity';

/** Action names ignore case; a wildcard must still stand for one of the trust actions. */
function trustAction(action: string): boolean {
  const pattern = new RegExp(
    `^${action
      .toLowerCase()
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return TRUST_ACTIONS.some((a) => pattern.test(a));
}

/** A role's trust policy (CreateRole, UpdateAssumeRolePolicy). */
export function checkTrustPolicy(document: string, resolver: PrincipalResolver): void {
  const syntax = 'This policy contains invalid Json';
  const policy = parse(document, syntax);
  for (const statement of statements(policy, syntax)) {
    checkEffect(statement);
    if (statement.Resource !== undefined || statement.NotResource !== undefined)
      throw malformedPolicy('Has prohibited field Resource');
    if (statement.Action === undefined && statement.NotAction === undefined)
      throw malformedPolicy('Missing required field Action');
    if (statement.Principal === undefined && statement.NotPrincipal === undefined)
      throw malformedPolicy('Missing required field Principal');
    if (statement.Action !== undefined) {
      const actions = strings(statement.Action);
      if (actions.length === 0 || !actions.every(trustAction)) throw malformedPolicy(TRUST_ACTION_MESSAGE);
    }
    const principal = statement.Principal ?? statement.NotPrincipal;
    if (principal === '*') continue;
    if (!isObject(principal)) throw malformedPolicy(syntax);
    for (const [kind, value] of Object.entries(principal)) {
      for (const id of strings(value)) {
        if (!principalExists(kind, id, resolver))
          throw malformedPolicy(`Invalid principal in policy: "${kind}":"${id}"`);
      }
    }
  }
}

function principalExists(kind: string, id: string, resolver: PrincipalResolver): boolean {
  const own = `arn:aws:iam::${resolver.accountId}:`;
  if (kind === 'Federated') {
    if (WELL_KNOWN_FEDERATED.has(id)) return true;
    // Providers live in the account that owns the role; another account's provider cannot be trusted.
    if (/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+/.test(id))
      return id.startsWith(own) && resolver.oidcProviderExists(id);
    return false;
  }
  if (kind === 'AWS') {
    if (id === '*' || /^\d{12}$/.test(id)) return true;
    if (id.startsWith(`${own}role/`)) return resolver.roleExists(id);
    if (id.startsWith(own)) return id === `${own}root`;
    return /^arn:aws[a-z-]*:(iam|sts)::\d{12}:.+/.test(id);
  }
  if (kind === 'Service')
    return /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(id) || /^[a-z0-9.-]+\.amazon\.com$/.test(id);
  if (kind === 'CanonicalUser') return /^[0-9a-f]{64}$/.test(id);
  return false;
}

/** An identity (permission) policy: inline role policies. */
export function checkPermissionPolicy(document: string): void {
  const syntax = 'Syntax errors in policy.';
  const policy = parse(document, syntax);
  for (const statement of statements(policy, syntax)) {
    checkEffect(statement);
    if (statement.Principal !== undefined || statement.NotPrincipal !== undefined)
      throw malformedPolicy('Policy document should not specify a principal.');
    if (statement.Action === undefined && statement.NotAction === undefined)
      throw malformedPolicy('Policy statement must contain actions.');
    if (statement.Resource === undefined && statement.NotResource === undefined)
      throw malformedPolicy('Policy statement must contain resources.');
  }
}
