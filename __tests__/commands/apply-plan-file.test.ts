// `plan --file mine/work.yaml --out p.json` says "apply it with: workload-identity apply --plan
// p.json": that exact command must work (the plan records its bindings file), and a --file that
// differs from the plan's is refused with both paths named.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/main.js';
import { startLocalSandbox, type LocalSandbox } from '../../sandbox/local.js';
import { captureIo } from '../cli/io.js';
import { setProcessEnv } from '../safety/harness.js';

let sandbox: LocalSandbox;
let dir: string;
let restoreEnv = (): void => undefined;
const cwd = process.cwd();

beforeAll(async () => {
  sandbox = await startLocalSandbox({ contexts: ['prod'] });
  restoreEnv = setProcessEnv(sandbox.env as Record<string, string>);
  dir = mkdtempSync(join(tmpdir(), 'wib-apply-plan-file-'));
  mkdirSync(join(dir, 'mine'));
  // Relative paths, as a user types them, from a directory without a workload-identity.yaml.
  process.chdir(dir);
});
afterAll(async () => {
  process.chdir(cwd);
  restoreEnv();
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(sandbox.env);
  const code = await runCli(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const file = (role: string) =>
  stringify({
    version: 1,
    owner: 'acme/apply-plan-file',
    aws: { accountId: '123456789012' },
    clusters: { prod: { issuer: 'https://oidc.example.com/id/APF', kubernetes: { context: 'prod' } } },
    bindings: [{ role, serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: role }] }],
  });

test('apply --plan re-plans the file the plan was made from; another --file is refused', async () => {
  writeFileSync(join(dir, 'mine', 'work.yaml'), file('work'));
  writeFileSync(join(dir, 'mine', 'other.yaml'), file('other'));
  const plan = await cli(['plan', '--file', 'mine/work.yaml', '--out', 'p.json']);
  expect(plan.code).toBe(0);
  expect(plan.err).toContain('apply it with: workload-identity apply --plan p.json');

  const calls = sandbox.iam.server.totalCalls();
  const other = await cli(['apply', '--plan', 'p.json', '--file', 'mine/other.yaml']);
  expect(other.code).toBe(1);
  expect(other.err).toContain(
    '--file mine/other.yaml is not the bindings file the plan p.json was made from (mine/work.yaml)',
  );
  expect(sandbox.iam.server.totalCalls()).toBe(calls);
  expect(sandbox.iam.getRoleState('other')).toBeUndefined();

  // The same file spelt differently is the same file.
  const applied = await cli(['apply', '--plan', 'p.json', '--file', './mine/../mine/work.yaml']);
  expect(applied.err).toBe('');
  expect(applied.code).toBe(0);
  // Exactly what the plan printed: no --file.
  writeFileSync(join(dir, 'mine', 'work.yaml'), file('work2'));
  expect((await cli(['plan', '--file', 'mine/work.yaml', '--out', 'p.json'])).code).toBe(0);
  const again = await cli(['apply', '--plan', 'p.json']);
  expect(again.err).toBe('');
  expect(again.code).toBe(0);
  expect(again.out).toContain('Apply complete!');
  expect(sandbox.iam.getRoleState('work2')).toBeDefined();
});
