// Observed state for one plan: reads IAM (roles, OIDC providers) and every managed cluster at the
// same time, asking only for what the desired state names plus what carries our ownership marks.
import type { IAMClient } from '@aws-sdk/client-iam';
import { readOidcProviders } from '../aws/read-oidc-providers.js';
import { readRoles, type RoleReadStrategy } from '../aws/read-roles.js';
import type { DesiredState } from '../desired/types.js';
import type { KubeTarget } from '../kube/client.js';
import type { ServiceAccountKey } from '../kube/read-service-accounts.js';
import type { CallObserver } from '../support/concurrency.js';
import { trustedServiceAccounts, type TrustedServiceAccount } from './trusted-subjects.js';
import type { ObservedState } from '../observed/types.js';

export interface ReadStats {
  /** `list-roles` means GetAccountAuthorizationDetails was denied: owner-tagged roles outside the role path are not seen. */
  iamStrategy: RoleReadStrategy;
  /** IAM requests sent (the SDK's own retries excluded). */
  iamCalls: number;
  iamCallsByOperation: Record<string, number>;
  /** Kubernetes requests sent per cluster key (retries included). */
  kubeCalls: Record<string, number>;
}

export interface ObserveInput {
  iam: IAMClient;
  /** Clients for the clusters whose ServiceAccounts we manage, by cluster key. */
  kube: Map<string, KubeTarget>;
  desired: DesiredState;
  rolePath: string;
  /** Per-resource reads in flight per service (default 8). */
  concurrency?: number;
}

export async function observeState(input: ObserveInput): Promise<ObservedState & { stats: ReadStats }> {
  const { desired, concurrency } = input;
  const iamCallsByOperation: Record<string, number> = {};
  const countIam: CallObserver = (op) => {
    iamCallsByOperation[op] = (iamCallsByOperation[op] ?? 0) + 1;
  };
  const kubeCalls: Record<string, number> = {};
  // The Kubernetes readers are loaded only when a cluster's ServiceAccounts are managed.
  const kube = input.kube.size ? await import('../kube/read-service-accounts.js') : undefined;

  const [roleRead, oidcProviders, clusters] = await Promise.all([
    readRoles(input.iam, {
      roleNames: desired.roles.map((r) => r.name),
      rolePath: input.rolePath,
      concurrency,
      onCall: countIam,
    }),
    readOidcProviders(
      input.iam,
      desired.oidcProviders.map((p) => p.url),
      { concurrency, onCall: countIam },
    ),
    Promise.all(
      [...input.kube].map(([key, target]) => {
        const wanted: ServiceAccountKey[] = desired.serviceAccounts
          .filter((sa) => sa.cluster === key)
          .map((sa) => ({ namespace: sa.namespace, name: sa.name }));
        kubeCalls[key] = 0;
        return kube!.readCluster(target, wanted, [...new Set(wanted.map((w) => w.namespace))], {
          concurrency,
          onCall: () => {
            kubeCalls[key] += 1;
          },
        });
      }),
    ),
  ]);

  // ServiceAccounts our roles trust that neither the label list nor the file's GETs returned: ones we
  // annotated (never labelled) and that have left the file. Usually none, so usually no call.
  const trusted = trustedServiceAccounts(roleRead.roles, desired.clusters, desired.owner);
  const wanted = new Set(desired.serviceAccounts.map(saKey));
  await Promise.all(
    clusters.map(async (cluster) => {
      const target = input.kube.get(cluster.key);
      const seen = new Set(cluster.serviceAccounts.map((sa) => `${sa.namespace}/${sa.name}`));
      const missing = trusted.filter(
        (t) => t.cluster === cluster.key && !seen.has(`${t.namespace}/${t.name}`) && !wanted.has(saKey(t)),
      );
      if (!target || missing.length === 0) return;
      const more = await kube!.readServiceAccounts(target, missing, {
        concurrency,
        onCall: () => {
          kubeCalls[cluster.key] += 1;
        },
      });
      cluster.serviceAccounts = [...cluster.serviceAccounts, ...more].sort((a, b) =>
        compareKeys(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`),
      );
    }),
  );

  return {
    roles: roleRead.roles,
    oidcProviders,
    providerTrust: roleRead.providerTrust,
    clusters: clusters.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    stats: {
      iamStrategy: roleRead.strategy,
      iamCalls: Object.values(iamCallsByOperation).reduce((a, b) => a + b, 0),
      iamCallsByOperation,
      kubeCalls,
    },
  };
}

/** The file's own ServiceAccounts were already looked up (a 404 there means absent). */
function saKey(sa: TrustedServiceAccount): string {
  return `${sa.cluster}/${sa.namespace}/${sa.name}`;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
