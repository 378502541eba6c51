// The workload reader through client-node's pipeline against the Kubernetes emulator (https with a
// test CA): one paged list per kind across the cluster, controller-owned Pods left out, a Job a
// CronJob owns reported as the CronJob, the RBAC fallback to namespaced lists, a kind that cannot be
// listed at all reported as unread — and a kind the API server does not serve (404) too.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeEmulator, kubeconfigFor } from '../../sandbox/kube/emulator.js';
import { kubeTargetFromConfig, loadKubeConfig, type KubeTarget } from '../../src/kube/client.js';
import { readWorkloads } from '../../src/kube/read-workloads.js';

const emulator = new KubeEmulator({ https: true });
let target: KubeTarget;

beforeAll(async () => {
  await emulator.start();
  target = kubeTargetFromConfig('prod', loadKubeConfig({ kubeconfigText: kubeconfigFor(emulator) }));
  // 620 Deployments: two pages of 500.
  for (let i = 0; i < 620; i++)
    emulator.seedWorkload({
      resource: 'deployments',
      namespace: `team-${i % 4}`,
      name: `web-${i}`,
      serviceAccountName: i === 0 ? 'app' : 'other',
    });
  emulator.seedWorkload({
    resource: 'daemonsets',
    namespace: 'team-0',
    name: 'agent',
    serviceAccountName: 'app',
  });
  emulator.seedWorkload({
    resource: 'jobs',
    namespace: 'team-0',
    name: 'nightly-1',
    serviceAccountName: 'app',
    ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly' }],
  });
  emulator.seedWorkload({
    resource: 'pods',
    namespace: 'team-0',
    name: 'web-0-abc',
    serviceAccountName: 'app',
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-0-x' }],
  });
  emulator.seedWorkload({ resource: 'pods', namespace: 'team-0', name: 'debug' });
});
afterAll(() => emulator.stop());

test('one paged list per kind; owned Pods left out; a CronJob-owned Job is the CronJob', async () => {
  emulator.server.resetCounters();
  const calls: string[] = [];
  const read = await readWorkloads(target, ['team-0'], { onCall: (c) => calls.push(c) });
  expect(emulator.server.count('list deployments')).toBe(2);
  for (const kind of ['statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'pods'])
    expect(emulator.server.count(`list ${kind}`)).toBe(1);
  expect(calls).toHaveLength(7);
  expect(read.workloads.filter((w) => w.namespace === 'team-0' && w.serviceAccount !== 'other')).toEqual([
    { kind: 'Deployment', namespace: 'team-0', name: 'web-0', serviceAccount: 'app' },
    { kind: 'DaemonSet', namespace: 'team-0', name: 'agent', serviceAccount: 'app' },
    { kind: 'CronJob', namespace: 'team-0', name: 'nightly', serviceAccount: 'app' },
    { kind: 'Pod', namespace: 'team-0', name: 'debug', serviceAccount: 'default' },
  ]);
  expect(read.workloads).toHaveLength(620 + 3);
  expect(read).toMatchObject({ namespacedKinds: [], unread: [] });
});

test('RBAC: cluster-wide list forbidden → namespaced lists; namespaced too → unread', async () => {
  emulator.denyRequests([
    { verb: 'list', resource: 'daemonsets', scope: 'cluster' },
    { verb: 'list', resource: 'pods' },
  ]);
  try {
    emulator.server.resetCounters();
    const read = await readWorkloads(target, ['team-0', 'team-1', 'team-0'], {});
    expect(emulator.server.count('list daemonsets')).toBe(3); // refused, then team-0 and team-1
    expect(read.namespacedKinds).toEqual(['DaemonSet', 'Pod']);
    expect(read.unread).toEqual([
      { kind: 'Pod', reason: 'list pods in namespace "team-0" is forbidden' },
      { kind: 'Pod', reason: 'list pods in namespace "team-1" is forbidden' },
    ]);
    expect(read.workloads).toContainEqual({
      kind: 'DaemonSet',
      namespace: 'team-0',
      name: 'agent',
      serviceAccount: 'app',
    });
  } finally {
    emulator.denyRequests([]);
  }
});

test('a kind the API server does not serve (404) is unread, not an error', async () => {
  // A minimal API server: empty lists, except CronJobs, which it does not know.
  const server: Server = createServer((req, res) => {
    const cronjobs = req.url?.startsWith('/apis/batch/v1/cronjobs');
    res.writeHead(cronjobs ? 404 : 200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        cronjobs
          ? {
              kind: 'Status',
              apiVersion: 'v1',
              status: 'Failure',
              reason: 'NotFound',
              code: 404,
              message: 'the server could not find the requested resource',
            }
          : { kind: 'List', apiVersion: 'v1', metadata: {}, items: [] },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    // client-node speaks plain http only with TLS verification off.
    const kubeconfig = [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{ name: c, cluster: { server: 'http://127.0.0.1:${port}', insecure-skip-tls-verify: true } }]`,
      'users: [{ name: u, user: { token: t } }]',
      'contexts: [{ name: x, context: { cluster: c, user: u } }]',
      'current-context: x',
    ].join('\n');
    const bare = kubeTargetFromConfig('edge', loadKubeConfig({ kubeconfigText: kubeconfig }));
    const read = await readWorkloads(bare, ['apps'], {});
    expect(read.unread).toEqual([
      { kind: 'CronJob', reason: 'the API server does not serve cronjobs (404)' },
    ]);
    expect(read.workloads).toEqual([]);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
