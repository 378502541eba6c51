// A managed policy ARN that does not exist must stop the plan, not fail apply halfway through a new
// role: one GetPolicy per distinct ARN not yet attached, a positioned error with a "did you mean",
// and nothing changed. Real CLI in process against the IAM and Kubernetes emulators.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
// (The emulator accepts any customer policy of the account except names starting with does-not-exist.)
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { startLocalSandbox, type LocalSandbox } from '../../sandbox/local.js';
import { captureIo } from '../cli/io.js';
import { setProcessEnv } from '../safety/harness.js';

let sandbox: LocalSandbox;
let dir: string;
let restoreEnv = (): void => undefined;

beforeAll(async () => {
  sandbox = await startLocalSandbox({ contexts: ['prod'] });
  restoreEnv = setProcessEnv(sandbox.env as Record<string, string>);
  dir = mkdtempSync(join(tmpdir(), 'wib-policy-check-'));
});
afterAll(async () => {
  restoreEnv();
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, policies: string[][]): string {
  const path = join(dir, name);
  const bindings = policies
    .map(
      (arns, i) => `  - role: app-${i}
    serviceAccounts:
      - {cluster: prod, namespace: default, name: app-${i}}
    managedPolicies:
${arns.map((arn) => `      - ${arn}`).join('\n')}`,
    )
    .join('\n');
  writeFileSync(
    path,
    `version: 1
owner: acme/policy-check
aws:
  accountId: "123456789012"
clusters:
  prod:
    issuer: https://oidc.example.com/id/POLICY
bindings:
${bindings}
`,
  );
  return path;
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(sandbox.env);
  const code = await runCli(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const S3_READ = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
const get = () => sandbox.iam.server.count('GetPolicy');

test('a misspelt ARN fails the plan at its line and column with a suggestion; nothing changes', async () => {
  sandbox.iam.addManagedPolicy('arn:aws:iam::123456789012:policy/does-not-exist-orders-reader');
  const file = write('typo.yaml', [
    [S3_READ, 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAcces'],
    [
      'arn:aws:iam::123456789012:policy/does-not-exist-orders-raeder',
      'arn:aws:iam::aws:policy/NoSuchThingAtAllHere',
    ],
  ]);
  expect((await cli(['validate', '--file', file])).code).toBe(0);
  for (const argv of [
    ['plan', '--file', file],
    ['apply', '--file', file, '--auto-approve'],
  ]) {
    const run = await cli(argv);
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      `${file}:14:9: managed policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAcces (role "app-0") does not exist or is not attachable (IAM GetPolicy: NoSuchEntity) — did you mean "${S3_READ}"?`,
    );
    expect(run.err).toContain(
      `${file}:19:9: managed policy arn:aws:iam::123456789012:policy/does-not-exist-orders-raeder (role "app-1") does not exist or is not attachable (IAM GetPolicy: NoSuchEntity) — did you mean "arn:aws:iam::123456789012:policy/does-not-exist-orders-reader"?`,
    );
    expect(run.err).toMatch(
      /:20:9: managed policy arn:aws:iam::aws:policy\/NoSuchThingAtAllHere .* — check the name/,
    );
    expect(run.err).toContain(
      '3 managed policies in the bindings file cannot be attached; nothing was changed.',
    );
  }
  expect(sandbox.iam.server.totalCalls({ mutating: true })).toBe(0);
  expect(sandbox.iam.getRoleState('app-0')).toBeUndefined();
});

test('one GetPolicy per distinct ARN not yet attached; none once attached', async () => {
  const file = write('good.yaml', [[S3_READ], [S3_READ, 'arn:aws:iam::aws:policy/ReadOnlyAccess']]);
  let before = get();
  expect((await cli(['plan', '--file', file])).code).toBe(0);
  expect(get() - before).toBe(2);
  expect((await cli(['apply', '--file', file, '--auto-approve'])).code).toBe(0);
  before = get();
  const again = await cli(['plan', '--file', file, '--detailed-exitcode']);
  expect(again.code).toBe(0);
  expect(get() - before).toBe(0);
});
