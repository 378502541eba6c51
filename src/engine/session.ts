// One run's connections: AWS clients, the Control Plane access and a Kubernetes client per managed
// cluster. Built once, reused by plan and apply, closed at the end.
import type { ManagedPolicyCache } from '../aws/check-managed-policies.js';
import {
  createAwsClients,
  destroyAwsClients,
  type AwsClients,
  type AwsClientOptions,
} from '../aws/clients.js';
import type { ControlPlaneAccess, Mk8sCluster } from '../controlplane/client.js';
import { bareToken, DEFAULT_CPLN_ENDPOINT } from '../controlplane/token.js';
import type { ResolvedCluster } from '../desired/types.js';
import type { KubeTarget } from '../kube/client.js';
import type { KubeConfig } from '@kubernetes/client-node';

export interface SessionOptions {
  /** Kubeconfig YAML (the action's input); default: KUBECONFIG / ~/.kube/config, loaded only if needed. */
  kubeconfigText?: string;
  controlPlaneToken?: string;
  controlPlaneEndpoint?: string;
  aws?: AwsClientOptions;
}

export class Session {
  readonly aws: AwsClients;
  readonly controlPlane: Omit<ControlPlaneAccess, 'token'> & { token?: string };
  /** Whether AWS managed policies exist, asked once per run (they are the same in every account). */
  readonly managedPolicies: ManagedPolicyCache = new Map();
  private readonly kubeconfigText?: string;
  private kubeconfig?: KubeConfig;
  /** CA bundles by `org/cluster`: fetched once per run even when several cluster keys share one. */
  private readonly caCerts = new Map<string, Promise<string>>();

  constructor(options: SessionOptions = {}) {
    this.aws = createAwsClients(options.aws);
    this.controlPlane = {
      endpoint: options.controlPlaneEndpoint || DEFAULT_CPLN_ENDPOINT,
      // Normalised once: the same bare token goes to Control Plane and, as bearer, to its clusters.
      token: bareToken(options.controlPlaneToken),
    };
    this.kubeconfigText = options.kubeconfigText;
  }

  /** Kubernetes clients for the clusters whose ServiceAccounts we manage (CA fetches run concurrently). */
  async kubeTargets(
    clusters: ResolvedCluster[],
    controlPlaneClusters: Map<string, Mk8sCluster>,
  ): Promise<Map<string, KubeTarget>> {
    // The Kubernetes client (and, for Control Plane clusters, the REST client) is loaded only when
    // the file manages ServiceAccounts: an IAM-only file (`kubernetes: false`) never parses it.
    if (clusters.every((c) => c.kubernetes === false)) return new Map();
    const { kubeTargetFromConfig, kubeTargetFromToken, loadKubeConfig } = await import('../kube/client.js');
    const controlPlaneClient = clusters.some((c) => c.kubernetes !== false && 'controlPlane' in c.kubernetes)
      ? await import('../controlplane/client.js')
      : undefined;
    const entries = await Promise.all(
      clusters.map(async (cluster): Promise<[string, KubeTarget] | undefined> => {
        const k = cluster.kubernetes;
        if (k === false) return undefined;
        if ('controlPlane' in k) {
          const found = controlPlaneClusters.get(cluster.key);
          if (!found?.serverUrl)
            throw new Error(
              `cluster "${cluster.key}": Control Plane reports no status.serverUrl for ${k.controlPlane.org}/${k.controlPlane.cluster}; set clusters.${cluster.key}.kubernetes.context, or "kubernetes: false" to manage IAM only.`,
            );
          const token = this.controlPlane.token!;
          const { org, cluster: name } = k.controlPlane;
          let ca = this.caCerts.get(`${org}/${name}`);
          if (!ca) {
            ca = controlPlaneClient!.getMk8sCaCerts({ ...this.controlPlane, token }, org, name);
            this.caCerts.set(`${org}/${name}`, ca);
          }
          const source = `Control Plane ${org}/${name} (status.serverUrl, GET /org/${org}/mk8s/${name}/-cacerts, the cpln-token / CPLN_TOKEN)`;
          return [cluster.key, kubeTargetFromToken(cluster.key, found.serverUrl, await ca, token, source)];
        }
        this.kubeconfig ??= loadKubeConfig({ kubeconfigText: this.kubeconfigText });
        return [cluster.key, kubeTargetFromConfig(cluster.key, this.kubeconfig, k.context)];
      }),
    );
    return new Map(entries.filter((e): e is [string, KubeTarget] => e !== undefined));
  }

  close(): void {
    destroyAwsClients(this.aws);
  }
}
