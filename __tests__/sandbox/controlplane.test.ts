// The Control Plane emulator checked with plain fetch, as the product calls api.cpln.io, and with the
// product's own Control Plane client.
import { ControlPlaneEmulator } from '../../sandbox/controlplane/emulator.js';
import { getMk8sCaCerts, getMk8sCluster } from '../../src/controlplane/client.js';

const CREATED = '2025-02-03T04:05:06.789Z';
const TOKEN = 'cpln-sa-key-acme';
const PEM =
  '-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAjMSEwHwYDVQQDDBhrM3Mt\n-----END CERTIFICATE-----\n';
const ISSUER = 'https://oidc.cpln.io/acme/prod-eu';

const emulator = new ControlPlaneEmulator({ now: () => new Date(CREATED), tokens: { [TOKEN]: ['acme'] } });
let url = '';

function get(path: string, authorization?: string): Promise<Response> {
  return fetch(`${url}${path}`, { headers: authorization === undefined ? {} : { authorization } });
}

beforeAll(async () => {
  url = await emulator.start();
  emulator.addToken('cpln-other-org', ['globex']);
  emulator.addCluster({
    org: 'acme',
    name: 'prod-eu',
    oidcProviderUrl: ISSUER,
    serverUrl: 'https://prod-eu.k8s.cpln.io:6443',
    caPem: PEM,
    addOn: true,
  });
  emulator.addCluster({
    org: 'acme',
    name: 'plain',
    oidcProviderUrl: 'https://oidc.cpln.io/acme/plain',
    serverUrl: 'https://plain.k8s.cpln.io:6443',
    caPem: PEM,
    addOn: false,
  });
});

afterAll(async () => {
  await emulator.stop();
});

beforeEach(() => {
  emulator.setFaults({});
  emulator.resetCounters();
});

