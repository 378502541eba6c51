// The plan's extra IAM reads, end to end through the CLI against the sandbox's IAM emulator:
// RoleLastUsed for roles the plan destroys or narrows (one GetRole each, a warning when used in the
// last 7 days, "never used" otherwise), GetAccountSummary's real quotas (trust policy size, managed
// policies per role, roles left) failing the plan before apply would, the fallback when it is
// denied, and no extra call at all for a plan that writes and narrows no role.
import { GetAccountSummaryCommand, IAMClient } from '@aws-sdk/client-iam';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/main.js';
import type { Plan } from '../../src/plan/types.js';
import { startLocalSandbox, type LocalSandbox } from '../../sandbox/local.js';
import { captureIo } from '../cli/io.js';
import { setProcessEnv } from '../safety/harness.js';

const ACCOUNT = '123456789012';
const ISSUER = 'https://oidc.prod.example.com/id/P1';
const DAY = 24 * 3600 * 1000;
let sandbox: LocalSandbox;
let dir: string;
let path: string;
let restoreEnv = (): void => undefined;

beforeAll(async () => {
  sandbox = await startLocalSandbox({
    contexts: ['prod'],
    namespaces: ['apps'],
    issuers: { prod: ISSUER },
    iam: { rolesQuota: 4, managedPoliciesPerRole: 2, trustPolicySizeLimit: 1200 },
  });
  restoreEnv = setProcessEnv(sandbox.env as Record<string, string>);
  dir = mkdtempSync(join(tmpdir(), 'wib-account-'));
  path = join(dir, 'workload-identity.yaml');
});
afterAll(async () => {
  restoreEnv();
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface BindingSpec {
  role: string;
  names?: string[];
  managedPolicies?: string[];
}

function writeFile(bindings: BindingSpec[]): void {
  writeFileSync(
    path,
    stringify({
      version: 1,
      owner: 'acme/account',
      aws: { accountId: ACCOUNT },
      clusters: { prod: { issuer: ISSUER, kubernetes: { context: 'prod' } } },
      bindings: bindings.map((b) => ({
        role: b.role,
        serviceAccounts: (b.names ?? [b.role]).map((name) => ({ cluster: 'prod', namespace: 'apps', name })),
        ...(b.managedPolicies ? { managedPolicies: b.managedPolicies } : {}),
      })),
    }),
  );
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(sandbox.env);
  const code = await runCli(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const count = (operation: string): number => sandbox.iam.server.count(operation);

test('the IAM emulator answers GetAccountSummary with the real SummaryMap keys', async () => {
  const iam = new IAMClient({
    endpoint: sandbox.iam.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  const { SummaryMap } = await iam.send(new GetAccountSummaryCommand({}));
  const map = SummaryMap as Record<string, number>;
  expect(map).toMatchObject({
    AssumeRolePolicySizeMax: 1200,
    AttachedPoliciesPerRoleQuota: 2,
    RolesQuota: 4,
    Roles: sandbox.iam.listRoleNames().length,
    RolePolicySizeQuota: 10240,
    UsersQuota: 5000,
  });
  expect(Object.keys(map)).toHaveLength(33);
});

test('destroyed and narrowed roles show when they were last used; recent use warns', async () => {
  writeFile([
    { role: 'orders', names: ['orders', 'orders-worker'] },
    { role: 'billing' },
    { role: 'legacy' },
  ]);
  expect((await cli('apply', '--file', path, '--auto-approve')).code).toBe(0);
  sandbox.iam.setRoleLastUsed('orders', { date: new Date(Date.now() - 2 * DAY), region: 'eu-west-1' });
  sandbox.iam.setRoleLastUsed('billing', { date: new Date('2026-01-20T10:00:00Z'), region: 'us-east-1' });

  // orders loses a subject, billing and legacy are destroyed.
  writeFile([{ role: 'orders', names: ['orders'] }]);
  sandbox.iam.server.resetCounters();
  const json = await cli('plan', '--file', path, '--format', 'json');
  expect(json.err).toBe('');
  // One GetRole per such role, on top of the plan's reads (which use GetAccountAuthorizationDetails).
  expect(count('GetRole')).toBe(3);
  const plan = JSON.parse(json.out) as Plan;
  expect(plan.roleUsage).toEqual([
    {
      address: 'role.billing',
      roleName: 'billing',
      why: 'destroyed',
      lastUsed: { date: '2026-01-20T10:00:00.000Z', region: 'us-east-1' },
      recent: false,
    },
    { address: 'role.legacy', roleName: 'legacy', why: 'destroyed', recent: false },
    {
      address: 'role.orders',
      roleName: 'orders',
      why: 'loses-subject',
      lastUsed: { date: expect.any(String), region: 'eu-west-1' },
      recent: true,
    },
  ]);
  expect(plan.warnings).toContainEqual(
    expect.objectContaining({ code: 'role-recently-used', address: 'role.orders' }),
  );

  const text = await cli('plan', '--file', path, '--no-color');
  expect(text.out).toMatch(/- role\.billing\n(.*\n)*?      # last used 2026-01-20 \(us-east-1\)\n/);
  expect(text.out).toMatch(/- role\.legacy\n(.*\n)*?      # never used\n/);
  expect(text.out).toMatch(
    /~ role\.orders\n      # last used \d{4}-\d\d-\d\d \(eu-west-1\) \(within the last 7 days\)\n/,
  );

  const markdown = await cli('plan', '--file', path, '--format', 'markdown');
  expect(markdown.out).toContain('| `-` | role | `role.legacy` | never used;');
  expect(markdown.out).toMatch(
    /\| `~` \| role \| `role\.orders` \| ⚠️ last used \d{4}\\-\d\d\\-\d\d \\\(eu\\-west\\-1\\\)/,
  );
  expect(markdown.out).toContain('role orders was last used');
});

test('STS AssumeRoleWithWebIdentity in the emulator updates RoleLastUsed', async () => {
  writeFile([{ role: 'orders', names: ['orders'] }]);
  expect((await cli('apply', '--file', path, '--auto-approve')).code).toBe(0);
  sandbox.iam.setRoleLastUsed('orders', undefined);
  // verify assumes the role with a real ServiceAccount token, as a pod would.
  const verified = await cli('verify', '--file', path);
  expect(verified.code).toBe(0);
  expect(sandbox.iam.getRoleState('orders')?.lastUsed?.date.getTime()).toBeGreaterThan(Date.now() - 60_000);
});

test('a plan that writes and narrows no role makes neither GetAccountSummary nor GetRole', async () => {
  writeFile([{ role: 'orders', names: ['orders'] }]);
  sandbox.iam.server.resetCounters();
  const plan = await cli('plan', '--file', path, '--format', 'json');
  expect((JSON.parse(plan.out) as Plan).changes).toEqual([]);
  // Exactly the reads a plan made before these checks existed (the one GetRole is readRoles' own).
  expect(Object.fromEntries(sandbox.iam.server.counters().map((c) => [c.operation, c.count]))).toEqual({
    GetAccountAuthorizationDetails: 1,
    GetCallerIdentity: 1,
    GetOpenIDConnectProvider: 1,
    GetRole: 1,
    ListOpenIDConnectProviders: 1,
  });
});

test('the account quotas fail the plan: roles left, managed policies per role, trust policy size', async () => {
  writeFile([
    { role: 'orders', names: ['orders'] },
    { role: 'a' },
    { role: 'b' },
    { role: 'c' },
    { role: 'd' },
  ]);
  sandbox.iam.server.resetCounters();
  const roles = await cli('plan', '--file', path);
  expect(count('GetAccountSummary')).toBe(1);
  expect(roles.code).toBe(1);
  expect(roles.err).toContain(
    'the plan creates 4 roles, but the account has room for 3 more (RolesQuota 4, Roles 1, from GetAccountSummary): apply would stop at the quota.',
  );

  writeFile([
    {
      role: 'orders',
      names: ['orders'],
      managedPolicies: [
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
        'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
        'arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess',
      ],
    },
  ]);
  const policies = await cli('plan', '--file', path);
  expect(policies.code).toBe(1);
  expect(policies.err).toMatch(
    /workload-identity\.yaml:\d+:\d+: role orders: it would have 3 managed policies, over this account's AttachedPoliciesPerRoleQuota of 2 \(GetAccountSummary\)/,
  );

  writeFile([{ role: 'orders', names: ['orders', ...Array.from({ length: 25 }, (_, i) => `worker-${i}`)] }]);
  const trust = await cli('plan', '--file', path);
  expect(trust.code).toBe(1);
  expect(trust.err).toMatch(
    /role orders: its trust policy would be \d+ characters, over this account's AssumeRolePolicySizeMax of 1200/,
  );
  expect(trust.err).toContain("would exceed this AWS account's IAM quotas; nothing was changed.");
});

test('GetAccountSummary denied: the file values are used and the plan says so', async () => {
  writeFile([{ role: 'orders', names: ['orders'] }, { role: 'extra' }]);
  sandbox.iam.deny('GetAccountSummary');
  try {
    const json = await cli('plan', '--file', path, '--format', 'json');
    expect(json.err).toBe('');
    const plan = JSON.parse(json.out) as Plan;
    expect(plan.warnings).toContainEqual({
      code: 'account-quotas-unknown',
      message:
        "GetAccountSummary was denied, so the account's IAM quotas were not read: the plan checked trust policies against 2048 characters and 10 managed policies per role (aws.trustPolicySizeLimit / aws.maxManagedPoliciesPerRole or AWS's defaults), and not the number of roles left. Allow iam:GetAccountSummary for the plan credentials (README, AWS permissions).",
    });
  } finally {
    sandbox.iam.allow('GetAccountSummary');
  }
});
