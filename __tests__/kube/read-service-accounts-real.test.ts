// The Kubernetes reader against an emulator that fails the way a real API server does (#20):
// continue tokens that expire mid-list (410 Expired) for both the namespace and the ServiceAccount
// list, RBAC that forbids a list (cluster-wide ServiceAccounts, namespaces), and namespaces being
// deleted. client-node over https, as against a cluster.
import { KubeEmulator, kubeconfigFor } from '../../sandbox/kube/emulator.js';
import { kubeTargetFromConfig, loadKubeConfig, type KubeTarget } from '../../src/kube/client.js';
import { readCluster } from '../../src/kube/read-service-accounts.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../src/support/ownership.js';

const noSleep = async (): Promise<void> => undefined;
const LABELS = { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };

/** 510 namespaces (two pages of the reader's 500), a labelled ServiceAccount in three of them. */
const manyNamespaces = new KubeEmulator({ https: true });
/** 510 labelled ServiceAccounts in one namespace (two pages). */
const manyAccounts = new KubeEmulator({ https: true });
let nsTarget: KubeTarget;
let saTarget: KubeTarget;

beforeAll(async () => {
  await Promise.all([manyNamespaces.start(), manyAccounts.start()]);
  for (let i = 0; i < 510; i++) manyNamespaces.seedNamespace(`ns-${String(i).padStart(3, '0')}`);
  for (const ns of ['ns-001', 'ns-250', 'ns-509'])
    manyNamespaces.seedServiceAccount({ namespace: ns, name: 'app', labels: LABELS });
  for (let i = 0; i < 510; i++)
    manyAccounts.seedServiceAccount({ namespace: 'apps', name: `sa-${i}`, labels: LABELS });
  const target = (e: KubeEmulator) =>
    kubeTargetFromConfig('prod', loadKubeConfig({ kubeconfigText: kubeconfigFor(e) }));
  nsTarget = target(manyNamespaces);
  saTarget = target(manyAccounts);
});
afterAll(async () => {
  await Promise.all([manyNamespaces.stop(), manyAccounts.stop()]);
});
afterEach(() => {
  for (const e of [manyNamespaces, manyAccounts]) {
    e.expireContinueTokens({});
    e.denyRequests([]);
    e.resetCounters();
  }
});

describe('an expired continue token (410 Expired)', () => {
  test('the namespace list restarts once from the beginning', async () => {
    manyNamespaces.expireContinueTokens({ expireNext: 1 });
    const cluster = await readCluster(nsTarget, [], ['ns-001', 'ns-509', 'missing'], { sleep: noSleep });
    expect(cluster.existingNamespaces).toEqual(['ns-001', 'ns-509']);
    // page 1, page 2 (410), page 1 again, page 2.
    expect(manyNamespaces.server.count('list namespaces')).toBe(4);
  });

  test('the ServiceAccount list restarts once from the beginning', async () => {
    manyAccounts.expireContinueTokens({ expireNext: 1 });
    const cluster = await readCluster(saTarget, [], ['apps'], { sleep: noSleep });
    expect(cluster.serviceAccounts).toHaveLength(510);
    expect(new Set(cluster.serviceAccounts.map((sa) => sa.name)).size).toBe(510);
    expect(manyAccounts.server.count('list serviceaccounts')).toBe(4);
  });

  test('a second expiry fails the read with the call and the 410', async () => {
    manyAccounts.expireContinueTokens({ expireNext: 2 });
    await expect(readCluster(saTarget, [], ['apps'], { sleep: noSleep })).rejects.toThrow(
      /Kubernetes list serviceaccounts on cluster "prod" \(https:\/\/127\.0\.0\.1:\d+\) failed: 410 Gone \(The provided continue parameter is too old/,
    );
  });

  test('tokens older than their time to live expire too (here: at once)', async () => {
    manyNamespaces.expireContinueTokens({ ttlMs: -1 });
    await expect(readCluster(nsTarget, [], ['ns-001', 'ns-002'], { sleep: noSleep })).rejects.toThrow(
      /list namespaces .* failed: 410 Gone/,
    );
  });
});

describe('RBAC that forbids a list', () => {
  test('no cluster-wide ServiceAccount list: the file’s namespaces are listed, and the result says so', async () => {
    manyNamespaces.denyRequests([{ verb: 'list', resource: 'serviceaccounts', scope: 'cluster' }]);
    const cluster = await readCluster(nsTarget, [], ['ns-001', 'ns-250'], { sleep: noSleep });
    expect(cluster.serviceAccounts.map((sa) => `${sa.namespace}/${sa.name}`)).toEqual([
      'ns-001/app',
      'ns-250/app',
    ]);
    expect(cluster.listedNamespacesOnly).toBe(true);
    expect(manyNamespaces.server.count('list serviceaccounts')).toBe(3);
  });

  test('no ServiceAccount list at all fails with what to grant', async () => {
    manyNamespaces.denyRequests([{ verb: 'list', resource: 'serviceaccounts' }]);
    await expect(readCluster(nsTarget, [], ['ns-001'], { sleep: noSleep })).rejects.toThrow(
      /list serviceaccounts in namespace "ns-001" on cluster "prod" .* failed: 403 Forbidden .*cannot list resource "serviceaccounts".* grant these credentials RBAC permission/,
    );
  });

  test('no namespace list: each namespace is read with a GET', async () => {
    manyNamespaces.denyRequests([{ verb: 'list', resource: 'namespaces' }]);
    const cluster = await readCluster(nsTarget, [], ['ns-001', 'ns-002', 'gone'], { sleep: noSleep });
    expect(cluster.existingNamespaces).toEqual(['ns-001', 'ns-002']);
    expect(manyNamespaces.server.count('get namespace')).toBe(3);
  });
});

test('a namespace being deleted is not counted as existing, whether listed or fetched', async () => {
  manyNamespaces.seedNamespace('leaving');
  manyNamespaces.terminateNamespace('leaving');
  const listed = await readCluster(nsTarget, [], ['ns-001', 'leaving'], { sleep: noSleep });
  expect(listed.existingNamespaces).toEqual(['ns-001']);
  expect(listed.terminatingNamespaces).toEqual(['leaving']);
  const fetched = await readCluster(nsTarget, [], ['leaving'], { sleep: noSleep });
  expect(fetched.existingNamespaces).toEqual([]);
  expect(fetched.terminatingNamespaces).toEqual(['leaving']);
});
