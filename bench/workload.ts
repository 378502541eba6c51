// The benchmark's synthetic workload: a bindings file of N bindings across two clusters (a mix of
// single-ServiceAccount and shared roles, ServiceAccounts spread over namespaces) and the unrelated
// roles an ordinary account already holds. Pure and deterministic: the same N gives the same file.
import { stringify } from 'yaml';

export const BENCH_ACCOUNT_ID = '123456789012';
export const BENCH_OWNER = 'bench/platform-iam';
export const BENCH_ROLE_PATH = '/workload-identity/';
export const BENCH_NAMESPACE_COUNT = 20;

export interface BenchCluster {
  key: string;
  issuer: string;
  /** kubeconfig context name. */
  context: string;
}

export const BENCH_CLUSTERS: readonly BenchCluster[] = [
  { key: 'prod-us', issuer: 'https://oidc.us-east-1.bench.example.com/id/US1', context: 'prod-us' },
  { key: 'prod-eu', issuer: 'https://oidc.eu-west-1.bench.example.com/id/EU1', context: 'prod-eu' },
];

export interface WorkloadServiceAccount {
  cluster: string;
  namespace: string;
  name: string;
}

export interface WorkloadBinding {
  role: string;
  serviceAccounts: WorkloadServiceAccount[];
  managedPolicies: string[];
  inlinePolicyNames: string[];
}

export interface Workload {
  /** The bindings file (YAML). */
  text: string;
  bindings: WorkloadBinding[];
  /** Namespaces the ServiceAccounts live in (created in every cluster before the run). */
  namespaces: string[];
}

export const namespaceName = (i: number): string =>
  `team-${String(i % BENCH_NAMESPACE_COUNT).padStart(2, '0')}`;

export interface WorkloadOptions {
  /**
   * 2: every binding is a shared role with one ServiceAccount per cluster (the fleet-scale file:
   * 5,000 bindings, 10,000 ServiceAccounts); 1: every binding has one ServiceAccount; default: a
   * mix (every third binding shared).
   */
  serviceAccountsPerBinding?: 1 | 2;
}

/**
 * Binding i: role `bench-app-NNNN`. Every third binding is a shared role (one ServiceAccount per
 * cluster, the second one in another namespace); the rest have one ServiceAccount, alternating
 * between the clusters. Every binding has one inline policy; every fourth also a managed policy.
 */
export function generateWorkload(n: number, options: WorkloadOptions = {}): Workload {
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`generateWorkload: N must be a positive integer, got ${n}`);
  const bindings: WorkloadBinding[] = [];
  for (let i = 0; i < n; i += 1) {
    const id = String(i).padStart(4, '0');
    const shared =
      options.serviceAccountsPerBinding === undefined ? i % 3 === 0 : options.serviceAccountsPerBinding === 2;
    const serviceAccounts: WorkloadServiceAccount[] = shared
      ? [
          { cluster: BENCH_CLUSTERS[0].key, namespace: namespaceName(i), name: `app-${id}` },
          { cluster: BENCH_CLUSTERS[1].key, namespace: namespaceName(i + 1), name: `app-${id}` },
        ]
      : [{ cluster: BENCH_CLUSTERS[i % 2].key, namespace: namespaceName(i), name: `app-${id}` }];
    bindings.push({
      role: `bench-app-${id}`,
      serviceAccounts,
      managedPolicies: i % 4 === 0 ? ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'] : [],
      inlinePolicyNames: ['read-table'],
    });
  }
  const file = {
    version: 1,
    owner: BENCH_OWNER,
    aws: { accountId: BENCH_ACCOUNT_ID, rolePath: BENCH_ROLE_PATH, tags: { 'cost-center': '4200' } },
    clusters: Object.fromEntries(
      BENCH_CLUSTERS.map((c) => [c.key, { issuer: c.issuer, kubernetes: { context: c.context } }]),
    ),
    bindings: bindings.map((b, i) => ({
      role: b.role,
      description: `Bench workload ${i}`,
      serviceAccounts: b.serviceAccounts,
      ...(b.managedPolicies.length ? { managedPolicies: b.managedPolicies } : {}),
      inlinePolicies: {
        'read-table': {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['dynamodb:GetItem', 'dynamodb:Query'],
              Resource: `arn:aws:dynamodb:us-east-1:${BENCH_ACCOUNT_ID}:table/bench-${i}`,
            },
          ],
        },
      },
      tags: { team: namespaceName(i) },
    })),
  };
  const namespaces = [
    ...new Set(bindings.flatMap((b) => b.serviceAccounts.map((sa) => sa.namespace))),
  ].sort();
  return { text: stringify(file, { lineWidth: 0 }), bindings, namespaces };
}

/** A role the account holds that the file does not mention (other teams' roles, service roles). */
export interface UnrelatedRole {
  roleName: string;
  path: string;
  tags: Record<string, string>;
  inlinePolicies: Record<string, object>;
  attachedPolicyArns: string[];
}

/** `count` unrelated roles, a quarter of them under service-role paths, half with an inline policy. */
export function unrelatedRoles(count: number): UnrelatedRole[] {
  return Array.from({ length: count }, (_, i): UnrelatedRole => ({
    roleName: `other-team-role-${String(i).padStart(5, '0')}`,
    path: i % 4 === 0 ? '/service-role/' : '/',
    tags: { team: `other-${i % 7}` },
    inlinePolicies:
      i % 2 === 0
        ? {
            logs: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' }],
            },
          }
        : {},
    attachedPolicyArns: i % 3 === 0 ? ['arn:aws:iam::aws:policy/ReadOnlyAccess'] : [],
  }));
}
