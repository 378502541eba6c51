// The built-in local sandbox: an IAM+STS emulator and one Kubernetes emulator per context, plus the
// environment that points the real CLI (or action) at them. Used by the demo and the benchmark.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify, parse } from 'yaml';
import { IamEmulator, type IamEmulatorOptions } from './iam/emulator.js';
import { KubeEmulator, kubeconfigFor } from './kube/emulator.js';

export interface LocalSandbox {
  iam: IamEmulator;
  kube: Map<string, KubeEmulator>;
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
 * under examples/ uses (except control-plane, which needs a Control Plane API), so each applies as is.
 */
export const DEFAULT_SANDBOX_CONTEXTS = ['prod', 'prod-us', 'prod-eu', 'dev'];
export const DEFAULT_SANDBOX_NAMESPACES = ['orders', 'web', 'api', 'jobs', 'ci'];

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
  };
  return {
    iam,
    kube,
    dir,
    kubeconfigPath,
    env,
    async stop() {
      await Promise.all([iam.stop(), ...[...kube.values()].map((k) => k.stop())]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
