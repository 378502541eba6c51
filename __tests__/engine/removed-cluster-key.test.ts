// #14 item 1, the gap the trust-policy check cannot see: two cluster keys share one issuer, one is
// removed. Our roles still trust the issuer (the other key uses it), so only the base branch's file
// tells that a key was dropped. With --base-file the plan refuses (positioned, two steps) before
// anything changes; the drain then deletes the ServiceAccounts on the dropped cluster; without a base
// the plan says, once, what it cannot detect. Real CLI in process, IAM and two Kubernetes emulators.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/main.js';
import { CREATED_ANNOTATION } from '../../src/support/ownership.js';
import { startLocalSandbox, type LocalSandbox } from '../../sandbox/local.js';
import { captureIo } from '../cli/io.js';
import { setProcessEnv } from '../safety/harness.js';

const ISSUER = 'https://oidc.shared.example.com/id/S1';
let sandbox: LocalSandbox;
let dir: string;
let restoreEnv = (): void => undefined;

beforeAll(async () => {
  sandbox = await startLocalSandbox({ contexts: ['blue', 'green'], namespaces: ['apps'] });
  restoreEnv = setProcessEnv(sandbox.env as Record<string, string>);
  dir = mkdtempSync(join(tmpdir(), 'wib-removed-key-'));
});
afterAll(async () => {
  restoreEnv();
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

const blue = { blue: { issuer: ISSUER, kubernetes: { context: 'blue' } } };
const green = { green: { issuer: ISSUER, kubernetes: { context: 'green' } } };
const binding = (clusters: string[]) => ({
  role: 'orders',
  serviceAccounts: clusters.map((cluster) => ({ cluster, namespace: 'apps', name: `orders-${cluster}` })),
});

function write(name: string, clusters: object, bindings: object[]): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    stringify({
      version: 1,
      owner: 'acme/removed-key',
      aws: { accountId: '123456789012' },
      clusters,
      bindings,
    }),
  );
  return path;
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(sandbox.env);
  const code = await runCli(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const greenSa = () => sandbox.kube.get('green')!.getServiceAccount('apps', 'orders-green');

test('dropping one of two keys that share an issuer is refused with a base file, drained, then allowed', async () => {
  const both = write('both.yaml', { ...blue, ...green }, [binding(['blue', 'green'])]);
  expect((await cli(['apply', '--file', both, '--auto-approve'])).code).toBe(0);
  expect(greenSa()?.metadata.annotations?.[CREATED_ANNOTATION]).toBe('true');
  const base = join(dir, 'base.yaml');
  writeFileSync(
    base,
    stringify({
      version: 1,
      owner: 'acme/removed-key',
      aws: { accountId: '123456789012' },
      clusters: { ...blue, ...green },
      bindings: [binding(['blue', 'green'])],
    }),
  );

  // green and its ServiceAccount leave the file; blue still uses the issuer.
  const removed = write('head.yaml', blue, [binding(['blue'])]);
  const calls = sandbox.iam.server.totalCalls();
  for (const argv of [
    ['plan', '--file', removed, '--base-file', base],
    ['apply', '--file', removed, '--auto-approve', '--base-file', base],
  ]) {
    const refused = await cli(argv);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(
      `${removed}:5:1: cluster "green" is in the base file (${base}) but not in this one, and it had ServiceAccounts bound (apps/orders-green).`,
    );
    expect(refused.err).toContain(`green: {issuer: ${ISSUER}, kubernetes: {context: green}}`);
    expect(refused.err).toMatch(/2\. then delete the cluster entry/);
  }
  // Refused from the two files alone: not a single IAM call, let alone a change.
  expect(sandbox.iam.server.totalCalls()).toBe(calls);

  // Without a base the plan cannot know, and says so once (the gap this test is about).
  const blind = await cli(['plan', '--file', removed]);
  expect(blind.code).toBe(0);
  const note =
    'a cluster key removed from this file while another key still uses its issuer cannot be detected';
  expect(blind.out.split(note)).toHaveLength(2);

  // Step 1: green kept with no binding naming it: its ServiceAccount is deleted.
  const drained = write('head.yaml', { ...blue, ...green }, [binding(['blue'])]);
  const plan = await cli(['plan', '--file', drained, '--base-file', base, '--format', 'json']);
  expect(plan.code).toBe(0);
  const actions = (
    JSON.parse(plan.out) as { changes: Array<{ action: string; address: string }> }
  ).changes.map((c) => `${c.action} ${c.address}`);
  expect(actions).toContain('delete service-account.green/apps/orders-green');
  expect((await cli(['apply', '--file', drained, '--auto-approve'])).code).toBe(0);
  expect(greenSa()).toBeUndefined();

  // Step 2: against the drained base, removing the key is fine.
  writeFileSync(
    base,
    stringify({
      version: 1,
      owner: 'acme/removed-key',
      aws: { accountId: '123456789012' },
      clusters: { ...blue, ...green },
      bindings: [binding(['blue'])],
    }),
  );
  const final = await cli([
    'plan',
    '--file',
    write('head.yaml', blue, [binding(['blue'])]),
    '--base-file',
    base,
    '--detailed-exitcode',
  ]);
  expect(final.err).toBe('');
  expect(final.code).toBe(0);
});
