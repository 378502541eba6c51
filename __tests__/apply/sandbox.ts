// The real pipeline against the emulators, for apply's end-to-end tests: bindings YAML → loader →
// resolved clusters → compiled desired state → observed state (real SDK and client-node) → plan,
// and apply through the same clients.
import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import { stringify } from 'yaml';
import { applyPlan, type ApplyOptions } from '../../src/apply/executor.js';
import type { ApplyReport } from '../../src/apply/types.js';
import { loadBindingsText } from '../../src/bindings/load.js';
import { compileDesiredState } from '../../src/desired/compile.js';
import { resolveClusters } from '../../src/engine/resolve-clusters.js';
import { kubeTargetFromConfig, loadKubeConfig, type KubeTarget } from '../../src/kube/client.js';
import { observeState } from '../../src/engine/observe.js';
import { buildPlan } from '../../src/plan/plan.js';
import type { Plan, PlanConflict } from '../../src/plan/types.js';
import { positionConflicts } from '../../src/engine/plan.js';
import { IamEmulator, type IamEmulatorOptions } from '../../sandbox/iam/index.js';
import { KubeEmulator, kubeconfigFor } from '../../sandbox/kube/emulator.js';

export const OWNER = 'acme/platform-iam';
export const ISSUER = 'https://oidc.example.com/id/ABC';
export const ACCOUNT = '123456789012';

/** A bindings file as YAML: cluster `prod` (managed through the kube emulator) plus any extra clusters. */
export function bindingsYaml(
  bindings: object[],
  extra: { clusters?: Record<string, object>; aws?: object } = {},
): string {
  return stringify({
    version: 1,
    owner: OWNER,
    aws: { accountId: ACCOUNT, ...extra.aws },
    clusters: { prod: { issuer: ISSUER, kubernetes: { context: 'prod' } }, ...extra.clusters },
    bindings,
  });
}

export interface ApplySandbox {
  iamEmulator: IamEmulator;
  kubeEmulator: KubeEmulator;
  iam: IAMClient;
  kube: Map<string, KubeTarget>;
  /** Plans the YAML against the emulators; fails the test on conflicts. */
  plan(yaml: string): Promise<Plan>;
  /** Plans the YAML and returns the conflicts too, placed in the file as the engine places them. */
  planRun(yaml: string): Promise<{ plan: Plan; conflicts: PlanConflict[] }>;
  apply(plan: Plan, options?: ApplyOptions): Promise<ApplyReport>;
  stop(): Promise<void>;
}

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' };

export async function startSandbox(
  options: { iam?: IamEmulatorOptions; client?: Partial<IAMClientConfig> } = {},
): Promise<ApplySandbox> {
  const iamEmulator = new IamEmulator(options.iam);
  const kubeEmulator = new KubeEmulator();
  const endpoint = await iamEmulator.start();
  await kubeEmulator.start();
  const iam = new IAMClient({
    endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    retryMode: 'standard',
    maxAttempts: 3,
    ...options.client,
  });
  const kubeconfig = loadKubeConfig({ kubeconfigText: kubeconfigFor(kubeEmulator, { context: 'prod' }) });
  const kube = new Map([['prod', kubeTargetFromConfig('prod', kubeconfig, 'prod')]]);

  const planRun = async (yaml: string): Promise<{ plan: Plan; conflicts: PlanConflict[] }> => {
    const { file, diagnostics } = loadBindingsText(yaml, 'workload-identity.yaml');
    if (!file)
      throw new Error(`test bindings file is invalid:\n${diagnostics.map((d) => d.message).join('\n')}`);
    const { clusters } = await resolveClusters(file, { endpoint: 'https://api.cpln.invalid' });
    const desired = compileDesiredState(file, { accountId: ACCOUNT, clusters });
    const targets = new Map([...kube].filter(([key]) => desired.clusters.some((c) => c.key === key)));
    const observed = await observeState({ iam, kube: targets, desired, rolePath: file.aws.rolePath });
    const { plan: built, conflicts } = buildPlan({ desired, observed, bindingsFile: file.path });
    return { plan: built, conflicts: positionConflicts(conflicts, file) };
  };
  const plan = async (yaml: string): Promise<Plan> => {
    const { plan: built, conflicts } = await planRun(yaml);
    if (conflicts.length) throw new Error(`unexpected plan conflicts: ${JSON.stringify(conflicts)}`);
    return built;
  };

  return {
    iamEmulator,
    kubeEmulator,
    iam,
    kube,
    plan,
    planRun,
    apply: (p, applyOptions) => applyPlan(p, { iam, kube }, applyOptions),
    stop: async () => {
      iam.destroy();
      await Promise.all([iamEmulator.stop(), kubeEmulator.stop()]);
    },
  };
}

/** Sleeps nothing: for applies whose retries must not slow the test. */
export const noSleep = async (): Promise<void> => undefined;

export const tagsOf = (tags: Array<{ Key: string; Value: string }> | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));