test('GET /org/{org}/mk8s/{name} returns the mk8s resource with the AWS Workload Identity status', async () => {
  const res = await get('/org/acme/mk8s/prod-eu', `Bearer ${TOKEN}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toEqual({
    id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
    name: 'prod-eu',
    kind: 'mk8s',
    version: 1,
    description: 'prod-eu',
    tags: {},
    created: CREATED,
    lastModified: CREATED,
    links: [
      { rel: 'self', href: '/org/acme/mk8s/prod-eu' },
      { rel: 'org', href: '/org/acme' },
    ],
    alias: expect.any(String),
    spec: {
      version: '1.31.5',
      firewall: [{ sourceCIDR: '0.0.0.0/0', description: 'default allow-all' }],
      provider: {
        generic: {
          location: 'aws-eu-central-1',
          networking: { serviceNetwork: '10.43.0.0/16', podNetwork: '10.42.0.0/16' },
          nodePools: [],
        },
      },
      addOns: { dashboard: {}, awsWorkloadIdentity: {} },
    },
    status: {
      oidcProviderUrl: ISSUER,
      serverUrl: 'https://prod-eu.k8s.cpln.io:6443',
      homeLocation: 'aws-eu-central-1',
      addOns: {
        dashboard: { url: 'https://console.cpln.io/console/org/acme/mk8s/prod-eu/-dashboard' },
        awsWorkloadIdentity: {
          oidcProviderConfig: { providerUrl: ISSUER, audience: 'sts.amazonaws.com' },
          trustPolicy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Federated: 'arn:aws:iam::<ACCOUNT_ID>:oidc-provider/oidc.cpln.io/acme/prod-eu' },
                Action: 'sts:AssumeRoleWithWebIdentity',
                Condition: {
                  StringEquals: {
                    'oidc.cpln.io/acme/prod-eu:sub': 'system:serviceaccount:<NAMESPACE>:<SERVICE_ACCOUNT>',
                    'oidc.cpln.io/acme/prod-eu:aud': 'sts.amazonaws.com',
                  },
                },
              },
            ],
          },
        },
      },
    },
  });
});

test('a cluster without the add-on has no awsWorkloadIdentity in spec or status', async () => {
  const body = (await (await get('/org/acme/mk8s/plain', TOKEN)).json()) as {
    spec: { addOns: Record<string, unknown> };
    status: { oidcProviderUrl: string; addOns: Record<string, unknown> };
  };
  expect(body.status.oidcProviderUrl).toBe('https://oidc.cpln.io/acme/plain');
  expect(Object.keys(body.spec.addOns)).toEqual(['dashboard']);
  expect(Object.keys(body.status.addOns)).toEqual(['dashboard']);
});

test('serves the CA bundle at /-cacerts', async () => {
  const res = await get('/org/acme/mk8s/prod-eu/-cacerts', TOKEN);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ cacerts: PEM });
});

test('accepts the token with or without the Bearer prefix, in any case', async () => {
  for (const header of [TOKEN, `Bearer ${TOKEN}`, `bearer ${TOKEN}`, `  Bearer   ${TOKEN} `]) {
    expect((await get('/org/acme/mk8s/prod-eu', header)).status).toBe(200);
  }
});

test('401 without or with a wrong token, 403 for another org, and 403 for an unknown cluster as the OpenAPI documents', async () => {
  for (const header of [undefined, '', 'Bearer ', 'Bearer nope', 'nope']) {
    const res = await get('/org/acme/mk8s/prod-eu', header);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ status: 401, message: 'Unauthorized', code: 'unauthorized' });
  }
  const forbidden = await get('/org/acme/mk8s/prod-eu', 'Bearer cpln-other-org');
  expect(forbidden.status).toBe(403);
  expect(await forbidden.json()).toMatchObject({ status: 403, code: 'forbidden' });

  // #20: the OpenAPI pages list only 200 and 403 "Not found or not allowed to view" (no 404).
  const missing = await get('/org/acme/mk8s/nope', TOKEN);
  expect(missing.status).toBe(403);
  expect(await missing.json()).toEqual({
    status: 403,
    message: 'Not found or not allowed to view',
    code: 'forbidden',
  });
  expect((await get('/org/acme/mk8s/nope/-cacerts', TOKEN)).status).toBe(403);

  expect((await get('/org/acme/gvc/x', TOKEN)).status).toBe(404);
  const patch = await fetch(`${url}/org/acme/mk8s/prod-eu`, {
    method: 'PATCH',
    headers: { authorization: TOKEN },
  });
  expect(patch.status).toBe(405);
  // Unroutable requests are not counted as operations.
  expect(emulator.counters().map((c) => c.operation)).toEqual(['get mk8s', 'get mk8s cacerts']);
});

test('custom audience and trust policy; replacing a cluster bumps its version', async () => {
  const custom = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity' }],
  };
  emulator.addCluster({
    org: 'acme',
    name: 'custom',
    oidcProviderUrl: 'https://issuer.example/acme',
    serverUrl: 'https://custom:6443',
    caPem: PEM,
    addOn: true,
    audience: 'custom-aud',
    trustPolicy: custom,
  });
  const replaced = emulator.addCluster({
    org: 'acme',
    name: 'custom',
    oidcProviderUrl: 'https://issuer.example/acme',
    serverUrl: 'https://custom:6443',
    caPem: PEM,
    addOn: true,
    audience: 'custom-aud',
    trustPolicy: custom,
  });
  expect(replaced.version).toBe(2);
  const body = (await (await get('/org/acme/mk8s/custom', TOKEN)).json()) as {
    version: number;
    status: { addOns: { awsWorkloadIdentity: { oidcProviderConfig: unknown; trustPolicy: unknown } } };
  };
  expect(body.version).toBe(2);
  expect(body.status.addOns.awsWorkloadIdentity).toEqual({
    oidcProviderConfig: { providerUrl: 'https://issuer.example/acme', audience: 'custom-aud' },
    trustPolicy: custom,
  });
  expect(emulator.removeCluster('acme', 'custom')).toBe(true);
  expect((await get('/org/acme/mk8s/custom', TOKEN)).status).toBe(403);
});

test('faults: 429 with retry-after, 500, dropped connections; counters by operation', async () => {
  emulator.setFaults({ throttleRate: 1 });
  emulator.setRetryAfter(2);
  const throttled = await get('/org/acme/mk8s/prod-eu', TOKEN);
  expect(throttled.status).toBe(429);
  expect(throttled.headers.get('retry-after')).toBe('2');
  expect(await throttled.json()).toMatchObject({ status: 429, code: 'too_many_requests' });
  emulator.setRetryAfter(1);

  // A bucket of two that practically never refills: the third call is throttled.
  emulator.setFaults({ rateLimit: { perSecond: 0.001, burst: 2 } });
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await get('/org/acme/mk8s/prod-eu/-cacerts', TOKEN)).status);
  expect(statuses).toEqual([200, 200, 429]);

  emulator.setFaults({ errorRate: 1 });
  const broken = await get('/org/acme/mk8s/prod-eu', TOKEN);
  expect(broken.status).toBe(500);
  expect(await broken.json()).toEqual({
    status: 500,
    message: 'Internal Server Error',
    code: 'internal_error',
  });

  emulator.setFaults({ dropRate: 1 });
  await expect(get('/org/acme/mk8s/prod-eu', TOKEN)).rejects.toThrow('fetch failed');

  expect(emulator.injected()).toEqual({ throttled: 2, errors: 1, dropped: 1 });
  expect(emulator.counters()).toEqual([
    { operation: 'get mk8s', mutating: false, count: 3 },
    { operation: 'get mk8s cacerts', mutating: false, count: 3 },
  ]);
});

test("the product's Control Plane client reads the emulator", async () => {
  const access = { endpoint: url, token: TOKEN };
  const cluster = await getMk8sCluster(access, 'acme', 'prod-eu');
  expect(cluster).toMatchObject({
    oidcProviderUrl: ISSUER,
    serverUrl: 'https://prod-eu.k8s.cpln.io:6443',
    awsWorkloadIdentity: { providerUrl: ISSUER, audience: 'sts.amazonaws.com' },
  });
  expect((await getMk8sCluster(access, 'acme', 'plain')).awsWorkloadIdentity).toBeUndefined();
  expect(await getMk8sCaCerts(access, 'acme', 'prod-eu')).toBe(PEM);
  await expect(getMk8sCluster({ endpoint: url, token: 'wrong' }, 'acme', 'prod-eu')).rejects.toMatchObject({
    status: 401,
  });
  await expect(getMk8sCluster(access, 'acme', 'nope')).rejects.toMatchObject({ status: 403 });
});

test('an add-on enabled in the spec but not reconciled: spec set, no status block; -ready says why (#20)', async () => {
  emulator.addCluster({
    org: 'acme',
    name: 'warming',
    oidcProviderUrl: 'oidc.cpln.io/warming',
    serverUrl: 'https://127.0.0.1:9',
    caPem: 'PEM',
    addOn: 'pending',
  });
  const body = (await (await get('/org/acme/mk8s/warming', TOKEN)).json()) as {
    spec: { addOns: Record<string, unknown> };
    status: { oidcProviderUrl: string; addOns: Record<string, unknown> };
  };
  expect(body.spec.addOns.awsWorkloadIdentity).toEqual({});
  expect(body.status.addOns.awsWorkloadIdentity).toBeUndefined();
  expect(body.status.oidcProviderUrl).toBe('oidc.cpln.io/warming');
  const ready = await get('/org/acme/mk8s/warming/-ready', TOKEN);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({
    ready: false,
    message: 'awsWorkloadIdentity add-on is being provisioned',
  });
  expect(await (await get('/org/acme/mk8s/prod-eu/-ready', TOKEN)).json()).toEqual({
    ready: true,
    message: 'ready',
  });
  expect((await get('/org/acme/mk8s/nope/-ready', TOKEN)).status).toBe(403);
  emulator.removeCluster('acme', 'warming');
});
