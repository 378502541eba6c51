// Compares the trust policy we generate with the template a Control Plane cluster publishes
// (status.addOns.awsWorkloadIdentity.trustPolicy), by meaning: provider, action, audience, subject
// and condition keys. A real difference means one of us disagrees about how the cluster's tokens
// look: warn, do not fail. No public source shows a real template, so layout is never a difference.
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

function allowsWebIdentity(statement: JsonObject): boolean {
  const a = statement.Action;
  return (Array.isArray(a) ? a : [a]).some(
    (x) => typeof x === 'string' && globMatch(x.toLowerCase(), 'sts:assumerolewithwebidentity'),
  );
}

/** IAM's `*` / `?` wildcards (StringLike and action names). */
function globMatch(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
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

/** The values a condition key is checked against, with whether any operator is a Like (wildcards). */
function conditionValues(statement: JsonObject, key: string): { values: string[]; like: boolean } {
  const c = statement.Condition;
  const out = { values: [] as string[], like: false };
  if (!c || typeof c !== 'object' || Array.isArray(c)) return out;
  for (const [operator, block] of Object.entries(c)) {
    if (!block || typeof block !== 'object' || Array.isArray(block)) continue;
    for (const [k, v] of Object.entries(block)) {
      if (k.toLowerCase() !== key.toLowerCase()) continue;
      if (/like/i.test(operator)) out.like = true;
      for (const value of Array.isArray(v) ? v : [v]) if (typeof value === 'string') out.values.push(value);
    }
  }
  return out;
}

function admits(condition: { values: string[]; like: boolean }, value: string): boolean {
  return condition.values.some((v) => (condition.like ? globMatch(v, value) : v === value));
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
  // Compared by meaning, never by layout (statement as object or list, key order, StringEquals
  // or StringLike, one value or a list): the same Federated provider, an `:aud` that admits the
  // cluster's audience, a `:sub` that admits each of the binding's subjects on this cluster, and
  // the same set of condition keys.
  const filled = (vars: Record<string, string>) =>
    statements(fill(cluster.trustPolicyTemplate!, { ACCOUNT_ID: accountId, ...vars }) as JsonObject);
  const candidates = filled({});
  const template = candidates.find((s) => federated(s) === federated(ours)) ?? candidates[0];
  if (!template) return undefined;
  const index = candidates.indexOf(template);
  const differences: string[] = [];
  if (federated(template) !== federated(ours))
    differences.push(`principal ${federated(template)} vs ours ${federated(ours)}`);
  if (!allowsWebIdentity(template))
    differences.push('the template does not allow sts:AssumeRoleWithWebIdentity');
  if (conditionKeys(template) !== conditionKeys(ours))
    differences.push(`condition keys ${conditionKeys(template)} vs ours ${conditionKeys(ours)}`);
  const aud = conditionValues(template, `${cluster.issuerHostPath}:aud`);
  if (aud.values.length && !admits(aud, cluster.audience))
    differences.push(`audience ${aud.values.join(', ')} vs ours ${cluster.audience}`);
  const refused: string[] = [];
  for (const subject of role.subjects) {
    if (subject.cluster !== cluster.key || subject.wildcard) continue;
    const statement = filled({ NAMESPACE: subject.namespace, SERVICE_ACCOUNT: subject.name })[index];
    const sub = conditionValues(statement ?? {}, `${cluster.issuerHostPath}:sub`);
    const claim = `system:serviceaccount:${subject.namespace}:${subject.name}`;
    if (sub.values.length && !admits(sub, claim)) refused.push(claim);
  }
  if (refused.length) differences.push(`the template's subject does not admit ${refused.join(', ')}`);
  if (!differences.length) return undefined;
  return {
    code: 'trust-policy-template-mismatch',
    address: `role.${role.name}`,
    message: `the trust policy for cluster "${cluster.key}" differs from the template Control Plane publishes for it: ${differences.join('; ')}. Check the cluster's issuer and audience.`,
  };
}
