// Kubernetes requests over Node's https (src/kube/transport.ts) with the kubeconfig applied by
// client-node: pooled keep-alive connections, request bodies on every method (a DELETE's
// DeleteOptions), the cluster's proxy-url, and TLS verification, against the https emulator.
import { createServer, type Server } from 'node:net';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { KubeEmulator, OPERATIONS, kubeconfigFor } from '../../sandbox/kube/emulator.js';
import { kubeTargetFromConfig, loadKubeConfig, type KubeTarget } from '../../src/kube/client.js';
import { kubeCallError } from '../../src/kube/errors.js';

const emulator = new KubeEmulator({ https: true });

function targetFor(kubeconfig: string): KubeTarget {
  return kubeTargetFromConfig('prod', loadKubeConfig({ kubeconfigText: kubeconfig }));
}

beforeAll(async () => {
  await emulator.start();
  for (let i = 0; i < 40; i++) emulator.seedServiceAccount({ namespace: 'apps', name: `sa-${i}` });
});

afterAll(async () => {
  await emulator.stop();
});

beforeEach(() => emulator.server.resetCounters());

test('requests share pooled keep-alive connections instead of one TLS handshake each', async () => {
  const { api } = targetFor(kubeconfigFor(emulator));
  // Five rounds of eight at once, as the readers send them: 40 requests.
  for (let round = 0; round < 5; round++) {
    const names = Array.from({ length: 8 }, (_, i) => `sa-${round * 8 + i}`);
    const read = await Promise.all(
      names.map((name) => api.readNamespacedServiceAccount({ namespace: 'apps', name })),
    );
    expect(read.map((sa) => sa.metadata?.name)).toEqual(names);
  }
  expect(emulator.server.count(OPERATIONS.getServiceAccount)).toBe(40);
  expect(emulator.server.connections()).toBeLessThanOrEqual(8);
});

test('a DELETE carries its DeleteOptions: a precondition that does not match is refused', async () => {
  const { api } = targetFor(kubeconfigFor(emulator));
  emulator.seedServiceAccount({ namespace: 'apps', name: 'doomed' });
  const failure = await api
    .deleteNamespacedServiceAccount({
      namespace: 'apps',
      name: 'doomed',
      body: { preconditions: { uid: 'not-its-uid' } },
    })
    .then(
      () => undefined,
      (error: unknown) => error as { code?: number },
    );
  expect(failure?.code).toBe(409);
  expect(emulator.getServiceAccount('apps', 'doomed')).toBeDefined();

  const uid = emulator.getServiceAccount('apps', 'doomed')?.metadata.uid;
  await api.deleteNamespacedServiceAccount({
    namespace: 'apps',
    name: 'doomed',
    body: { preconditions: { uid } },
  });
  expect(emulator.getServiceAccount('apps', 'doomed')).toBeUndefined();
});

/** A forward proxy that only tunnels (HTTP CONNECT), recording where each tunnel went. */
async function startConnectProxy(): Promise<{ server: Server; url: string; tunnels: string[] }> {
  const tunnels: string[] = [];
  const server = createServer((client) => {
    client.once('data', (head: Buffer) => {
      const [method, target] = head.toString('latin1').split(' ');
      if (method !== 'CONNECT' || !target) {
        client.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
        return;
      }
      tunnels.push(target);
      const [host, port] = target.split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tunnels };
}

test("the cluster's proxy-url is honoured: requests tunnel through it, TLS verified end to end", async () => {
  const proxy = await startConnectProxy();
  try {
    const kubeconfig = kubeconfigFor(emulator).replace(
      /(\n\s+server: .*\n)/,
      `$1      proxy-url: ${proxy.url}\n`,
    );
    expect(kubeconfig).toContain(`proxy-url: ${proxy.url}`);
    const { api } = targetFor(kubeconfig);
    const list = await api.listNamespacedServiceAccount({ namespace: 'apps', limit: 5 });
    expect(list.items).toHaveLength(5);
    expect(proxy.tunnels).toEqual([new URL(emulator.url).host]);
  } finally {
    proxy.server.close();
  }
});

test('an API server whose certificate the kubeconfig does not trust is refused as a TLS failure', async () => {
  // No certificate-authority-data: Node's public roots do not include the emulator's test CA.
  const kubeconfig = kubeconfigFor(emulator).replace(/\n\s+certificate-authority-data: .*\n/, '\n');
  expect(kubeconfig).not.toContain('certificate-authority');
  {
    const target = targetFor(kubeconfig);
    const error = await target.api.listNamespace().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(kubeCallError(target, 'list namespaces', error).message).toMatch(
      /TLS verification of the API server failed \(\w+\) — check the cluster's certificate-authority data in the kubeconfig/,
    );
    expect(emulator.server.count(OPERATIONS.listNamespaces)).toBe(0);
  }
});

test('a context whose cluster the kubeconfig does not define is refused when the target is made', () => {
  const kubeconfig = kubeconfigFor(emulator).replace(/(\n\s+cluster: )kube-emulator\n/, '$1gone\n');
  expect(kubeconfig).toContain('cluster: gone');
  expect(() => targetFor(kubeconfig)).toThrow(
    'cluster "prod": kubeconfig context "kube-emulator" names cluster "gone", which the kubeconfig does not define',
  );
  expect(emulator.server.totalCalls()).toBe(0);
});
