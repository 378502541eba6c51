// The product never depends on how IAM treats case where IAM's documentation leaves it open (#20):
// an existing role is addressed by the name IAM returned, a role tag is changed under the key IAM
// holds, and an issuer is kept exactly as written because IAM provider URLs are case-sensitive. Real
// CLI in process, against the IAM emulator (strict: a role named in another case is not found) and a
// Kubernetes emulator.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/main.js';
import { OWNER_TAG, ROLE_ARN_ANNOTATION } from '../../src/support/ownership.js';
import { startLocalSandbox, type LocalSandbox } from '../../sandbox/local.js';
import { captureIo } from '../cli/io.js';
import { setProcessEnv } from '../safety/harness.js';

const ISSUER = 'https://oidc.case.example.com/id/C1';
let sandbox: LocalSandbox;
let dir: string;
let restoreEnv = (): void => undefined;

beforeAll(async () => {
  sandbox = await startLocalSandbox({ contexts: ['prod'], namespaces: ['apps'], issuers: { prod: ISSUER } });
  restoreEnv = setProcessEnv(sandbox.env as Record<string, string>);
  dir = mkdtempSync(join(tmpdir(), 'wib-iam-case-'));
});
afterAll(async () => {
  restoreEnv();
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, owner: string, issuer: string, bindings: object[]): string {
  const path = join(dir, name);
  const clusters = { prod: { issuer, kubernetes: { context: 'prod' } } };
  writeFileSync(
    path,
    stringify({ version: 1, owner, aws: { accountId: '123456789012' }, clusters, bindings }),
  );
  return path;
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(sandbox.env);
  const code = await runCli(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

interface JsonPlan {
  changes: Array<{ action: string; address: string; fields: Array<{ field: string }> }>;
  warnings: Array<{ code: string; message: string }>;
}

test('a role the file spells in another case is the same role: updated in place under its IAM name', async () => {
  const sa = [{ cluster: 'prod', namespace: 'apps', name: 'orders' }];
  const first = write('a.yaml', 'acme/case-a', ISSUER, [
    { role: 'Orders', serviceAccounts: sa, tags: { team: 'a' } },
  ]);
  expect((await cli(['apply', '--file', first, '--auto-approve'])).code).toBe(0);
  const roleId = sandbox.iam.getRoleState('Orders')?.roleId;
  expect(roleId).toBeDefined();

  // Now the file writes `orders` and `Team`: IAM still holds `Orders` and `team`.
  const respelled = write('a.yaml', 'acme/case-a', ISSUER, [
    { role: 'orders', serviceAccounts: sa, tags: { Team: 'b' }, maxSessionDuration: 7200 },
  ]);
  const plan = await cli(['plan', '--file', respelled, '--format', 'json']);
  expect(plan.code).toBe(0);
  const parsed = JSON.parse(plan.out) as JsonPlan;
  expect(parsed.changes.map((c) => `${c.action} ${c.address}`)).toEqual(['update role.Orders']);
  expect(parsed.changes[0].fields.map((f) => f.field)).toEqual(['maxSessionDuration', 'tags.team']);
  expect(parsed.warnings).toContainEqual(
    expect.objectContaining({
      code: 'role-name-case',
      message: expect.stringContaining('role "orders" in the file is the existing role "Orders"'),
    }),
  );

  expect((await cli(['apply', '--file', respelled, '--auto-approve'])).code).toBe(0);
  const role = sandbox.iam.getRoleState('Orders');
  // The same role (never deleted and re-created), its tag key still spelled as IAM held it.
  expect(role?.roleName).toBe('Orders');
  expect(role?.roleId).toBe(roleId);
  expect(role?.maxSessionDuration).toBe(7200);
  expect(role?.tags).toEqual(
    expect.arrayContaining([
      { Key: 'team', Value: 'b' },
      { Key: OWNER_TAG, Value: 'acme/case-a' },
    ]),
  );
  expect(role?.tags.map((t) => t.Key)).not.toContain('Team');
  // The ServiceAccount keeps pointing at the role's real ARN (STS compares ARNs exactly).
  const account = sandbox.kube.get('prod')!.getServiceAccount('apps', 'orders');
  expect(account?.metadata.annotations?.[ROLE_ARN_ANNOTATION]).toBe(
    'arn:aws:iam::123456789012:role/workload-identity/Orders',
  );
  const again = await cli(['plan', '--file', respelled, '--detailed-exitcode']);
  expect(again.code).toBe(0);
  // verify assumes the role as the pod does: by the ARN its ServiceAccount carries.
  const verified = await cli(['verify', '--file', respelled]);
  expect([verified.code, verified.err]).toEqual([0, '']);
});

test('an issuer whose host differs in case from an existing provider gets its own provider (IAM URLs are case-sensitive)', async () => {
  // Another tool registered the cluster's issuer as the cluster publishes it (lower-case host).
  sandbox.iam.seedOidcProvider({
    url: 'https://oidc.typo.example.com/id/T1',
    clientIds: ['sts.amazonaws.com'],
  });
  const upper = 'https://OIDC.Typo.example.com/id/T1';
  const file = write('b.yaml', 'acme/case-b', upper, [
    { role: 'typo-app', serviceAccounts: [{ cluster: 'prod', namespace: 'apps', name: 'typo-app' }] },
  ]);
  const validate = await cli(['validate', '--file', file]);
  expect(validate.err + validate.out).toContain('has upper-case letters in its host');

  const plan = await cli(['plan', '--file', file, '--format', 'json']);
  expect(plan.code).toBe(0);
  const addresses = (JSON.parse(plan.out) as JsonPlan).changes.map((c) => `${c.action} ${c.address}`);
  expect(addresses).toContain('create oidc-provider.OIDC.Typo.example.com/id/T1');

  // Kept exactly as written: the role trusts the provider of that spelling, which apply creates.
  expect((await cli(['apply', '--file', file, '--auto-approve'])).code).toBe(0);
  expect(sandbox.iam.getOidcProviderState(upper)?.url).toBe('OIDC.Typo.example.com/id/T1');
  expect(sandbox.iam.getRoleState('typo-app')?.assumeRolePolicyDocument).toContain(
    'oidc-provider/OIDC.Typo.example.com/id/T1',
  );
});
