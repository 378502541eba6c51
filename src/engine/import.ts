// `import` orchestration: read the account's IRSA-style roles (within the plan's read budget), the
// Control Plane issuers asked for, and the ServiceAccounts of the clusters given a kube context;
// turn them into a bindings file (src/import, pure) and say what does not line up.
import { readImportCandidates } from '../aws/read-import.js';
import { importBindings, type ImportCluster, type ImportedFile } from '../import/bindings.js';
import { renderImportedFile } from '../import/render.js';
import { serviceAccountNotes } from '../import/service-accounts.js';
import type { ObservedServiceAccount } from '../observed/types.js';
import type { CallObserver } from '../support/concurrency.js';
import type { Session } from './session.js';

export type ClusterSpec =
  | { key: string; issuer: string; context?: string }
  | { key: string; controlPlane: { org: string; cluster: string }; context?: string };

export interface ImportRequest {
  /** Undefined: one cluster per issuer the roles trust (IAM only). */
  clusters?: ClusterSpec[];
  owner?: string;
  rolePath?: string;
  namePattern?: string;
  /** Kubeconfig YAML; default KUBECONFIG / ~/.kube/config. */
  kubeconfigText?: string;
  onCall?: CallObserver;
}

export type ImportResult = { imported: ImportedFile; text: string } | { error: string };

export async function runImport(session: Session, request: ImportRequest): Promise<ImportResult> {
  const clusters = request.clusters
    ? await Promise.all(request.clusters.map((c) => resolveImportCluster(session, c)))
    : undefined;
  const read = await readImportCandidates(session.aws.iam, { onCall: request.onCall });
  const imported = importBindings({
    roles: read.roles,
    clusters,
    owner: request.owner,
    rolePath: request.rolePath,
    namePattern: request.namePattern,
  });
  if ('error' in imported) return imported;

  const withKube = imported.clusters.filter((c) => c.kubernetes !== false);
  const observed = new Map<string, ObservedServiceAccount[]>();
  if (withKube.length) {
    // The Kubernetes client is loaded only when a cluster was given a context (see engine/session.ts).
    const { kubeTargetFromConfig, loadKubeConfig } = await import('../kube/client.js');
    const { listAllServiceAccounts } = await import('../kube/read-service-accounts.js');
    const config = loadKubeConfig({ kubeconfigText: request.kubeconfigText });
    await Promise.all(
      withKube.map(async (c) => {
        const context = c.kubernetes === false ? undefined : c.kubernetes.context;
        observed.set(c.key, await listAllServiceAccounts(kubeTargetFromConfig(c.key, config, context)));
      }),
    );
  }
  const notes = serviceAccountNotes(imported, read.roles, observed);
  return { imported, text: renderImportedFile(imported, { serviceAccountNotes: notes }) };
}

async function resolveImportCluster(session: Session, spec: ClusterSpec): Promise<ImportCluster> {
  const kubernetes = spec.context !== undefined ? { context: spec.context } : false;
  if ('issuer' in spec) return { key: spec.key, issuer: spec.issuer.replace(/\/+$/, ''), kubernetes };
  const { org, cluster } = spec.controlPlane;
  const token = session.controlPlane.token;
  if (!token)
    throw new Error(
      `--cluster ${spec.key}=controlPlane:${org}/${cluster} needs a Control Plane token: set CPLN_TOKEN`,
    );
  const { getMk8sCluster } = await import('../controlplane/client.js');
  const found = await getMk8sCluster({ ...session.controlPlane, token }, org, cluster);
  const url = found.awsWorkloadIdentity?.providerUrl ?? found.oidcProviderUrl;
  if (!url)
    throw new Error(
      `Control Plane cluster ${org}/${cluster} reports no OIDC issuer: enable the AWS Workload Identity add-on (spec.addOns.awsWorkloadIdentity)`,
    );
  const issuer = (/^https:\/\//i.test(url) ? url : `https://${url}`).replace(/\/+$/, '');
  return { key: spec.key, issuer, controlPlane: { org, cluster }, kubernetes };
}
