// The action's overall limit (input `timeout`) on an apply (issue #13 item 4): an IAM whose
// CreateRole never answers stops the apply at the limit, and the log and the job summary say exactly
// which changes finished and which did not, as the CLI does. run() from src/main.ts runs in this
// process; the only time here is the product's own configured limit, nothing measures time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runActionInProcess } from './action-in-process.js';
import { startSafetySandbox, type SafetySandbox } from './harness.js';
import { IAM_ONLY_BINDINGS, startIamWithHangingCreateRole } from './hanging-endpoints.js';

let sandbox: SafetySandbox;
let iam: Awaited<ReturnType<typeof startIamWithHangingCreateRole>>;

beforeAll(async () => {
  sandbox = await startSafetySandbox();
  iam = await startIamWithHangingCreateRole(sandbox.env.AWS_ENDPOINT_URL_IAM!);
});

afterAll(async () => {
  await iam.stop();
  await sandbox.stop();
});

// 6 s: the limit covers the plan before the writes too (see safety/timeouts.test.ts).
test('an action apply whose IAM writes never answer stops at the timeout input of 6 s and reports exactly what finished', async () => {
  const dir = join(sandbox.dir, 'apply-hangs');
  const workspace = join(dir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'workload-identity.yaml'), IAM_ONLY_BINDINGS);
  const run = await runActionInProcess({
    dir,
    workspace,
    event: 'push',
    // No pull request to look up and no comment: GitHub is not needed.
    inputs: { mode: 'apply', timeout: '6s', 'require-reviewed-plan': 'false', comment: 'false' },
    env: { ...sandbox.env, AWS_ENDPOINT_URL_IAM: iam.url },
  });
  expect(run.code).toBe(1);
  // The OIDC provider was created (it answered); the role's CreateRole never did.
  expect(sandbox.iam.getOidcProviderState('https://oidc.example.com/id/ABC')).toBeDefined();
  expect(iam.held.length).toBeGreaterThanOrEqual(1);
  const report = [
    'apply did not finish within 6 s (the timeout input): it stopped waiting after 1 of 2 changes.',
    'Finished:',
    '  done: oidc-provider.oidc.example.com/id/ABC',
    'Not finished (a change in flight may or may not have taken effect):',
    '  create role.s3-reader',
    'Run plan again to see what is left, then apply the fresh plan.',
  ].join('\n');
  // The log: the report as lines, and the failure annotation (newlines encoded by @actions/core).
  expect(run.stdout).toContain(report);
  expect(run.stdout).toContain(`::error::${report.replace(/\n/g, '%0A')}`);
  // The job summary: the same report.
  expect(run.summary).toContain(report);
}, 30_000);
