// One benchmark environment: the IAM/STS emulator and one https Kubernetes emulator per cluster,
// seeded directly through their state APIs (no HTTP), a kubeconfig with a context per cluster and
// a bindings file on disk, plus the environment variables that point the real CLI at all of it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { OperationCount } from '../sandbox/core/server.js';
import { IamEmulator } from '../sandbox/iam/index.js';
import { KubeEmulator, kubeconfigFor } from '../sandbox/kube/emulator.js';
import {
  BENCH_ACCOUNT_ID,
  BENCH_CLUSTERS,
  generateWorkload,
  unrelatedRoles,
  type Workload,
  type WorkloadOptions,
} from './workload.js';

export interface BenchEnvironment {
  iam: IamEmulator;
  /** By cluster key. */
  kube: Map<string, KubeEmulator>;
  workload: Workload;
  dir: string;
  bindingsPath: string;
  kubeconfigPath: string;
  /** Everything a child process needs to reach the emulators (and nothing else). */
  env: NodeJS.ProcessEnv;
  resetCounters(): void;
  counters(): EnvironmentCounters;
  stop(): Promise<void>;
}

export interface EnvironmentCounters {
  iam: OperationCount[];
  /** Kubernetes operations summed over every cluster. */
  kube: OperationCount[];
}

const KUBE_KINDS = (kube: Map<string, KubeEmulator>): OperationCount[] => {
  const sum = new Map<string, OperationCount>();
  for (const emulator of kube.values()) {
    for (const c of emulator.server.counters()) {
      const entry = sum.get(c.operation) ?? { operation: c.operation, mutating: c.mutating, count: 0 };
      entry.count += c.count;
      sum.set(c.operation, entry);
    }
  }
  return [...sum.values()].sort((a, b) => a.operation.localeCompare(b.operation));
};

/** Starts the emulators for N bindings with `unrelated` roles already in the account. */
export async function startEnvironment(
  n: number,
  unrelated: number,
  options: WorkloadOptions = {},
): Promise<BenchEnvironment> {
  const workload = generateWorkload(n, options);
  const dir = await mkdtemp(join(tmpdir(), `wib-bench-${n}-`));
  // Real IAM allows 1,000 roles per account by default and up to 5,000 on request; the bench
  // accounts hold N + `unrelated` roles (3,000 at N = 1,000), so their quota is raised as a real
  // account's would be. The 10,000-binding headroom file is beyond any real account: there the
  // emulator's quota is raised past IAM's maximum, on purpose (a synthetic test of the tool).
  const iam = new IamEmulator({
    accountId: BENCH_ACCOUNT_ID,
    rolesQuota: Math.max(5000, n + unrelated),
  });
  const kube = new Map(BENCH_CLUSTERS.map((c) => [c.key, new KubeEmulator({ https: true })]));
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    await iam.start();
    started.push(iam);
    for (const emulator of kube.values()) {
      await emulator.start();
      started.push(emulator);
      for (const ns of workload.namespaces) emulator.seedNamespace(ns);
    }
    for (const role of unrelatedRoles(unrelated)) iam.seedRole(role);

    const bindingsPath = join(dir, 'workload-identity.yaml');
    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeFile(bindingsPath, workload.text);
    await writeFile(kubeconfigPath, mergedKubeconfig(kube));
    const env: NodeJS.ProcessEnv = { ...awsEnv(iam.url, dir), KUBECONFIG: kubeconfigPath, NO_COLOR: '1' };
    return {
      iam,
      kube,
      workload,
      dir,
      bindingsPath,
      kubeconfigPath,
      env,
      resetCounters: () => {
        iam.server.resetCounters();
        for (const emulator of kube.values()) emulator.server.resetCounters();
      },
      counters: () => ({ iam: iam.server.counters(), kube: KUBE_KINDS(kube) }),
      stop: async () => {
        await Promise.all(started.map((s) => s.stop()));
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** What a child process needs to reach the IAM/STS emulator at `url`, and nothing else. */
export function awsEnv(url: string, home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ACCESS_KEY_ID: 'AKIABENCHEMULATOR000',
    AWS_SECRET_ACCESS_KEY: 'bench-emulator-secret',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_IAM: url,
    AWS_ENDPOINT_URL_STS: url,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** One kubeconfig with a context per bench cluster (each emulator's own kubeconfig, merged). */
function mergedKubeconfig(kube: Map<string, KubeEmulator>): string {
  const merged = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [] as unknown[],
    users: [] as unknown[],
    contexts: [] as unknown[],
    'current-context': '',
  };
  for (const cluster of BENCH_CLUSTERS) {
    const emulator = kube.get(cluster.key)!;
    const one = parse(kubeconfigFor(emulator, { context: cluster.context })) as {
      clusters: unknown[];
      users: unknown[];
      contexts: unknown[];
    };
    merged.clusters.push(...one.clusters);
    merged.users.push(...one.users);
    merged.contexts.push(...one.contexts);
  }
  merged['current-context'] = BENCH_CLUSTERS[0].context;
  return stringify(merged);
}
