// Kubernetes clients per cluster, resolved as kubectl does: KUBECONFIG (or ~/.kube/config) and a
// named or current context; or, for Control Plane clusters, serverUrl + CA + token.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';

export interface KubeTarget {
  /** Cluster key from the bindings file, used in messages. */
  cluster: string;
  api: CoreV1Api;
  /** Where the client points, for messages (never includes credentials). */
  server: string;
}

export interface KubeconfigSource {
  /** Kubeconfig YAML content (the action's `kubeconfig` input); else KUBECONFIG / ~/.kube/config. */
  kubeconfigText?: string;
}

export function loadKubeConfig(source: KubeconfigSource = {}): KubeConfig {
  const kc = new KubeConfig();
  if (source.kubeconfigText) kc.loadFromString(source.kubeconfigText);
  else kc.loadFromDefault();
  return kc;
}

/** A client for one context of a kubeconfig (undefined = the current context). */
export function kubeTargetFromConfig(cluster: string, base: KubeConfig, context?: string): KubeTarget {
  const kc = new KubeConfig();
  kc.loadFromString(base.exportConfig());
  const name = context ?? kc.getCurrentContext();
  if (!name || !kc.getContextObject(name)) {
    const known = kc.getContexts().map((c) => c.name);
    throw new Error(
      context
        ? `cluster "${cluster}": kubeconfig context "${context}" not found (contexts: ${known.join(', ') || 'none'}). Set clusters.${cluster}.kubernetes.context to one of them, or "kubernetes: false" to manage IAM only.`
        : `cluster "${cluster}": the kubeconfig has no current context. Set clusters.${cluster}.kubernetes.context, or "kubernetes: false" to manage IAM only.`,
    );
  }
  kc.setCurrentContext(name);
  return {
    cluster,
    api: kc.makeApiClient(CoreV1Api),
    server: kc.getCurrentCluster()?.server ?? '(unknown server)',
  };
}

/** A client from a server URL, CA bundle and bearer token (the Control Plane path). */
export function kubeTargetFromToken(
  cluster: string,
  server: string,
  caPem: string,
  token: string,
): KubeTarget {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: cluster, server, caData: Buffer.from(caPem).toString('base64'), skipTLSVerify: false },
    ],
    users: [{ name: 'workload-identity-bindings', token }],
    contexts: [{ name: cluster, cluster, user: 'workload-identity-bindings' }],
    currentContext: cluster,
  });
  return { cluster, api: kc.makeApiClient(CoreV1Api), server };
}
