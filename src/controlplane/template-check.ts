// Compares the trust policy we generate with the template a Control Plane cluster publishes
// (status.addOns.awsWorkloadIdentity.trustPolicy). A difference in principal, action or condition
// keys means one of us disagrees about how the cluster's tokens look: warn, do not fail.
import type { DesiredRole, ResolvedCluster } from '../desired/types.js';
import type { PlanWarning } from '../plan/types.js';
import type { Json, JsonObject } from '../policy/types.js';

function statements(doc: JsonObject): JsonObject[] {
  const s = doc.Statement;
  const list = Array.isArray(s) ? s : s ? [s] : [];
  return list.filter((x): x is JsonObject => !!x && typeof x === 'object' && !Array.isArray(x));
}

function fill(value: Json, vars: Record<string, string>): Json {
  if (typeof value === 'string') return value.replace(/<([A-Z_]+)>/g, (m, name: string) => vars[name] ?? m);
  if (Array.isArray(value)) return value.map((v) => fill(v, vars));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [fill(k, vars) as string, fill(v, vars)]),
    );
  return value;
}

function federated(statement: JsonObject): string | undefined {
  const principal = statement.Principal;
  if (!principal || typeof principal !== 'object' || Array.isArray(principal)) return undefined;
  const f = principal.Federated;
  return typeof f === 'string' ? f : Array.isArray(f) && typeof f[0] === 'string' ? f[0] : undefined;
}

function actions(statement: JsonObject): string {
  const a = statement.Action;
  return (Array.isArray(a) ? a : [a]).map(String).sort().join(',');
}

function conditionKeys(statement: JsonObject): string {
  const c = statement.Condition;
  if (!c || typeof c !== 'object' || Array.isArray(c)) return '';
  const keys = new Set<string>();
  for (const block of Object.values(c))
    if (block && typeof block === 'object' && !Array.isArray(block))
      for (const k of Object.keys(block)) keys.add(k.toLowerCase());
  return [...keys].sort().join(',');
}

export function checkTrustPolicyTemplate(
  role: DesiredRole,
  cluster: ResolvedCluster,
  accountId: string,
): PlanWarning | undefined {
  if (!cluster.trustPolicyTemplate) return undefined;
  const ours = statements(role.trustPolicy).find((s) =>
    federated(s)?.endsWith(`:oidc-provider/${cluster.issuerHostPath}`),
  );
  if (!ours) return undefined;
  const subject = role.subjects.find((s) => s.cluster === cluster.key);
  const template = statements(
    fill(cluster.trustPolicyTemplate, {
      ACCOUNT_ID: accountId,
      NAMESPACE: subject?.namespace ?? '',
      SERVICE_ACCOUNT: subject?.name ?? '',
    }) as JsonObject,
  )[0];
  if (!template) return undefined;
  const differences: string[] = [];
  if (federated(template) !== federated(ours))
    differences.push(`principal ${federated(template)} vs ours ${federated(ours)}`);
  if (actions(template) !== actions(ours))
    differences.push(`action ${actions(template)} vs ours ${actions(ours)}`);
  if (conditionKeys(template) !== conditionKeys(ours))
    differences.push(`condition keys ${conditionKeys(template)} vs ours ${conditionKeys(ours)}`);
  if (!differences.length) return undefined;
  return {
    code: 'trust-policy-template-mismatch',
    address: `role.${role.name}`,
    message: `the trust policy for cluster "${cluster.key}" differs from the template Control Plane publishes for it: ${differences.join('; ')}. Check the cluster's issuer and audience.`,
  };
}
