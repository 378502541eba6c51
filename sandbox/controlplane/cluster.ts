// A Control Plane managed cluster with a reachable API: an https Kubernetes emulator that accepts
// the Control Plane token as its bearer token (as an mk8s cluster does), registered in the Control
// Plane emulator with its URL as status.serverUrl and its test CA as the -cacerts bundle. Shared by
// the safety suites and the Control Plane plan/apply test.
import { KubeEmulator } from '../kube/emulator.js';
import type { ControlPlaneEmulator } from './emulator.js';
import type { ClusterInput, StoredCluster } from './state.js';

export interface ControlPlaneClusterOptions extends Omit<ClusterInput, 'serverUrl' | 'caPem' | 'addOn'> {
  /** Bearer token the cluster's API accepts: normally the Control Plane token. */
  kubeToken: string;
  /** Namespaces that exist at start (default: the emulator's). */
  namespaces?: string[];
  /** Default true. */
  addOn?: boolean;
  /** CA bundle `-cacerts` returns instead of the one that signed the server certificate. */
  caPem?: string;
  /** Sign the cluster's ServiceAccount tokens as `oidcProviderUrl` (so STS can verify them). */
  signAsIssuer?: boolean;
}

export interface ControlPlaneCluster {
  kube: KubeEmulator;
  cluster: StoredCluster;
}

/** Starts the cluster's https API server and registers the cluster; stop `kube` when done. */
export async function startControlPlaneCluster(
  controlPlane: ControlPlaneEmulator,
  options: ControlPlaneClusterOptions,
): Promise<ControlPlaneCluster> {
  const { kubeToken, namespaces, addOn, caPem, signAsIssuer, ...input } = options;
  const issuer = signAsIssuer ? input.oidcProviderUrl : undefined;
  const kube = new KubeEmulator({ token: kubeToken, https: true, namespaces, issuer });
  await kube.start();
  const cluster = controlPlane.addCluster({
    ...input,
    serverUrl: kube.url,
    caPem: caPem ?? kube.caPem!,
    addOn: addOn ?? true,
  });
  return { kube, cluster };
}
