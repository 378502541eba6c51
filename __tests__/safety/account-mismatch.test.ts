// A file that names one AWS account run with credentials for another must stop before anything is
// read: reviewers would see "AWS account 111111111111" while roles were created in the credentials'
// account, trusting the other account's provider. plan and apply (which plans again) ask STS
// GetCallerIdentity first and refuse with the position of `aws:`; the only request is that one.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../cli/io.js';
import { setProcessEnv, startSafetySandbox, type SafetySandbox } from './harness.js';

const file = (accountId: string) => `version: 1
owner: acme/platform-iam
aws:
  accountId: '${accountId}'
clusters:
  prod: { issuer: 'https://oidc.example.com/id/ABC', kubernetes: { context: prod-us } }
bindings:
  - role: s3-reader
    serviceAccounts: [{ cluster: prod, namespace: default, name: app }]
    managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
`;

let sandbox: SafetySandbox;
let restoreEnv: () => void;

beforeAll(async () => {
  sandbox = await startSafetySandbox({ contexts: ['prod-us'] });
  restoreEnv = setProcessEnv(sandbox.env);
});

beforeEach(() => sandbox.resetCounters());

afterAll(async () => {
  restoreEnv();
  await sandbox.stop();
});

test.each([
  ['plan', (path: string) => ['plan', '--file', path]],
  ['apply --auto-approve', (path: string) => ['apply', '--file', path, '--auto-approve']],
])(
  '%s refuses a file for account 111111111111 run with credentials for 123456789012, after one STS call and nothing else',
  async (_label, argv) => {
    const path = join(sandbox.dir, 'other-account.yaml');
    writeFileSync(path, file('111111111111'));
    const io = captureIo(sandbox.env);
    expect(await runCli(argv(path), io)).toBe(1);
    expect(io.stderr()).toMatch(
      new RegExp(
        `${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:1: aws\\.accountId is 111111111111, but the AWS credentials belong to account 123456789012`,
      ),
    );
    expect(sandbox.iam.server.count('GetCallerIdentity')).toBe(1);
    expect(sandbox.totalCalls()).toBe(1);
  },
);

test('the same file with the right account plans (the check is not a blanket refusal)', async () => {
  const path = join(sandbox.dir, 'right-account.yaml');
  writeFileSync(path, file('123456789012'));
  const io = captureIo(sandbox.env);
  expect(await runCli(['plan', '--file', path], io)).toBe(0);
  expect(sandbox.iam.server.count('GetCallerIdentity')).toBe(1);
});
