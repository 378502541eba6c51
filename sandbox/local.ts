// The built-in local sandbox: an IAM+STS emulator and one Kubernetes emulator per context, optionally
// a Control Plane API emulator with one mk8s cluster, plus the environment that points the real CLI
// (or action) at them. Used by `npm run sandbox`, the demo and the benchmark.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify, parse } from 'yaml';
import { IamEmulator, type IamEmulatorOptions } from './iam/emulator.js';
import { KubeEmulator, kubeconfigFor } from './kube/emulator.js';
import { startControlPlaneCluster } from './controlplane/cluster.js';
import { ControlPlaneEmulator } from './controlplane/emulator.js';

export interface LocalSandbox {
  iam: IamEmulator;
  kube: Map<string, KubeEmulator>;
  /** The Control Plane API and its cluster's Kubernetes API, when started with `controlPlane: true`. */
  controlPlane?: { api: ControlPlaneEmulator; cluster: KubeEmulator };
  dir: string;
  kubeconfigPath: string;
  /** Environment for a child process: AWS endpoints, fake credentials, KUBECONFIG. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

interface KubeconfigDoc {
  clusters: unknown[];
  users: unknown[];
  contexts: unknown[];
  'current-context'?: string;
}

/** The issuers the examples give their kubeconfig contexts, so `verify` works on them out of the box. */
export const EXAMPLE_ISSUERS: Record<string, string> = {
  prod: 'https://oidc.example.com/id/ABC',
  'prod-us': 'https://oidc.us-east-1.example.com/id/US1',
  'prod-eu': 'https://oidc.eu-west-1.example.com/id/EU1',
  dev: 'https://oidc.dev.example.com/id/DEV',
};

/**
 * What `npm run sandbox` emulates by default: the kubeconfig contexts and namespaces every example
 * under examples/ uses, plus a Control Plane API with the mk8s cluster examples/control-plane names,
 * so each example applies as is.
 */
export const DEFAULT_SANDBOX_CONTEXTS = ['prod', 'prod-us', 'prod-eu', 'dev'];
export const DEFAULT_SANDBOX_NAMESPACES = ['orders', 'web', 'api', 'jobs', 'ci'];

/**
 * The sandbox's Control Plane: org `acme`, mk8s cluster `prod` (examples/control-plane), reached with
 * this token as CPLN_TOKEN — a stand-in for a service-account key, valid only against the emulator.
 */
export const SANDBOX_CONTROL_PLANE = {
  org: 'acme',
  cluster: 'prod',
  issuer: 'https://oidc.cpln.example.com/acme/prod',
  token: 'cpln-sandbox-service-account-key',
  /** The kubeconfig context that reaches the cluster's API with the token, for kubectl. */
  context: 'cpln-acme-prod',
  namespaces: ['apps'],
};

export async function startLocalSandbox(options: {
  contexts: string[];
  namespaces?: string[];
  /**
   * The ServiceAccount issuer each context's cluster signs tokens as (default: EXAMPLE_ISSUERS, else
   * the emulator's own URL). STS finds its discovery document and JWKS on that emulator.
   */
  issuers?: Record<string, string>;
  /** Options of the IAM+STS emulator (e.g. a clock ahead of the clusters'). */
  iam?: IamEmulatorOptions;
  /** Also start the Control Plane API with SANDBOX_CONTROL_PLANE's cluster (CPLN_ENDPOINT, CPLN_TOKEN). */
  controlPlane?: boolean;
}): Promise<LocalSandbox> {
  const iam = new IamEmulator(options.iam);
  await iam.start();
  const kube = new Map<string, KubeEmulator>();
  const merged: KubeconfigDoc = { clusters: [], users: [], contexts: [] };
  for (const context of options.contexts) {
    // https with the emulator's CA in the kubeconfig: kubectl (client-go) sends bearer tokens only
    // over TLS, and the README tells people to look at the sandbox with kubectl.
    const emulator = new KubeEmulator({
      https: true,
      namespaces: ['default', 'kube-system', 'kube-public', ...(options.namespaces ?? [])],
      issuer: (options.issuers ?? EXAMPLE_ISSUERS)[context],
    });
    await emulator.start();
    iam.routeIssuer(emulator.issuer, emulator.url, emulator.caPem);
    kube.set(context, emulator);
    const doc = parse(kubeconfigFor(emulator, { context })) as KubeconfigDoc;
    merged.clusters.push(...doc.clusters);
    merged.users.push(...doc.users);
    merged.contexts.push(...doc.contexts);
    merged['current-context'] ??= context;
  }
  let controlPlane: LocalSandbox['controlPlane'];
  if (options.controlPlane) {
    const cp = SANDBOX_CONTROL_PLANE;
    const api = new ControlPlaneEmulator({ tokens: { [cp.token]: [cp.org] } });
    await api.start();
    const { kube: cluster } = await startControlPlaneCluster(api, {
      org: cp.org,
      name: cp.cluster,
      oidcProviderUrl: cp.issuer,
      kubeToken: cp.token,
      namespaces: ['default', 'kube-system', 'kube-public', ...cp.namespaces],
      signAsIssuer: true,
    });
    iam.routeIssuer(cluster.issuer, cluster.url, cluster.caPem);
    controlPlane = { api, cluster };
    // Not the current context: the product reaches this cluster through Control Plane, kubectl here.
    const doc = parse(kubeconfigFor(cluster, { context: cp.context })) as KubeconfigDoc;
    merged.clusters.push(...doc.clusters);
    merged.users.push(...doc.users);
    merged.contexts.push(...doc.contexts);
  }
  const dir = mkdtempSync(join(tmpdir(), 'wib-sandbox-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, stringify({ apiVersion: 'v1', kind: 'Config', ...merged }), { mode: 0o600 });
  const env: NodeJS.ProcessEnv = {
    AWS_ENDPOINT_URL_IAM: iam.url,
    AWS_ENDPOINT_URL_STS: iam.url,
    AWS_ACCESS_KEY_ID: 'AKIDSANDBOX',
    AWS_SECRET_ACCESS_KEY: 'sandbox-secret',
    AWS_REGION: 'us-east-1',
    KUBECONFIG: kubeconfigPath,
    ...(controlPlane ? { CPLN_ENDPOINT: controlPlane.api.url, CPLN_TOKEN: SANDBOX_CONTROL_PLANE.token } : {}),
  };
  return {
    iam,
    kube,
    ...(controlPlane ? { controlPlane } : {}),
    dir,
    kubeconfigPath,
    env,
    async stop() {
      await Promise.all([
        iam.stop(),
        ...[...kube.values()].map((k) => k.stop()),
        ...(controlPlane ? [controlPlane.api.stop(), controlPlane.cluster.stop()] : []),
      ]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
