// IAM's per-role quotas, checked before apply so a plan never proposes a role IAM would reject:
// managed policies per role, total inline policy size, trust policy size and tags per role.
import {
  buildTrustPolicy,
  issuerHostPath,
  type TrustCluster,
  type TrustSubject,
} from '../policy/trust-policy.js';
import { DEFAULT_AUDIENCE } from '../support/ownership.js';
import { policySize } from '../policy/size.js';
import type { PolicyDocument } from '../policy/types.js';
import { describeBinding } from './describe.js';
import { readInlinePolicy } from './inline-policy.js';
import type { Reporter } from './validate.js';
import { isObject } from './values.js';

export const DEFAULT_MAX_MANAGED_POLICIES = 10;
export const DEFAULT_TRUST_POLICY_SIZE_LIMIT = 2048;
export const INLINE_POLICIES_SIZE_LIMIT = 10240;
export const MAX_TAGS_PER_ROLE = 50;
/** Only for the size estimate: a Control Plane issuer is only known at run time. */
export const CONTROL_PLANE_ISSUER_PLACEHOLDER = `oidc.cpln.io/${'0'.repeat(36)}`;
/** Only for the size estimate when the file does not name the account. */
export const PLACEHOLDER_ACCOUNT_ID = '123456789012';

export function checkLimits(report: Reporter): void {
  const { root } = report;
  const aws = isObject(root.aws) ? root.aws : {};
  const bindings = Array.isArray(root.bindings) ? root.bindings : [];
  const awsTagCount = isObject(aws.tags) ? Object.keys(aws.tags).length : 0;
  const awsTagsTooMany = awsTagCount + 1 > MAX_TAGS_PER_ROLE;
  if (awsTagsTooMany) {
    report.error(
      report.locate.value(['aws', 'tags']),
      `aws.tags has ${awsTagCount} tags; with the owner tag every role would have ${awsTagCount + 1}, over IAM's limit of ${MAX_TAGS_PER_ROLE} tags per role — remove some`,
    );
  }
  const clusters = trustClusters(root.clusters);
  bindings.forEach((binding, index) => {
    if (!isObject(binding)) return;
    checkManagedPolicies(binding, index, aws, report);
    checkInlinePoliciesSize(binding, index, report);
    checkTrustPolicySize(binding, index, aws, clusters, report);
    if (!awsTagsTooMany) checkTagCount(binding, index, aws, report);
  });
}

function checkManagedPolicies(
  binding: Record<string, unknown>,
  index: number,
  aws: Record<string, unknown>,
  report: Reporter,
): void {
  if (!Array.isArray(binding.managedPolicies)) return;
  const count = new Set(binding.managedPolicies.filter((p) => typeof p === 'string')).size;
  const limit =
    typeof aws.maxManagedPoliciesPerRole === 'number'
      ? aws.maxManagedPoliciesPerRole
      : DEFAULT_MAX_MANAGED_POLICIES;
  if (count <= limit) return;
  const fix =
    limit < 20
      ? `AWS's default quota is 10 managed policies per role and it can be raised to 20 in Service Quotas; after raising it, set aws.maxManagedPoliciesPerRole: 20 (now ${limit}), or combine policies`
      : 'IAM allows at most 20 even with a raised quota; combine policies or move statements into inline policies';
  report.error(
    report.locate.value(['bindings', index, 'managedPolicies']),
    `${describeBinding(index, report.root)} attaches ${count} managed policies, over the limit of ${limit} — ${fix}`,
  );
}

function checkInlinePoliciesSize(binding: Record<string, unknown>, index: number, report: Reporter): void {
  if (!isObject(binding.inlinePolicies)) return;
  let size = 0;
  for (const value of Object.values(binding.inlinePolicies)) {
    const read = readInlinePolicy(value, undefined);
    if (read.ok && isObject(read.document)) size += policySize(read.document as PolicyDocument);
  }
  if (size <= INLINE_POLICIES_SIZE_LIMIT) return;
  report.error(
    report.locate.value(['bindings', index, 'inlinePolicies']),
    `the inline policies of ${describeBinding(index, report.root)} total ${size} characters without whitespace, over IAM's limit of ${INLINE_POLICIES_SIZE_LIMIT} per role — move statements into a customer managed policy (managedPolicies) or shorten them (wildcards in Action, fewer Sids)`,
  );
}

/** Clusters as the trust policy sees them; clusters with unusable issuers are left out (reported elsewhere). */
function trustClusters(clusters: unknown): TrustCluster[] {
  if (!isObject(clusters)) return [];
  const out: TrustCluster[] = [];
  for (const [key, cluster] of Object.entries(clusters)) {
    if (!isObject(cluster)) continue;
    const audience =
      typeof cluster.audience === 'string' && cluster.audience ? cluster.audience : DEFAULT_AUDIENCE;
    if (typeof cluster.issuer === 'string') {
      try {
        out.push({ key, issuerHostPath: issuerHostPath(cluster.issuer), audience });
      } catch {
        continue;
      }
    } else if (isObject(cluster.controlPlane)) {
      out.push({ key, issuerHostPath: CONTROL_PLANE_ISSUER_PLACEHOLDER, audience: DEFAULT_AUDIENCE });
    }
  }
  return out;
}

function checkTrustPolicySize(
  binding: Record<string, unknown>,
  index: number,
  aws: Record<string, unknown>,
  clusters: TrustCluster[],
  report: Reporter,
): void {
  if (!Array.isArray(binding.serviceAccounts)) return;
  const known = new Set(clusters.map((c) => c.key));
  const subjects: TrustSubject[] = binding.serviceAccounts.filter(
    (sa): sa is TrustSubject =>
      isObject(sa) &&
      typeof sa.cluster === 'string' &&
      known.has(sa.cluster) &&
      typeof sa.namespace === 'string' &&
      typeof sa.name === 'string',
  );
  if (subjects.length === 0) return;
  const accountId =
    typeof aws.accountId === 'string' && /^\d{12}$/.test(aws.accountId)
      ? aws.accountId
      : PLACEHOLDER_ACCOUNT_ID;
  const limit =
    typeof aws.trustPolicySizeLimit === 'number' ? aws.trustPolicySizeLimit : DEFAULT_TRUST_POLICY_SIZE_LIMIT;
  const size = policySize(buildTrustPolicy(subjects, clusters, accountId));
  if (size <= limit) return;
  const raise =
    limit < 4096
      ? `the account's quota (default 2048) can be raised to 4096 in Service Quotas, then set aws.trustPolicySizeLimit: 4096; or `
      : '';
  report.error(
    report.locate.value(['bindings', index, 'serviceAccounts']),
    `the trust policy of ${describeBinding(index, report.root)} would be ${size} characters without whitespace (${subjects.length} service accounts), over the limit of ${limit} — ${raise}split the service accounts across more roles, or use a wildcard subject such as namespace: team-*`,
  );
}

function checkTagCount(
  binding: Record<string, unknown>,
  index: number,
  aws: Record<string, unknown>,
  report: Reporter,
): void {
  if (!isObject(binding.tags)) return;
  const keys = new Set([...Object.keys(isObject(aws.tags) ? aws.tags : {}), ...Object.keys(binding.tags)]);
  const total = keys.size + 1;
  if (total <= MAX_TAGS_PER_ROLE) return;
  report.error(
    report.locate.value(['bindings', index, 'tags']),
    `${describeBinding(index, report.root)} would have ${total} tags (its own and aws.tags, plus the owner tag), over IAM's limit of ${MAX_TAGS_PER_ROLE} per role — remove ${total - MAX_TAGS_PER_ROLE}`,
  );
}
