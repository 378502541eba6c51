// The built-in local sandbox: an IAM+STS emulator and one Kubernetes emulator per context, plus the
// environment that points the real CLI (or action) at them. Used by the demo and the benchmark.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify, parse } from 'yaml';
import { IamEmulator } from './iam/emulator.js';
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

export async function startLocalSandbox(options: {
  contexts: string[];
  namespaces?: string[];
}): Promise<LocalSandbox> {
  const iam = new IamEmulator();
  await iam.start();
  const kube = new Map<string, KubeEmulator>();
  const merged: KubeconfigDoc = { clusters: [], users: [], contexts: [] };
  for (const context of options.contexts) {
    const emulator = new KubeEmulator({
      namespaces: ['default', 'kube-system', 'kube-public', ...(options.namespaces ?? [])],
    });
    await emulator.start();
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
