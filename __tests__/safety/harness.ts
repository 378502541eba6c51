// Shared set-up for the safety suites: an IAM+STS emulator, Kubernetes emulators (one per kubeconfig
// context, plus an https one behind a Control Plane cluster), a Control Plane emulator, a kubeconfig
// file, and the environment that points the real CLI at all of them. Every credential is a unique,
// recognisable secret so the secret-hygiene suite can search every output for it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startControlPlaneCluster } from '../../sandbox/controlplane/cluster.js';
import { ControlPlaneEmulator } from '../../sandbox/controlplane/emulator.js';
import { IamEmulator } from '../../sandbox/iam/emulator.js';
import { KubeEmulator, kubeconfigFor } from '../../sandbox/kube/emulator.js';

/** Seeded credentials: none of them may ever appear in anything the product writes. */
export const SECRETS = {
  kubeToken: 'kube-tok-SEEDED-SECRET-7f3a9c1e5b2d48a6',
  controlPlaneToken: 'cpln-tok-SEEDED-SECRET-2c8e4f6a1b3d5e7f',
  awsSecretAccessKey: 'aws-sak-SEEDED-SECRET-9d7b5a3c1e2f4a6b8c0d',
  awsSessionToken: 'aws-sts-SEEDED-SECRET-4b6d8f0a2c4e6a8b',
  githubToken: 'ghs_SEEDEDSECRET0a1b2c3d4e5f6a7b8c9d0e1f2a',
} as const;

export const CONTROL_PLANE_ORG = 'acme';
export const CONTROL_PLANE_CLUSTER = 'prod';
export const CONTROL_PLANE_ISSUER = 'https://oidc.cpln.io/5f0e2a1c-0000-4000-8000-00000000cafe';

export interface SafetySandbox {
  iam: IamEmulator;
  /** By kubeconfig context. */
  kube: Map<string, KubeEmulator>;
  /** The https API server of the Control Plane cluster acme/prod (token: the Control Plane token). */
  controlPlaneKube: KubeEmulator;
  controlPlane: ControlPlaneEmulator;
  dir: string;
  kubeconfigPath: string;
  /** AWS endpoints and credentials, KUBECONFIG, CPLN_ENDPOINT and CPLN_TOKEN. */
  env: Record<string, string>;
  /** Requests every emulator has counted. */
  totalCalls(): number;
  resetCounters(): void;
  stop(): Promise<void>;
}

interface KubeconfigDoc {
  clusters: unknown[];
  users: unknown[];
  contexts: unknown[];
}

export async function startSafetySandbox(
  options: { contexts?: string[]; namespaces?: string[] } = {},
): Promise<SafetySandbox> {
  const contexts = options.contexts ?? ['prod-us'];
  const namespaces = ['default', 'kube-system', 'kube-public', ...(options.namespaces ?? [])];
  const iam = new IamEmulator();
  await iam.start();
  const kube = new Map<string, KubeEmulator>();
  const merged: KubeconfigDoc = { clusters: [], users: [], contexts: [] };
  for (const context of contexts) {
    const emulator = new KubeEmulator({ token: SECRETS.kubeToken, namespaces });
    await emulator.start();
    kube.set(context, emulator);
    const doc = parse(kubeconfigFor(emulator, { context })) as KubeconfigDoc;
    merged.clusters.push(...doc.clusters);
    merged.users.push(...doc.users);
    merged.contexts.push(...doc.contexts);
  }
  const controlPlane = new ControlPlaneEmulator({
    tokens: { [SECRETS.controlPlaneToken]: [CONTROL_PLANE_ORG] },
  });
  await controlPlane.start();
  const { kube: controlPlaneKube } = await startControlPlaneCluster(controlPlane, {
    org: CONTROL_PLANE_ORG,
    name: CONTROL_PLANE_CLUSTER,
    oidcProviderUrl: CONTROL_PLANE_ISSUER,
    kubeToken: SECRETS.controlPlaneToken,
    namespaces,
  });

  const dir = mkdtempSync(join(tmpdir(), 'wib-safety-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfigPath,
    stringify({ apiVersion: 'v1', kind: 'Config', ...merged, 'current-context': contexts[0] }),
    { mode: 0o600 },
  );
  const env: Record<string, string> = {
    AWS_ENDPOINT_URL_IAM: iam.url,
    AWS_ENDPOINT_URL_STS: iam.url,
    AWS_ACCESS_KEY_ID: 'AKIASAFETYSANDBOX0001',
    AWS_SECRET_ACCESS_KEY: SECRETS.awsSecretAccessKey,
    AWS_SESSION_TOKEN: SECRETS.awsSessionToken,
    AWS_REGION: 'us-east-1',
    KUBECONFIG: kubeconfigPath,
    CPLN_ENDPOINT: controlPlane.url,
    CPLN_TOKEN: SECRETS.controlPlaneToken,
  };
  const servers = () => [
    iam.server,
    ...[...kube.values()].map((k) => k.server),
    controlPlaneKube.server,
    controlPlane,
  ];
  return {
    iam,
    kube,
    controlPlaneKube,
    controlPlane,
    dir,
    kubeconfigPath,
    env,
    totalCalls: () => servers().reduce((sum, server) => sum + server.totalCalls(), 0),
    resetCounters: () => servers().forEach((server) => server.resetCounters()),
    async stop() {
      await Promise.all(servers().map((server) => server.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Sets variables in process.env (the AWS SDK and client-node read it there, not from the CLI's
 * io.env) and returns a function that restores the previous values. AWS_PROFILE and friends are
 * removed so a developer's own configuration cannot leak into a test.
 */
export function setProcessEnv(env: Record<string, string>): () => void {
  const keys = [...Object.keys(env), 'AWS_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_DEFAULT_REGION'];
  const previous = new Map(keys.map((key) => [key, process.env[key]]));
  for (const key of keys) delete process.env[key];
  Object.assign(process.env, env);
  return () => {
    for (const [key, value] of previous) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
