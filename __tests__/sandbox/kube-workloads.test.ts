// The Kubernetes emulator's workload kinds (apps/v1 Deployments, StatefulSets, DaemonSets; batch/v1
// Jobs, CronJobs; core/v1 Pods) checked with two real clients: kubectl (discovery, `get -A` with
// paging, `create`, `rollout restart`'s strategic merge patch) and this project's
// KubeWorkloadsClient over client-node's pipeline (lists across all namespaces and in one, paging,
// 403 and 404 shapes), plus raw HTTP for what neither client sends.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:https';
import { join } from 'node:path';
import { setHeaderOptions } from '@kubernetes/client-node/dist/middleware.js';
import { PatchStrategy } from '@kubernetes/client-node/dist/patch.js';
import { KubeEmulator, kubeconfigFor, type WorkloadSeed } from '../../sandbox/kube/emulator.js';
import { kubeTargetFromConfig, loadKubeConfig } from '../../src/kube/client.js';
import { kubeFailure } from '../../src/kube/errors.js';
import type { KubeWorkloadsApi } from '../../src/kube/workloads-api.js';

const KUBECTL = process.env.KUBECTL ?? 'kubectl';
const hasKubectl = spawnSync(KUBECTL, ['version', '--client'], { stdio: 'ignore' }).error === undefined;
const withKubectl = hasKubectl ? test : test.skip;

const emulator = new KubeEmulator({ https: true, token: 'workloads-test-token' });
let dir = '';
let kubeconfig = '';
let api: KubeWorkloadsApi;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectl(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: dir }, timeout: 20000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const SEEDS: WorkloadSeed[] = [
  { resource: 'deployments', namespace: 'team-a', name: 'web', serviceAccountName: 'app' },
  { resource: 'deployments', namespace: 'team-b', name: 'api', serviceAccountName: 'app' },
  { resource: 'statefulsets', namespace: 'team-a', name: 'db', serviceAccountName: 'app' },
  { resource: 'daemonsets', namespace: 'team-a', name: 'agent' },
  { resource: 'cronjobs', namespace: 'team-a', name: 'nightly', serviceAccountName: 'app' },
  {
    resource: 'jobs',
    namespace: 'team-a',
    name: 'nightly-29000000',
    serviceAccountName: 'app',
    ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', controller: true }],
  },
  { resource: 'pods', namespace: 'team-a', name: 'debug' },
];

beforeAll(async () => {
  await emulator.start();
  dir = mkdtempSync(join(tmpdir(), 'kube-workloads-'));
  kubeconfig = join(dir, 'kubeconfig');
  const text = kubeconfigFor(emulator);
  writeFileSync(kubeconfig, text);
  for (const seed of SEEDS) emulator.seedWorkload(seed);
  api = kubeTargetFromConfig('test', loadKubeConfig({ kubeconfigText: text })).workloads!;
});

