// The Kubernetes reader through @kubernetes/client-node against the Kubernetes emulator (https with
// a test CA, as a real cluster): labelled ServiceAccounts across namespaces with paging, wanted ones
// fetched by GET, namespaces, field ownership from real server-side apply, and error messages.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { KubeEmulator, kubeconfigFor } from '../../sandbox/kube/emulator.js';
import { kubeTargetFromConfig, loadKubeConfig, type KubeTarget } from '../../src/kube/client.js';
import { readCluster } from '../../src/kube/read-service-accounts.js';
import {
  FIELD_MANAGER,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  OWNER_ANNOTATION,
  ROLE_ARN_ANNOTATION,
} from '../../src/support/ownership.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/workload-identity/s3-reader';
const noSleep = async (): Promise<void> => undefined;

const emulator = new KubeEmulator({ https: true });
let target: KubeTarget;

function targetFor(kubeconfig: string): KubeTarget {
  return kubeTargetFromConfig('prod', loadKubeConfig({ kubeconfigText: kubeconfig }));
}

beforeAll(async () => {
  await emulator.start();
  target = targetFor(kubeconfigFor(emulator));
  // 620 labelled ServiceAccounts over 10 namespaces (two list pages of 500) and 300 unlabelled ones.
  for (let i = 0; i < 620; i++) {
    emulator.seedServiceAccount({
      namespace: `team-${i % 10}`,
      name: `sa-${i}`,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
    });
  }
  for (let i = 0; i < 300; i++)
    emulator.seedServiceAccount({ namespace: `team-${i % 10}`, name: `plain-${i}` });
  emulator.seedNamespace('data');
  emulator.seedServiceAccount({ namespace: 'default', name: 'builder', annotations: { team: 'ci' } });

  // A ServiceAccount written the way apply writes it (server-side apply as our field manager), then
  // annotated by someone else: managedFields come from the API server, not from the test.
  await target.api.patchNamespacedServiceAccount(
    {
      name: 'app',
      namespace: 'data',
      fieldManager: FIELD_MANAGER,
      force: false,
      body: {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {
          name: 'app',
          namespace: 'data',
          labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
          annotations: { [ROLE_ARN_ANNOTATION]: ROLE_ARN, [OWNER_ANNOTATION]: 'acme/platform' },
        },
      },
    },
    setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
  );
  await target.api.patchNamespacedServiceAccount(
    {
      name: 'app',
      namespace: 'data',
      fieldManager: 'kubectl-annotate',
      body: { metadata: { annotations: { team: 'data' } } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
});

afterAll(async () => {
  await emulator.stop();
});

beforeEach(() => {
  emulator.server.resetCounters();
  emulator.server.setFaults({});
});

const wanted = [
  { namespace: 'data', name: 'app' },
  { namespace: 'default', name: 'builder' },
  { namespace: 'data', name: 'not-yet' },
  { namespace: 'ghost-ns', name: 'app' },
];

test('one paged list of labelled ServiceAccounts, GETs for the other wanted ones, one namespace list', async () => {
  let calls = 0;
  const cluster = await readCluster(target, wanted, ['data', 'default', 'ghost-ns'], {
    onCall: () => (calls += 1),
  });

  expect(cluster.key).toBe('prod');
  expect(cluster.existingNamespaces).toEqual(['data', 'default']);
  expect(cluster.serviceAccounts).toHaveLength(620 + 2);
  const keys = cluster.serviceAccounts.map((sa) => `${sa.namespace}/${sa.name}`);
  expect(keys).toEqual([...keys].sort());
  expect(keys).toContain('team-9/sa-619');
  expect(keys).not.toContain('data/not-yet');
  expect(keys.some((k) => k.includes('plain-'))).toBe(false);

  const app = cluster.serviceAccounts.find((sa) => sa.name === 'app')!;
  expect(app).toEqual({
    cluster: 'prod',
    namespace: 'data',
    name: 'app',
    annotations: { [ROLE_ARN_ANNOTATION]: ROLE_ARN, [OWNER_ANNOTATION]: 'acme/platform', team: 'data' },
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
    uid: expect.any(String),
    resourceVersion: expect.any(String),
    ownedByUs: { annotations: [ROLE_ARN_ANNOTATION, OWNER_ANNOTATION].sort(), labels: [MANAGED_BY_LABEL] },
    // #20: who else holds each key, so the plan can show a conflict before apply meets it.
    fieldOwners: { 'annotations.team': ['kubectl-annotate'] },
  });
  expect(cluster.serviceAccounts.find((sa) => sa.name === 'builder')).toMatchObject({
    namespace: 'default',
    annotations: { team: 'ci' },
    labels: {},
    ownedByUs: { annotations: [], labels: [] },
  });

  // ⌈621/500⌉ list pages + 1 namespace list + GETs for builder and data/not-yet (ghost-ns is known
  // missing, so its ServiceAccount is not asked for).
  expect(emulator.server.count('list serviceaccounts')).toBe(2);
  expect(emulator.server.count('list namespaces')).toBe(1);
  expect(emulator.server.count('get serviceaccount')).toBe(2);
  expect(emulator.server.count('get namespace')).toBe(0);
  expect(emulator.server.totalCalls()).toBe(5);
  expect(calls).toBe(5);
});

test('a single namespace is checked with one GET; no namespaces, no namespace call', async () => {
  const one = await readCluster(target, [{ namespace: 'ghost-ns', name: 'app' }], ['ghost-ns']);
  expect(one.existingNamespaces).toEqual([]);
  expect(emulator.server.count('get namespace')).toBe(1);
  expect(emulator.server.count('list namespaces')).toBe(0);
  expect(emulator.server.count('get serviceaccount')).toBe(0);

  emulator.server.resetCounters();
  const none = await readCluster(target, [], []);
  expect(none.existingNamespaces).toEqual([]);
  expect(emulator.server.count('list serviceaccounts')).toBe(2);
  expect(emulator.server.totalCalls()).toBe(2);
});

test('throttling and server errors are retried; every attempt is counted', async () => {
  emulator.server.setFaults({ throttleRate: 0.3, errorRate: 0.1, seed: 7 });
  let calls = 0;
  const cluster = await readCluster(target, wanted, ['data', 'default', 'ghost-ns'], {
    sleep: noSleep,
    onCall: () => (calls += 1),
  });
  expect(cluster.serviceAccounts).toHaveLength(622);
  const injected = emulator.server.injected();
  expect(injected.throttled + injected.errors).toBeGreaterThan(0);
  expect(calls).toBe(emulator.server.totalCalls());
  expect(calls).toBe(5 + injected.throttled + injected.errors);
});

test('401 names the call, the cluster and the server, never the token', async () => {
  const badToken = 'wrong-token-s3cr3t';
  const denied = targetFor(kubeconfigFor(emulator, { token: badToken }));
  const error = await readCluster(denied, [], []).then(
    () => new Error('readCluster succeeded with a wrong token'),
    (e: unknown) => e as Error,
  );
  expect(error.message).toBe(
    `Kubernetes list serviceaccounts on cluster "prod" (${emulator.url}) failed: 401 Unauthorized — check the kubeconfig / token`,
  );
  expect(error.message).not.toContain(badToken);
  expect(error.message).not.toContain(emulator.token);
});

test('an untrusted server certificate and an unreachable server say so', async () => {
  const other = new KubeEmulator();
  await other.start();
  const url = other.url;
  const dead = targetFor(kubeconfigFor(other));
  await other.stop();
  await expect(
    readCluster(dead, [], [], {
      sleep: noSleep,
      retryPolicy: { firstDelayMs: 1, maxDelayMs: 1, budgetMs: 3 },
    }),
  ).rejects.toThrow(
    `Kubernetes list serviceaccounts on cluster "prod" (${url}) failed: the API server is unreachable (ECONNREFUSED) — check the server address in the kubeconfig and the network`,
  );

  // A kubeconfig whose CA did not sign the server's certificate.
  const wrongCa = kubeconfigFor(emulator).replace(
    /certificate-authority-data: .*/,
    `certificate-authority-data: ${Buffer.from(FOREIGN_CA).toString('base64')}`,
  );
  await expect(readCluster(targetFor(wrongCa), [], [])).rejects.toThrow(
    /failed: TLS verification of the API server failed \(\w+\)/,
  );
});

// A self-signed CA that signed nothing the emulator serves.
const FOREIGN_CA = `-----BEGIN CERTIFICATE-----
MIIBjDCCATGgAwIBAgIUG35AdYKg8m3GKNz6nOvLizCJkK4wCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPZm9yZWlnbi10ZXN0LWNhMCAXDTI2MTEyMjIyMDc0MVoYDzIx
MjYxMDI5MjIwNzQxWjAaMRgwFgYDVQQDDA9mb3JlaWduLXRlc3QtY2EwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAAQhEbSIQiaJZGlKJV9+sILE35Z5CN1jaM5wU8bP
r6v16NtZi637cRjk4ITdSfssBl0rA0QFp4Hp9O56rTSkp25Uo1MwUTAdBgNVHQ4E
FgQUXsccK4OGCbUP33VVMJVWXNYcev8wHwYDVR0jBBgwFoAUXsccK4OGCbUP33VV
MJVWXNYcev8wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAxDUt
N+KjB/o5g8WkFDD/jJDUxTVaBgLrcKbUtKodmAYCIQDS1qoH+6e9BavrwScJpxJK
FqlJZ960KWiOEh6QTR+9Fg==
-----END CERTIFICATE-----`;
