// Wanted ServiceAccounts without our label (a first plan: all of them) looked up per namespace
// (#21): one of them is a GET; more are a paged list of the namespace, which hands the ones still
// missing to GETs once that is fewer calls (remainingItemCount), falls back to GETs when RBAC
// forbids it, and fails naming the call and namespace otherwise. client-node over https against the
// Kubernetes emulator; calls counted through the reader's onCall observer.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { KubeEmulator, kubeconfigFor } from '../../sandbox/kube/emulator.js';
import { kubeTargetFromConfig, loadKubeConfig, type KubeTarget } from '../../src/kube/client.js';
import {
  readCluster,
  readServiceAccounts,
  type ServiceAccountKey,
} from '../../src/kube/read-service-accounts.js';
import {
  FIELD_MANAGER,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  ROLE_ARN_ANNOTATION,
} from '../../src/support/ownership.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/workload-identity/api';
const noSleep = async (): Promise<void> => undefined;
const emulator = new KubeEmulator({ https: true });
let target: KubeTarget;

const pad = (i: number, width: number): string => String(i).padStart(width, '0');
const keys = (namespace: string, names: string[]): ServiceAccountKey[] =>
  names.map((name) => ({ namespace, name }));

beforeAll(async () => {
  await emulator.start();
  target = kubeTargetFromConfig('prod', loadKubeConfig({ kubeconfigText: kubeconfigFor(emulator) }));
  // apps: unlabelled ServiceAccounts the file wants, one it does not, one with our label.
  for (const name of ['api', 'web', 'worker', 'unrelated'])
    emulator.seedServiceAccount({ namespace: 'apps', name, annotations: { team: name } });
  emulator.seedServiceAccount({
    namespace: 'apps',
    name: 'managed',
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
  });
  // Annotated by us with server-side apply (no label: we did not create it), then by someone else:
  // managedFields from the API server must come through the list as through a GET.
  await target.api.patchNamespacedServiceAccount(
    {
      name: 'batch',
      namespace: 'apps',
      fieldManager: FIELD_MANAGER,
      force: false,
      body: {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'batch', namespace: 'apps', annotations: { [ROLE_ARN_ANNOTATION]: ROLE_ARN } },
      },
    },
    setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
  );
  await target.api.patchNamespacedServiceAccount(
    {
      name: 'batch',
      namespace: 'apps',
      fieldManager: 'kubectl-annotate',
      body: { metadata: { annotations: { team: 'batch' } } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  emulator.seedServiceAccount({ namespace: 'solo', name: 'one' });
  // big: 1,601 ServiceAccounts (four pages of 500); wide: 701 (two pages).
  for (let i = 0; i < 1600; i++) emulator.seedServiceAccount({ namespace: 'big', name: `sa-${pad(i, 4)}` });
  emulator.seedServiceAccount({ namespace: 'big', name: 'zz-app' });
  for (let i = 0; i < 700; i++) emulator.seedServiceAccount({ namespace: 'wide', name: `sa-${pad(i, 3)}` });
  emulator.seedServiceAccount({ namespace: 'wide', name: 'zz-app' });
});

afterAll(async () => {
  await emulator.stop();
});

afterEach(() => {
  emulator.denyRequests([]);
  emulator.expireContinueTokens({});
  emulator.reportRemainingItemCount(true);
  emulator.resetCounters();
});

/** readCluster for the wanted keys (their namespaces as the file's), calls counted by name. */
async function read(wanted: ServiceAccountKey[]) {
  const calls: Record<string, number> = {};
  const cluster = await readCluster(target, wanted, [...new Set(wanted.map((w) => w.namespace))], {
    sleep: noSleep,
    onCall: (call) => (calls[call] = (calls[call] ?? 0) + 1),
  });
  // apps/managed, labelled, comes with every read; names are those in the wanted namespaces.
  const names = cluster.serviceAccounts
    .filter((sa) => wanted.some((w) => w.namespace === sa.namespace))
    .map((sa) => `${sa.namespace}/${sa.name}`);
  return { cluster, calls, names };
}

const appsWanted = keys('apps', ['api', 'web', 'worker', 'batch', 'gone-1', 'gone-2', 'managed']);

test('several wanted in a namespace: one list of it, no GET, and the same ServiceAccounts as GETs find', async () => {
  const listed = await read(appsWanted);
  expect(listed.calls).toEqual({
    'list serviceaccounts': 1,
    'get namespace': 1,
    'list serviceaccounts in namespace': 1,
  });
  // Only wanted names are taken from the list: apps/unrelated carries neither the label nor a wish.
  expect(listed.names).toEqual(['apps/api', 'apps/batch', 'apps/managed', 'apps/web', 'apps/worker']);
  expect(listed.cluster.serviceAccounts.find((sa) => sa.name === 'batch')).toEqual({
    cluster: 'prod',
    namespace: 'apps',
    name: 'batch',
    annotations: { [ROLE_ARN_ANNOTATION]: ROLE_ARN, team: 'batch' },
    labels: {},
    uid: expect.any(String),
    resourceVersion: expect.any(String),
    ownedByUs: { annotations: [ROLE_ARN_ANNOTATION], labels: [] },
    fieldOwners: { 'annotations.team': ['kubectl-annotate'] },
  });

  // The same read where listing in a namespace is forbidden takes a GET each: the same result.
  emulator.denyRequests([{ verb: 'list', resource: 'serviceaccounts', scope: 'namespace' }]);
  const fetched = await read(appsWanted);
  expect(fetched.calls).toEqual({
    'list serviceaccounts': 1,
    'get namespace': 1,
    'list serviceaccounts in namespace': 1,
    'get serviceaccount': 6,
  });
  expect(listed.cluster).toEqual(fetched.cluster);
  expect(emulator.server.count('get serviceaccount')).toBe(6);
});

test('exactly one wanted in a namespace: one GET, no list of it', async () => {
  const one = await read(keys('solo', ['one']));
  expect(one.names).toEqual(['solo/one']);
  expect(one.calls).toEqual({ 'list serviceaccounts': 1, 'get namespace': 1, 'get serviceaccount': 1 });

  emulator.resetCounters();
  const absent = await read(keys('solo', ['none']));
  expect(absent.names).toEqual([]);
  expect(emulator.server.count('get serviceaccount')).toBe(1);
});

test('namespaces known to be missing are skipped; each other namespace is looked up its own way', async () => {
  const { names, calls, cluster } = await read([
    ...keys('apps', ['api', 'web']),
    ...keys('solo', ['one']),
    ...keys('ghost', ['a', 'b', 'c']),
  ]);
  expect(cluster.existingNamespaces).toEqual(['apps', 'solo']);
  expect(names).toEqual(['apps/api', 'apps/managed', 'apps/web', 'solo/one']);
  expect(calls).toEqual({
    'list serviceaccounts': 1,
    'list namespaces': 1,
    'list serviceaccounts in namespace': 1,
    'get serviceaccount': 1,
  });
});

describe('a namespace of more than one page', () => {
  test('two wanted after the first page, three pages left: GETs instead of reading on', async () => {
    const { names, calls } = await read(keys('big', ['zz-app', 'missing']));
    expect(names).toEqual(['big/zz-app']);
    expect(calls['list serviceaccounts in namespace']).toBe(1);
    expect(calls['get serviceaccount']).toBe(2);
  });

  test('one found on the first page: a GET for the other', async () => {
    const { names, calls } = await read(keys('big', ['sa-0001', 'sa-0002', 'zz-app']));
    expect(names).toEqual(['big/sa-0001', 'big/sa-0002', 'big/zz-app']);
    expect(calls['list serviceaccounts in namespace']).toBe(1);
    expect(calls['get serviceaccount']).toBe(1);
  });

  test('more wanted than pages left: the list is read to its end, no GET', async () => {
    const wanted = keys('wide', ['sa-650', 'sa-651', 'sa-652', 'zz-app', 'missing']);
    const { names, calls } = await read(wanted);
    expect(names).toEqual(['wide/sa-650', 'wide/sa-651', 'wide/sa-652', 'wide/zz-app']);
    expect(calls['list serviceaccounts in namespace']).toBe(2);
    expect(calls['get serviceaccount']).toBeUndefined();
  });

  test('without remainingItemCount the list goes on while two are missing; one missing is a GET', async () => {
    emulator.reportRemainingItemCount(false);
    const two = await read(keys('big', ['zz-app', 'missing']));
    expect(two.names).toEqual(['big/zz-app']);
    expect(two.calls['list serviceaccounts in namespace']).toBe(4);
    expect(two.calls['get serviceaccount']).toBeUndefined();

    const one = await read(keys('big', ['sa-0001', 'zz-app']));
    expect(one.names).toEqual(['big/sa-0001', 'big/zz-app']);
    expect(one.calls['list serviceaccounts in namespace']).toBe(1);
    expect(one.calls['get serviceaccount']).toBe(1);
  });

  test('an expired continue token restarts the list once; a second (a failure other than 403) names the call and namespace', async () => {
    const wanted = keys('wide', ['sa-650', 'sa-651', 'zz-app']);
    emulator.expireContinueTokens({ expireNext: 1 });
    const restarted = await read(wanted);
    expect(restarted.names).toEqual(['wide/sa-650', 'wide/sa-651', 'wide/zz-app']);
    // page 1, page 2 (410), page 1 again, page 2.
    expect(restarted.calls['list serviceaccounts in namespace']).toBe(4);

    emulator.expireContinueTokens({ expireNext: 2 });
    await expect(read(wanted)).rejects.toThrow(
      /^Kubernetes list serviceaccounts in namespace "wide" on cluster "prod" \(https:\/\/127\.0\.0\.1:\d+\) failed: 410 Gone \(The provided continue parameter is too old/,
    );
  });
});

test('readServiceAccounts (subjects our roles still trust) looks up the same way', async () => {
  const calls: string[] = [];
  const found = await readServiceAccounts(
    target,
    [...keys('apps', ['worker', 'api', 'gone']), ...keys('solo', ['one']), ...keys('ghost', ['x', 'y'])],
    { onCall: (call) => calls.push(call) },
  );
  expect(found.map((sa) => `${sa.namespace}/${sa.name}`)).toEqual(['apps/api', 'apps/worker', 'solo/one']);
  // A namespace that does not exist lists as empty, as the API server answers.
  expect(calls.sort()).toEqual([
    'get serviceaccount',
    'list serviceaccounts in namespace',
    'list serviceaccounts in namespace',
  ]);
});
