// Things a reviewer should know that do not stop the plan: who a wildcard lets in, policies that
// grant everything, trust policies close to IAM's size limit, namespaces and issuers that do not
// exist yet. Warnings are about the desired state, so they show on every plan until fixed.
import type { DesiredRole, DesiredState } from '../desired/types.js';
import type { ObservedState } from '../observed/types.js';
import { policySize } from '../policy/size.js';
import type { Json, JsonObject, PolicyDocument } from '../policy/types.js';
import { oidcProviderAddress, oidcProviderKey, roleAddress, serviceAccountAddress } from './address.js';
import type { PlanWarning } from './types.js';

/** IAM's default quota for a trust policy (AssumeRolePolicyDocument), in characters. */
export const DEFAULT_TRUST_POLICY_SIZE_LIMIT = 2048;
/** Warn from this share of the limit on, while there is still room to split or ask for more. */
const SIZE_WARNING_SHARE = 0.8;

const ADMINISTRATOR_ACCESS = /:policy\/AdministratorAccess$/;

function statements(doc: PolicyDocument): JsonObject[] {
  const list = doc.Statement;
  const all: Json[] = Array.isArray(list) ? list : list === undefined ? [] : [list];
  return all.filter((s): s is JsonObject => typeof s === 'object' && s !== null && !Array.isArray(s));
}

function allowsEveryAction(doc: PolicyDocument): boolean {
  return statements(doc).some((s) => {
    if (s.Effect !== 'Allow') return false;
    const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
    return actions.some((a) => a === '*' || a === '*:*');
  });
}

function wildcardWarning(role: DesiredRole): PlanWarning | undefined {
  const wildcards = role.subjects.filter((s) => s.wildcard);
  if (wildcards.length === 0) return undefined;
  const list = wildcards.map((s) => `${s.cluster}/${s.namespace}/${s.name}`).join(', ');
  return {
    code: 'wildcard-subject',
    address: roleAddress(role.name),
    message: `role ${role.name} trusts wildcard subjects (${list}): every matching ServiceAccount, including ones created later, can assume it.`,
  };
}

function broadPermissionWarnings(role: DesiredRole): PlanWarning[] {
  const reasons = [
    ...role.managedPolicies
      .filter((arn) => ADMINISTRATOR_ACCESS.test(arn))
      .map((arn) => `${arn} is attached`),
    ...Object.keys(role.inlinePolicies)
      .filter((name) => allowsEveryAction(role.inlinePolicies[name]))
      .map((name) => `inline policy "${name}" allows every action ("*")`),
  ];
  return reasons.map((reason) => ({
    code: 'broad-permissions',
    address: roleAddress(role.name),
    message: `role ${role.name}: ${reason}. Grant only the actions its workloads need.`,
  }));
}

function sizeWarning(role: DesiredRole, limit: number): PlanWarning | undefined {
  const size = policySize(role.trustPolicy);
  if (size <= limit * SIZE_WARNING_SHARE) return undefined;
  const percent = Math.round((size / limit) * 100);
  const verdict =
    size > limit
      ? `over the ${limit}-character limit: IAM will reject it`
      : `${percent} % of the ${limit}-character limit`;
  return {
    code: 'trust-policy-size',
    address: roleAddress(role.name),
    message: `role ${role.name}: its trust policy is ${size} characters, ${verdict}. Split its ServiceAccounts across roles, use a wildcard subject, or raise the account's quota (up to 4096) and set aws.trustPolicySizeLimit.`,
  };
}

export function planWarnings(
  desired: DesiredState,
  observed: ObservedState,
  trustPolicySizeLimit = DEFAULT_TRUST_POLICY_SIZE_LIMIT,
): PlanWarning[] {
  const warnings: PlanWarning[] = [];
  for (const role of desired.roles) {
    const wildcard = wildcardWarning(role);
    if (wildcard) warnings.push(wildcard);
    warnings.push(...broadPermissionWarnings(role));
    const size = sizeWarning(role, trustPolicySizeLimit);
    if (size) warnings.push(size);
  }

  const managed = new Set(desired.clusters.filter((c) => c.kubernetes !== false).map((c) => c.key));
  const clusters = new Map(observed.clusters.map((c) => [c.key, c]));
  for (const sa of desired.serviceAccounts) {
    const cluster = clusters.get(sa.cluster);
    // No observed cluster means it was not read: there is nothing to say about its namespaces.
    if (!managed.has(sa.cluster) || !cluster || cluster.existingNamespaces.includes(sa.namespace)) continue;
    if (cluster.terminatingNamespaces?.includes(sa.namespace)) {
      warnings.push({
        code: 'namespace-terminating',
        address: serviceAccountAddress(sa),
        message: `namespace "${sa.namespace}" on cluster "${sa.cluster}" is being deleted (Terminating): the API server refuses new ServiceAccounts in it. Wait until it is gone and create it again, or remove the binding.`,
      });
      continue;
    }
    warnings.push({
      code: 'missing-namespace',
      address: serviceAccountAddress(sa),
      message: `namespace "${sa.namespace}" does not exist on cluster "${sa.cluster}": apply will fail until the namespace exists.`,
    });
  }

  for (const cluster of observed.clusters) {
    if (!managed.has(cluster.key) || !cluster.listedNamespacesOnly) continue;
    warnings.push({
      code: 'partial-read',
      message: `cluster "${cluster.key}": listing ServiceAccounts in all namespaces is forbidden, so only the file's namespaces were listed; ServiceAccounts we created in other namespaces are not seen and not deleted. Grant "list serviceaccounts" cluster-wide to see them.`,
    });
  }

  const providers = new Set(observed.oidcProviders.map((p) => oidcProviderKey(p.url)));
  for (const provider of desired.oidcProviders) {
    if (providers.has(oidcProviderKey(provider.url))) continue;
    warnings.push({
      code: 'missing-oidc-provider',
      address: oidcProviderAddress(provider.url),
      message: `issuer ${provider.url} (cluster${provider.clusters.length === 1 ? '' : 's'} ${provider.clusters.join(', ')}) has no IAM OIDC provider: it will be created.`,
    });
  }
  return warnings;
}
