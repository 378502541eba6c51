// Kubernetes clients per cluster, resolved as kubectl does: KUBECONFIG (or ~/.kube/config) and a
// named or current context; or, for Control Plane clusters, serverUrl + CA + token.
import { CoreV1Api, KubeConfig, type Cluster } from '@kubernetes/client-node';
import type { AgentOptions } from 'node:https';

export interface KubeTarget {
  /** Cluster key from the bindings file, used in messages. */
  cluster: string;
  api: CoreV1Api;
  /** Where the client points, for messages (never includes credentials). */
  server: string;
  /**
   * Where the server address, CA and token came from, for hints in messages: "the kubeconfig"
   * (default) or e.g. "Control Plane acme/prod (status.serverUrl, /-cacerts, CPLN_TOKEN)".
   */
  source?: string;
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
  poolConnections(kc);
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
  source?: string,
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
  poolConnections(kc);
  return { cluster, api: kc.makeApiClient(CoreV1Api), server, source };
}

/** The part of KubeConfig that poolConnections replaces: declared private, a method at run time. */
interface DispatcherFactory {
  createDispatcher?: (cluster: Cluster | null, agentOptions: AgentOptions) => unknown;
}

/**
 * Makes every request of this KubeConfig share one connection pool. client-node 2.0.1 builds a new
 * undici Agent for each request (KubeConfig.createDispatcher, called from
 * applySecurityAuthentication), so each request paid a TLS handshake and kept its own SecureContext
 * and socket alive: a 1,000-binding plan spent ~1.6 s of CPU in TLS set-up for its 1,334 GETs and
 * RSS grew with every one. Agents are cached by their TLS options (CA, client certificate and key,
 * verification, servername), so a credential that changes (an exec plugin's new client
 * certificate) still gets its own pool. If a later client-node drops the method, this does nothing.
 */
function poolConnections(kc: KubeConfig): void {
  const target = kc as unknown as DispatcherFactory;
  const create = target.createDispatcher;
  if (typeof create !== 'function') return;
  const pools = new Map<string, unknown>();
  target.createDispatcher = (cluster, agentOptions) => {
    const key = JSON.stringify(kc.createDispatcherOptions(cluster, agentOptions));
    if (!pools.has(key)) pools.set(key, create.call(kc, cluster, agentOptions));
    return pools.get(key);
  };
}
