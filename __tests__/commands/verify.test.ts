// `workload-identity verify` end to end, in process, against the local sandbox: real tokens from the
// Kubernetes emulators' TokenRequest API exchanged at the STS emulator. One test per failure cause,
// each checking the message the README's Troubleshooting section documents — and that no token
// ever reaches the output.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/main.js';
import { startLocalSandbox, type LocalSandbox } from '../../sandbox/local.js';
import { captureIo } from '../cli/io.js';
import { setProcessEnv } from '../safety/harness.js';

const US = 'https://oidc.us.example.com/id/US1';
const EU = 'https://oidc.eu.example.com/id/EU1';
const HOST_US = US.replace('https://', '');
const ACCOUNT = '123456789012';
let sandbox: LocalSandbox;
let dir: string;
let path: string;
let restoreEnv = (): void => undefined;
/** STS's clock runs this far ahead of the clusters' (for the clock-skew case). */
let skewMs = 0;

beforeAll(async () => {
  sandbox = await startLocalSandbox({
    contexts: ['prod-us', 'prod-eu'],
    namespaces: ['apps'],
    issuers: { 'prod-us': US, 'prod-eu': EU },
    iam: { clock: () => Date.now() + skewMs },
  });
  restoreEnv = setProcessEnv(sandbox.env as Record<string, string>);
  dir = mkdtempSync(join(tmpdir(), 'wib-verify-'));
  path = join(dir, 'workload-identity.yaml');
  writeFile();
  const applied = await cli(['apply', '--file', path, '--auto-approve']);
  expect(applied.code).toBe(0);
});
afterAll(async () => {
  restoreEnv();
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

function writeFile(usIssuer = US): void {
  writeFileSync(
    path,
    stringify({
      version: 1,
      owner: 'acme/verify',
      aws: { accountId: ACCOUNT },
      clusters: {
        'prod-us': { issuer: usIssuer, kubernetes: { context: 'prod-us' } },
        'prod-eu': { issuer: EU, kubernetes: { context: 'prod-eu' } },
        dr: { issuer: 'https://oidc.dr.example.com/id/DR', kubernetes: false },
      },
      bindings: [
        {
          role: 'orders',
          serviceAccounts: [
            { cluster: 'prod-us', namespace: 'apps', name: 'orders' },
            { cluster: 'prod-eu', namespace: 'apps', name: 'orders' },
            { cluster: 'dr', namespace: 'apps', name: 'orders' },
          ],
        },
        {
          role: 'billing',
          serviceAccounts: [
            { cluster: 'prod-us', namespace: 'apps', name: 'billing' },
            { cluster: 'prod-us', namespace: 'batch-*', name: 'billing' },
          ],
        },
      ],
    }),
  );
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(sandbox.env);
  const code = await runCli(argv, io);
  const result = { code, out: io.stdout(), err: io.stderr() };
  // Whatever happened, no token issued by either cluster may appear in the output.
  for (const kube of sandbox.kube.values())
    for (const token of kube.tokens.issued) {
      expect(result.out).not.toContain(token);
      expect(result.err).not.toContain(token);
      expect(result.out).not.toContain(token.split('.')[2]);
    }
  return result;
}

const verify = (...extra: string[]) => cli(['verify', '--file', path, ...extra]);
const orders = () => sandbox.iam.getRoleState('orders')!;

test('every exact ServiceAccount gets credentials; wildcard and IAM-only subjects are skipped', async () => {
  const issuedBefore = [...sandbox.kube.values()].reduce((n, k) => n + k.tokens.issued.length, 0);
  const { code, out } = await verify();
  expect(code).toBe(0);
  expect(out).toContain(
    `✓ prod-us apps/orders → orders: assumed arn:aws:sts::${ACCOUNT}:assumed-role/orders/wib-verify-apps-orders, credentials until`,
  );
  expect(out).toContain('✓ prod-eu apps/orders → orders');
  expect(out).toContain('✓ prod-us apps/billing → billing');
  expect(out).toContain('- dr apps/orders → orders: skipped, IAM-only cluster (kubernetes: false)');
  expect(out).toContain('- prod-us batch-*/billing → billing: skipped, wildcard subject');
  expect(out).toContain('Verify: 3 ServiceAccounts checked: 3 ✓ assumed, 0 ✗ failed, 2 skipped.');
  const issuedAfter = [...sandbox.kube.values()].reduce((n, k) => n + k.tokens.issued.length, 0);
  expect(issuedAfter - issuedBefore).toBe(3);
});

test('--binding and --sample select, --format json reports without tokens', async () => {
  const one = await verify('--binding', 'billing');
  expect(one.out).toContain('Verify: 1 ServiceAccount checked: 1 ✓ assumed, 0 ✗ failed, 1 skipped.');
  const sampled = await verify('--sample', '2');
  expect(sampled.out).toMatch(/2 ✓ assumed, 0 ✗ failed, 2 skipped, 1 not sampled/);
  // Round-robin over the roles: the sample touches both.
  expect(sampled.out).toContain('→ billing');
  expect(sampled.out).toContain('→ orders');
  const json = await verify('--format', 'json');
  const report = JSON.parse(json.out) as { outcomes: Array<{ ok: boolean }> };
  expect(report.outcomes.map((o) => o.ok)).toEqual([true, true, true]);
  const unknown = await verify('--binding', 'nope');
  expect(unknown.code).toBe(1);
  expect(unknown.err).toContain(
    '--binding "nope": no binding with that role in the file (roles: billing, orders)',
  );
});

test('ServiceAccount missing in the cluster: says so and to run apply', async () => {
  sandbox.kube.get('prod-eu')!.state.deleteServiceAccount('apps', 'orders');
  try {
    const { code, out } = await verify('--binding', 'orders');
    expect(code).toBe(1);
    expect(out).toContain(
      '✗ prod-eu apps/orders → orders: 404: ServiceAccount apps/orders does not exist on cluster "prod-eu"',
    );
    expect(out).toContain('fix: run apply (it creates the ServiceAccount)');
  } finally {
    expect((await cli(['apply', '--file', path, '--auto-approve'])).code).toBe(0);
  }
});

// A token STS accepts is not enough: pods get credentials only through the role-arn annotation the
// webhook reads. Both cases passed as ✓ before verify read the annotation.
test.each([
  [
    'missing',
    undefined,
    'AnnotationMissing: STS admits the token, but ServiceAccount apps/orders has no eks.amazonaws.com/role-arn annotation',
  ],
  [
    'naming another role',
    `arn:aws:iam::${ACCOUNT}:role/billing`,
    `AnnotationMismatch: STS admits the token, but ServiceAccount apps/orders is annotated with role arn:aws:iam::${ACCOUNT}:role/billing, not arn:aws:iam::${ACCOUNT}:role/workload-identity/orders`,
  ],
])('role-arn annotation %s: ✗ although STS admits the token', async (_case, roleArn, message) => {
  const eu = sandbox.kube.get('prod-eu')!;
  const before = eu.getServiceAccount('apps', 'orders')!;
  eu.seedServiceAccount({
    namespace: 'apps',
    name: 'orders',
    labels: before.metadata.labels,
    annotations: {
      ...Object.fromEntries(
        Object.entries(before.metadata.annotations ?? {}).filter(([k]) => k !== 'eks.amazonaws.com/role-arn'),
      ),
      ...(roleArn ? { 'eks.amazonaws.com/role-arn': roleArn } : {}),
    },
    // As if an earlier apply of ours wrote it, so the apply below may put the right role back.
    fieldManager: 'workload-identity-bindings',
    operation: 'Apply',
  });
  try {
    const { code, out } = await verify('--binding', 'orders');
    expect(code).toBe(1);
    expect(out).toContain(`✗ prod-eu apps/orders → orders: ${message}`);
    expect(out).toContain('fix: run apply');
    expect(out).toContain('✓ prod-us apps/orders → orders');
  } finally {
    const again = await cli(['apply', '--file', path, '--auto-approve']);
    if (again.code !== 0) throw new Error(again.out + again.err);
  }
});

test('a ServiceAccount that may not be read: ✓ from STS, with a note that the annotation was not checked', async () => {
  const eu = sandbox.kube.get('prod-eu')!;
  eu.denyRequests([{ verb: 'get', resource: 'serviceaccounts' }]);
  try {
    const { code, out } = await verify('--binding', 'orders');
    expect(code).toBe(0);
    expect(out).toMatch(
      /✓ prod-eu apps\/orders → orders: assumed .*\n {6}note: role-arn annotation not checked: could not read the ServiceAccount \(403/,
    );
  } finally {
    eu.denyRequests([]);
  }
});

test('trust policy for another ServiceAccount: AccessDenied explained as a sub mismatch', async () => {
  const role = orders();
  const trust = role.assumeRolePolicyDocument.replaceAll(
    'system:serviceaccount:apps:orders',
    'system:serviceaccount:apps:orders-v2',
  );
  sandbox.iam.seedRole({ ...role, assumeRolePolicyDocument: trust, tags: role.tags });
  try {
    const { code, out } = await verify('--binding', 'orders');
    expect(code).toBe(1);
    expect(out).toContain(
      '✗ prod-us apps/orders → orders: AccessDenied: sub mismatch: the trust policy of orders admits "system:serviceaccount:apps:orders-v2" for this issuer, not "system:serviceaccount:apps:orders"',
    );
    expect(out).toContain('fix: run apply to rewrite the trust policy from the bindings file');
    expect(out).toContain('0 ✓ assumed, 2 ✗ failed');
  } finally {
    sandbox.iam.seedRole({ ...role, tags: role.tags });
  }
});

test('trust policy pinned to another audience: AccessDenied explained as an aud mismatch', async () => {
  const role = orders();
  const trust = role.assumeRolePolicyDocument.replaceAll('"sts.amazonaws.com"', '"api.example.com"');
  sandbox.iam.seedRole({ ...role, assumeRolePolicyDocument: trust, tags: role.tags });
  try {
    const { out } = await verify('--binding', 'orders');
    expect(out).toContain(
      '✗ prod-us apps/orders → orders: AccessDenied: aud mismatch: the trust policy of orders requires audience "api.example.com", the token has "sts.amazonaws.com"',
    );
  } finally {
    sandbox.iam.seedRole({ ...role, tags: role.tags });
  }
});

test('role deleted outside the file: AccessDenied explained as a missing role', async () => {
  const role = orders();
  sandbox.iam.deleteRoleState('orders');
  try {
    const { out } = await verify('--binding', 'orders');
    expect(out).toContain(
      `AccessDenied: role arn:aws:iam::${ACCOUNT}:role/workload-identity/orders does not exist`,
    );
    expect(out).toContain('fix: run apply (it creates the role)');
  } finally {
    sandbox.iam.seedRole({ ...role, tags: role.tags });
  }
});

test('issuer not registered in IAM: InvalidIdentityToken explained, and a wrong issuer in the file named', async () => {
  const provider = sandbox.iam.getOidcProviderState(US)!;
  sandbox.iam.deleteOidcProviderState(US);
  try {
    const { out } = await verify('--binding', 'billing');
    expect(out).toContain(
      `✗ prod-us apps/billing → billing: InvalidIdentityToken: issuer ${US} is not registered as an IAM OIDC provider in this account`,
    );
    // The file names another issuer than the one the cluster signs with.
    writeFile('https://oidc.us.example.com/id/WRONG');
    const wrong = await verify('--binding', 'billing');
    expect(wrong.out).toContain(
      `InvalidIdentityToken: the cluster signs tokens as issuer ${US}, but the bindings file says https://oidc.us.example.com/id/WRONG (issuer not registered in IAM)`,
    );
    expect(wrong.out).toContain(`fix: set clusters.prod-us.issuer to ${US} and run apply`);
  } finally {
    writeFile();
    sandbox.iam.seedOidcProvider({ url: US, clientIds: provider.clientIds, tags: provider.tags });
  }
});

test('audience not among the provider client ids: InvalidIdentityToken explained', async () => {
  const provider = sandbox.iam.getOidcProviderState(US)!;
  sandbox.iam.seedOidcProvider({ url: US, clientIds: ['something-else'], tags: provider.tags });
  try {
    const { out } = await verify('--binding', 'billing');
    expect(out).toContain(
      `InvalidIdentityToken: the OIDC provider for ${HOST_US} does not list the token's audience "sts.amazonaws.com" among its client ids`,
    );
  } finally {
    sandbox.iam.seedOidcProvider({ url: US, clientIds: provider.clientIds, tags: provider.tags });
  }
});

test('issuer discovery unreachable: IDPCommunicationError explained; JWKS not served: verification key', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const notFound = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => notFound.listen(0, '127.0.0.1', resolve));
  // A new issuer, so STS has no keys of it cached.
  const other = 'https://oidc.private.example.com/id/P';
  const cluster = sandbox.kube.get('prod-us')!;
  const role = sandbox.iam.getRoleState('billing')!;
  try {
    sandbox.iam.seedOidcProvider({ url: other });
    sandbox.iam.seedRole({
      ...role,
      assumeRolePolicyDocument: role.assumeRolePolicyDocument.replaceAll(
        HOST_US,
        other.replace('https://', ''),
      ),
      tags: role.tags,
    });
    cluster.tokens.useIssuer(other);
    writeFile(other);
    sandbox.iam.routeIssuer(other, `http://127.0.0.1:${port}`);
    const down = await verify('--binding', 'billing');
    expect(down.out).toContain(
      `✗ prod-us apps/billing → billing: IDPCommunicationError: AWS could not reach the issuer's discovery document or JWKS at ${other}/.well-known/openid-configuration`,
    );
    sandbox.iam.routeIssuer(other, `http://127.0.0.1:${(notFound.address() as AddressInfo).port}`);
    const hidden = await verify('--binding', 'billing');
    expect(hidden.out).toContain(
      `InvalidIdentityToken: AWS could not get a verification key from ${other}/.well-known/openid-configuration and its jwks_uri`,
    );
  } finally {
    cluster.tokens.useIssuer(US);
    writeFile();
    sandbox.iam.deleteOidcProviderState(other);
    sandbox.iam.seedRole({ ...role, tags: role.tags });
    await new Promise<void>((resolve) => notFound.close(() => resolve()));
    expect((await verify()).code).toBe(0);
  }
});

test("cluster clock behind STS's: ExpiredTokenException explained as clock skew", async () => {
  skewMs = 11 * 60 * 1000;
  try {
    const { out } = await verify('--binding', 'billing');
    expect(out).toContain(
      "✗ prod-us apps/billing → billing: ExpiredTokenException: STS considers the token expired right after the cluster issued it: the cluster's clock is behind AWS's",
    );
  } finally {
    skewMs = 0;
  }
});
