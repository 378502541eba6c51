// "Workloads to restart" end to end, in process, against the local sandbox through the CLI: which
// workloads the plan lists for a ServiceAccount whose role annotation is created or changed, how
// many list calls it costs (one per kind per cluster; none for a plan without such a change), the
// RBAC fallback, the text/Markdown/JSON plans, the apply result's kubectl lines, and
// `restart: rollout` patching the pod templates after apply.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/main.js';
import type { Plan } from '../../src/plan/types.js';
import type { KubeEmulator, WorkloadSeed } from '../../sandbox/kube/emulator.js';
import { startLocalSandbox, type LocalSandbox } from '../../sandbox/local.js';
import { captureIo } from '../cli/io.js';
import { setProcessEnv } from '../safety/harness.js';

const ACCOUNT = '123456789012';
const KINDS = ['deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'pods'];
let sandbox: LocalSandbox;
let prod: KubeEmulator;
let dir: string;
let path: string;
let restoreEnv = (): void => undefined;

const WORKLOADS: WorkloadSeed[] = [
  { resource: 'deployments', namespace: 'apps', name: 'web', serviceAccountName: 'orders' },
  { resource: 'statefulsets', namespace: 'apps', name: 'db', serviceAccountName: 'orders' },
  { resource: 'daemonsets', namespace: 'apps', name: 'agent' }, // runs as "default": not ours
  { resource: 'cronjobs', namespace: 'apps', name: 'nightly', serviceAccountName: 'orders' },
  {
    resource: 'jobs',
    namespace: 'apps',
    name: 'nightly-29000000',
    serviceAccountName: 'orders',
    ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', controller: true }],
  },
  { resource: 'jobs', namespace: 'apps', name: 'migrate', serviceAccountName: 'orders' },
  { resource: 'pods', namespace: 'apps', name: 'debug', serviceAccountName: 'orders' },
  {
    resource: 'pods',
    namespace: 'apps',
    name: 'web-7d9f-abcde',
    serviceAccountName: 'orders',
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f', controller: true }],
  },
  // Same ServiceAccount name, other namespace: another ServiceAccount.
  { resource: 'deployments', namespace: 'other', name: 'web', serviceAccountName: 'orders' },
];

beforeAll(async () => {
  sandbox = await startLocalSandbox({ contexts: ['prod'], namespaces: ['apps', 'other'] });
  prod = sandbox.kube.get('prod')!;
  restoreEnv = setProcessEnv(sandbox.env as Record<string, string>);
  dir = mkdtempSync(join(tmpdir(), 'wib-restarts-'));
  path = join(dir, 'workload-identity.yaml');
  for (const seed of WORKLOADS) prod.seedWorkload(seed);
});
afterAll(async () => {
  restoreEnv();
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

function writeFile(role: string, extra: Record<string, unknown> = {}): void {
  writeFileSync(
    path,
    stringify({
      version: 1,
      owner: 'acme/restarts',
      aws: { accountId: ACCOUNT },
      clusters: { prod: { issuer: 'https://oidc.prod.example.com/id/P1', kubernetes: { context: 'prod' } } },
      bindings: [
        { role, serviceAccounts: [{ cluster: 'prod', namespace: 'apps', name: 'orders' }], ...extra },
      ],
    }),
  );
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(sandbox.env);
  const code = await runCli(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const workloadLists = (): number => KINDS.reduce((n, kind) => n + prod.server.count(`list ${kind}`), 0);
const restartedAt = (resource: 'deployments' | 'statefulsets', name: string): string | undefined =>
  (
    prod.getWorkload(resource, 'apps', name) as {
      spec: { template: { metadata: { annotations?: Record<string, string> } } };
    }
  ).spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'];

const EXPECTED_GROUP = {
  address: 'service-account.prod/apps/orders',
  cluster: 'prod',
  namespace: 'apps',
  serviceAccount: 'orders',
  context: 'prod',
  workloads: [
    { kind: 'Deployment', name: 'web' },
    { kind: 'StatefulSet', name: 'db' },
    { kind: 'CronJob', name: 'nightly' },
    { kind: 'Job', name: 'migrate' },
    { kind: 'Pod', name: 'debug' },
  ],
};

test('a created ServiceAccount: its workloads, one list per kind, in text, Markdown and JSON', async () => {
  writeFile('orders');
  prod.server.resetCounters();
  const text = await cli('plan', '--file', path, '--no-color');
  expect(text.err).toBe('');
  for (const kind of KINDS) expect(prod.server.count(`list ${kind}`)).toBe(1);
  expect(text.out).toContain(
    [
      'Workloads to restart:',
      '  Pods read the role annotation only when they start: these keep no role, or the old one, until restarted.',
      '  service-account.prod/apps/orders (ServiceAccount created):',
      '      deployment/web   kubectl --context prod -n apps rollout restart deployment/web',
      '      statefulset/db   kubectl --context prod -n apps rollout restart statefulset/db',
      '      cronjob/nightly  no restart needed: its next run starts pods with the new role (a running job keeps the old one)',
      '      job/migrate      must be re-created: a Job never replaces its running pods',
      '      pod/debug        must be re-created: a bare Pod is never replaced',
    ].join('\n'),
  );

  const json = await cli('plan', '--file', path, '--format', 'json');
  const plan = JSON.parse(json.out) as Plan;
  expect(plan.restarts).toEqual([{ ...EXPECTED_GROUP, change: 'created' }]);

  const markdown = await cli('plan', '--file', path, '--format', 'markdown');
  expect(markdown.out).toContain('#### 🔄 Workloads to restart');
  expect(markdown.out).toContain(
    '| `service-account.prod/apps/orders` | ServiceAccount created | `deployment/web` | `kubectl --context prod -n apps rollout restart deployment/web` |',
  );
});

test('apply repeats the list with the commands; a plan with no annotation change reads no workload', async () => {
  writeFile('orders');
  const applied = await cli('apply', '--file', path, '--auto-approve');
  expect(applied.code).toBe(0);
  expect(applied.out).toMatch(/Apply complete! .*\n\nWorkloads to restart:\n/);
  expect(applied.out).toContain(
    '      deployment/web   kubectl --context prod -n apps rollout restart deployment/web',
  );
  // Listed, not restarted: the binding does not ask for it.
  expect(restartedAt('deployments', 'web')).toBeUndefined();

  prod.server.resetCounters();
  const again = await cli('plan', '--file', path, '--format', 'json');
  expect((JSON.parse(again.out) as Plan).restarts).toBeUndefined();
  expect(workloadLists()).toBe(0);
});

test('restart: rollout restarts Deployments and StatefulSets after apply when the role changes', async () => {
  writeFile('orders-v2', { restart: 'rollout' });
  const plan = JSON.parse((await cli('plan', '--file', path, '--format', 'json')).out) as Plan;
  expect(plan.restarts).toEqual([{ ...EXPECTED_GROUP, change: 'changed', restart: 'rollout' }]);
  const applied = await cli('apply', '--file', path, '--auto-approve');
  expect(applied.err).toBe('');
  expect(applied.code).toBe(0);
  expect(applied.out).toContain(
    '  service-account.prod/apps/orders (role annotation changed; restart: rollout):',
  );
  expect(applied.out).toContain('      deployment/web   restarted (kubectl.kubernetes.io/restartedAt set)');
  expect(applied.out).toContain(
    '      job/migrate      must be re-created: a Job never replaces its running pods',
  );
  expect(restartedAt('deployments', 'web')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(restartedAt('statefulsets', 'db')).toBeDefined();
  expect(prod.server.count('patch deployment (strategic)')).toBe(1);
  expect(prod.server.count('patch statefulset (strategic)')).toBe(1);
  // The other namespace's Deployment runs as another ServiceAccount.
  expect(
    (prod.getWorkload('deployments', 'other', 'web') as { spec: { template: { metadata: object } } }).spec
      .template.metadata,
  ).not.toHaveProperty('annotations');
});

test('a forbidden cluster-wide list falls back to the plan namespaces and says so', async () => {
  writeFile('orders-v3');
  prod.denyRequests([{ verb: 'list', resource: 'deployments', scope: 'cluster' }]);
  prod.server.resetCounters();
  try {
    const json = await cli('plan', '--file', path, '--format', 'json');
    const plan = JSON.parse(json.out) as Plan;
    expect(plan.restarts?.[0].workloads).toContainEqual({ kind: 'Deployment', name: 'web' });
    expect(plan.warnings).toContainEqual({
      code: 'workloads-partial-read',
      message:
        'cluster "prod": listing deployments in all namespaces is forbidden, so they were listed in the plan\'s namespaces only (apps): one call per namespace instead of one per kind. Grant "list" on them cluster-wide (README, Kubernetes permissions).',
    });
    // One refused cluster-wide list, then one list in "apps".
    expect(prod.server.count('list deployments')).toBe(2);
  } finally {
    prod.denyRequests([]);
  }
});

test('a kind that cannot be listed at all is a warning, never an empty answer', async () => {
  writeFile('orders-v4');
  prod.denyRequests([{ verb: 'list', resource: 'pods' }]);
  try {
    const plan = JSON.parse((await cli('plan', '--file', path, '--format', 'json')).out) as Plan;
    expect(plan.restarts?.[0].workloads).not.toContainEqual({ kind: 'Pod', name: 'debug' });
    expect(plan.warnings).toContainEqual({
      code: 'workloads-partial-read',
      message:
        'cluster "prod": list pods in namespace "apps" is forbidden, so Pods there that need a restart are not shown. Grant "list" on them (README, Kubernetes permissions).',
    });
  } finally {
    prod.denyRequests([]);
  }
});