afterAll(async () => {
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('KubeWorkloadsClient (client-node pipeline)', () => {
  test('lists each kind across all namespaces and in one, in key order', async () => {
    const all = await api.listWorkloads('Deployment');
    expect(all.items.map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`)).toEqual([
      'team-a/web',
      'team-b/api',
    ]);
    const one = await api.listWorkloads('Deployment', { namespace: 'team-b' });
    expect(one.items.map((d) => d.metadata?.name)).toEqual(['api']);
    const pods = await api.listWorkloads('Pod');
    // The ServiceAccount admission plugin's default.
    expect((pods.items[0] as { spec?: { serviceAccountName?: string } }).spec?.serviceAccountName).toBe(
      'default',
    );
    const jobs = await api.listWorkloads('Job', { namespace: 'team-a' });
    expect(jobs.items[0].metadata?.ownerReferences?.[0].kind).toBe('CronJob');
    expect(jobs.items[0].metadata?.creationTimestamp).toBeInstanceOf(Date);
  });

  test('pages with limit/continue and reports what remains', async () => {
    const first = await api.listWorkloads('Deployment', { limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.metadata?._continue).toBeTruthy();
    expect(first.metadata?.remainingItemCount).toBe(1);
    const second = await api.listWorkloads('Deployment', { limit: 1, _continue: first.metadata?._continue });
    expect(second.items.map((d) => d.metadata?.name)).toEqual(['api']);
    expect(second.metadata?._continue).toBeUndefined();
  });

  test('a strategic merge patch sets the pod template annotation and bumps the generation', async () => {
    const before = emulator.getWorkload('statefulsets', 'team-a', 'db') as {
      metadata: { generation: number };
    };
    const patched = await api.patchWorkload(
      'StatefulSet',
      {
        namespace: 'team-a',
        name: 'db',
        body: {
          spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': 'T1' } } } },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const template = (patched as { spec?: { template?: { metadata?: { annotations?: object } } } }).spec
      ?.template;
    expect(template?.metadata?.annotations).toEqual({ 'kubectl.kubernetes.io/restartedAt': 'T1' });
    // The containers list merged by name, not replaced.
    expect(
      (patched as { spec?: { template?: { spec?: { containers?: unknown[] } } } }).spec?.template?.spec
        ?.containers,
    ).toHaveLength(1);
    expect(patched.metadata?.generation).toBe(before.metadata.generation + 1);
  });

  test('404 and 403 come back as the API server words them', async () => {
    const missing = await api
      .patchWorkload(
        'Deployment',
        { namespace: 'team-a', name: 'nope', body: {} },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )
      .catch((e: unknown) => e);
    expect(kubeFailure(missing)).toMatchObject({ status: 404, message: 'deployments.apps "nope" not found' });
    emulator.denyRequests([{ verb: 'list', resource: 'daemonsets', scope: 'cluster' }]);
    try {
      const denied = await api.listWorkloads('DaemonSet').catch((e: unknown) => e);
      expect(kubeFailure(denied)).toMatchObject({
        status: 403,
        message:
          'daemonsets.apps is forbidden: User "kubernetes-admin" cannot list resource "daemonsets" in API group "apps" at the cluster scope',
      });
      // Namespaced lists are still allowed.
      expect((await api.listWorkloads('DaemonSet', { namespace: 'team-a' })).items).toHaveLength(1);
    } finally {
      emulator.denyRequests([]);
    }
  });
});

describe('raw HTTP', () => {
  /** One request over https with the emulator's CA: status and parsed JSON body. */
  const call = (method: string, path: string, body?: string, type = 'application/json') =>
    new Promise<{ status: number; json: () => Promise<unknown> }>((resolve, reject) => {
      const req = request(
        `${emulator.server.url}${path}`,
        {
          method,
          ca: emulator.caPem,
          headers: { authorization: `Bearer ${emulator.token}`, 'content-type': type },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, json: async () => JSON.parse(text) as unknown }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  test('create answers 201, then 409 AlreadyExists; a missing namespace is 404', async () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once' },
      spec: { template: { spec: {} } },
    };
    const created = await call('POST', '/apis/batch/v1/namespaces/team-b/jobs', JSON.stringify(job));
    expect(created.status).toBe(201);
    expect(((await created.json()) as { metadata: { uid: string } }).metadata.uid).toMatch(/^0{8}-/);
    const again = await call('POST', '/apis/batch/v1/namespaces/team-b/jobs', JSON.stringify(job));
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      reason: 'AlreadyExists',
      message: 'jobs.batch "once" already exists',
    });
    const nowhere = await call('POST', '/apis/batch/v1/namespaces/ghost/jobs', JSON.stringify(job));
    expect(nowhere.status).toBe(404);
  });

  test('a JSON merge patch works; server-side apply on workloads is refused with 415', async () => {
    const merged = await call(
      'PATCH',
      '/apis/apps/v1/namespaces/team-b/deployments/api',
      JSON.stringify({ metadata: { labels: { tier: 'backend' } } }),
      'application/merge-patch+json',
    );
    expect(merged.status).toBe(200);
    const labelled = await call('GET', '/apis/apps/v1/deployments?labelSelector=tier%3Dbackend');
    expect(((await labelled.json()) as { items: unknown[] }).items).toHaveLength(1);
    const applied = await call(
      'PATCH',
      '/apis/apps/v1/namespaces/team-b/deployments/api',
      '{}',
      'application/apply-patch+yaml',
    );
    expect(applied.status).toBe(415);
  });

  test('a workload under the wrong group is not found', async () => {
    expect((await call('GET', '/apis/batch/v1/deployments')).status).toBe(404);
    expect((await call('GET', '/api/v1/deployments')).status).toBe(404);
  });
});

describe('kubectl', () => {
  withKubectl('get -A lists every kind through discovery, paging with --chunk-size', async () => {
    const run = await kubectl(
      'get',
      'deployments,statefulsets,daemonsets,jobs,cronjobs,pods',
      '-A',
      '--chunk-size=1',
      '-o',
      'name',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const name of [
      'deployment.apps/web',
      'deployment.apps/api',
      'statefulset.apps/db',
      'daemonset.apps/agent',
      'job.batch/nightly-29000000',
      'cronjob.batch/nightly',
      'pod/debug',
    ])
      expect(run.stdout).toContain(name);
  });

  withKubectl(
    'rollout restart patches spec.template.metadata.annotations like on a real cluster',
    async () => {
      const run = await kubectl('-n', 'team-a', 'rollout', 'restart', 'deployment/web');
      expect(run.stderr).toBe('');
      expect(run.stdout.trim()).toBe('deployment.apps/web restarted');
      const web = emulator.getWorkload('deployments', 'team-a', 'web') as {
        spec: { template: { metadata: { annotations?: Record<string, string> } } };
      };
      expect(web.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/,
      );
      expect(emulator.server.count('patch deployment (strategic)')).toBe(1);
    },
  );

  withKubectl('create -f sends a Deployment the emulator stores', async () => {
    const manifest = join(dir, 'worker.json');
    writeFileSync(
      manifest,
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'worker', namespace: 'team-b' },
        spec: {
          selector: { matchLabels: { app: 'worker' } },
          template: {
            metadata: { labels: { app: 'worker' } },
            spec: { serviceAccountName: 'app', containers: [{ name: 'w', image: 'busybox' }] },
          },
        },
      }),
    );
    // The emulator serves OpenAPI only for core/v1, so kubectl's client-side schema check is off.
    const run = await kubectl('create', '--validate=false', '-f', manifest);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('deployment.apps/worker created');
    expect(emulator.getWorkload('deployments', 'team-b', 'worker')).toBeDefined();
  });
});
