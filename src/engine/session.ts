// One run's connections: AWS clients, the Control Plane access and a Kubernetes client per managed
// cluster. Built once, reused by plan and apply, closed at the end.
import {
  createAwsClients,
  destroyAwsClients,
  type AwsClients,
  type AwsClientOptions,
} from '../aws/clients.js';
import {
  DEFAULT_CPLN_ENDPOINT,
  getMk8sCaCerts,
  type ControlPlaneAccess,
  type Mk8sCluster,
} from '../controlplane/client.js';
import type { ResolvedCluster } from '../desired/types.js';
import {
  kubeTargetFromConfig,
  kubeTargetFromToken,
  loadKubeConfig,
  type KubeTarget,
} from '../kube/client.js';
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
  private readonly kubeconfigText?: string;
  private kubeconfig?: KubeConfig;

  constructor(options: SessionOptions = {}) {
    this.aws = createAwsClients(options.aws);
    this.controlPlane = {
      endpoint: options.controlPlaneEndpoint || DEFAULT_CPLN_ENDPOINT,
      token: options.controlPlaneToken || undefined,
    };
    this.kubeconfigText = options.kubeconfigText;
  }

  /** Kubernetes clients for the clusters whose ServiceAccounts we manage (CA fetches run concurrently). */
  async kubeTargets(
    clusters: ResolvedCluster[],
    controlPlaneClusters: Map<string, Mk8sCluster>,
  ): Promise<Map<string, KubeTarget>> {
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
          const ca = await getMk8sCaCerts(
            { ...this.controlPlane, token },
            k.controlPlane.org,
            k.controlPlane.cluster,
          );
          return [
            cluster.key,
            kubeTargetFromToken(cluster.key, found.serverUrl, ca, token.replace(/^bearer\s+/i, '')),
          ];
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
