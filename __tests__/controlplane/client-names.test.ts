// Control Plane org and cluster names go into URL paths with the token: a name that is not a
// Control Plane name (`..`, `a/b`, `%2e%2e`, upper case) is refused before any request, because URL
// normalisation turns `/org/../mk8s/x` into `/mk8s/x` however it is encoded.
import { getMk8sCaCerts, getMk8sCluster, getMk8sReady } from '../../src/controlplane/client.js';
import { ControlPlaneEmulator } from '../../sandbox/controlplane/emulator.js';

const TOKEN = 'cpln-test-token';
const cp = new ControlPlaneEmulator({ tokens: { [TOKEN]: ['*'] } });

beforeAll(async () => {
  await cp.start();
});
afterAll(async () => {
  await cp.stop();
});
beforeEach(() => cp.resetCounters());

test.each([
  ['..', 'prod'],
  ['acme', '..'],
  ['.', 'prod'],
  ['acme/../x', 'prod'],
  ['%2e%2e', 'prod'],
  ['Acme', 'prod'],
  ['acme', 'prod?x=1'],
  ['a'.repeat(64), 'prod'],
])('org %j, cluster %j: refused with the rule, no request sent', async (org, name) => {
  const access = { endpoint: cp.url, token: TOKEN };
  for (const call of [getMk8sCluster, getMk8sReady, getMk8sCaCerts])
    await expect(call(access, org, name)).rejects.toThrow(
      /is not a Control Plane name .*no request was sent/,
    );
  expect(cp.totalCalls()).toBe(0);
});

test('a valid name is one encoded path segment of the request', async () => {
  cp.addCluster({
    org: 'acme',
    name: 'prod-1',
    oidcProviderUrl: 'https://oidc.cpln.io/abc',
    serverUrl: 'https://127.0.0.1:1',
    caPem: 'pem',
    addOn: true,
  });
  const cluster = await getMk8sCluster({ endpoint: cp.url, token: TOKEN }, 'acme', 'prod-1');
  expect(cluster).toMatchObject({ org: 'acme', name: 'prod-1' });
  expect(cp.totalCalls()).toBe(1);
});
