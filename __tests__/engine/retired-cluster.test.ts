// A cluster removed from the bindings file must never leave ServiceAccounts of ours behind: the run
// refuses (positioned, two steps) while our roles still trust its issuer, the documented drain — the
// cluster kept with no bindings — deletes them, and afterwards the entry can go. Real CLI in process,
// against the IAM and two Kubernetes emulators.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/main.js';
import { CREATED_ANNOTATION, ROLE_ARN_ANNOTATION } from '../../src/support/ownership.js';
import { startLocalSandbox, type LocalSandbox } from '../../sandbox/local.js';
import { captureIo } from '../cli/io.js';
import { setProcessEnv } from '../safety/harness.js';

const US = 'https://oidc.us.example.com/id/US1';
const EU = 'https://oidc.eu.example.com/id/EU1';
let sandbox: LocalSandbox;
let dir: string;
let restoreEnv = (): void => undefined;

beforeAll(async () => {
  sandbox = await startLocalSandbox({ contexts: ['prod-us', 'prod-eu'], namespaces: ['apps'] });
  restoreEnv = setProcessEnv(sandbox.env as Record<string, string>);
  dir = mkdtempSync(join(tmpdir(), 'wib-retired-'));
});
afterAll(async () => {
  restoreEnv();
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

const usCluster = { 'prod-us': { issuer: US, kubernetes: { context: 'prod-us' } } };
const euCluster = { 'prod-eu': { issuer: EU, kubernetes: { context: 'prod-eu' } } };
const usBinding = {
  role: 'orders',
  serviceAccounts: [{ cluster: 'prod-us', namespace: 'apps', name: 'orders' }],
};
const euBinding = {
  role: 'billing',
  serviceAccounts: [{ cluster: 'prod-eu', namespace: 'apps', name: 'billing' }],
};

function write(clusters: object, bindings: object[]): string {
  const path = join(dir, 'workload-identity.yaml');
  writeFileSync(
    path,
    stringify({ version: 1, owner: 'acme/retired', aws: { accountId: '123456789012' }, clusters, bindings }),
  );
  return path;
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(sandbox.env);
  const code = await runCli(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const euSa = () => sandbox.kube.get('prod-eu')!.getServiceAccount('apps', 'billing');

test('removing a cluster key is refused until the cluster has been drained, then cleaned up', async () => {
  const both = write({ ...usCluster, ...euCluster }, [usBinding, euBinding]);
  expect((await cli(['apply', '--file', both, '--auto-approve'])).code).toBe(0);
  expect(euSa()?.metadata.annotations?.[CREATED_ANNOTATION]).toBe('true');

  // The cluster key and its binding are gone: the plan cannot see prod-eu any more.
  const removed = write(usCluster, [usBinding]);
  const mutating = sandbox.iam.server.totalCalls({ mutating: true });
  for (const argv of [
    ['plan', '--file', removed],
    ['apply', '--file', removed, '--auto-approve'],
  ]) {
    const run = await cli(argv);
    expect(run.code).toBe(1);
    // Positioned at `clusters:` (line 5 of the written file), with both steps.
    expect(run.err).toContain(`${removed}:5:1: no cluster in the file has the issuer ${EU} any more`);
    expect(run.err).toContain('our role "billing" still trust');
    expect(run.err).toMatch(/1\. put the cluster back under `clusters:` with no binding naming it/);
    expect(run.err).toContain(`old-cluster: {issuer: ${EU}, kubernetes: {context: CONTEXT}}`);
    expect(run.err).toMatch(/2\. then delete the cluster entry/);
  }
  expect(sandbox.iam.server.totalCalls({ mutating: true })).toBe(mutating);
  expect(sandbox.iam.getRoleState('billing')).toBeDefined();
  expect(euSa()?.metadata.annotations?.[ROLE_ARN_ANNOTATION]).toMatch(/role\/workload-identity\/billing$/);

  // Step 1: the cluster kept, with no binding naming it — the plan reaches it and deletes what we made.
  const drained = write({ ...usCluster, ...euCluster }, [usBinding]);
  const plan = await cli(['plan', '--file', drained, '--format', 'json']);
  expect(plan.code).toBe(0);
  const addresses = (JSON.parse(plan.out) as { changes: Array<{ action: string; address: string }> }).changes
    .map((c) => `${c.action} ${c.address}`)
    .sort();
  expect(addresses).toEqual([
    'delete oidc-provider.oidc.eu.example.com/id/EU1',
    'delete role.billing',
    'delete service-account.prod-eu/apps/billing',
  ]);
  expect((await cli(['apply', '--file', drained, '--auto-approve'])).code).toBe(0);
  expect(euSa()).toBeUndefined();

  // Step 2: now the entry can go, and nothing is left to do.
  const final = await cli(['plan', '--file', removed, '--detailed-exitcode']);
  expect(final.err).toBe('');
  expect(final.code).toBe(0);
  expect(sandbox.iam.getOidcProviderState(EU)).toBeUndefined();
});
