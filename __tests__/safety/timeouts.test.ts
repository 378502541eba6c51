// Bounded time: an endpoint that accepts connections and never answers must not hang a run. The
// CLI (a child process, as users run it) gets --timeout 2s: plan exits 1 naming the limit; apply
// against an IAM whose writes never answer reports exactly what finished and what did not. The only
// time in these tests is the product's own configured limit; nothing here measures time.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDuration } from '../../src/support/deadline.js';
import { cliEntry, runCli } from '../apply/cli-process.js';
import { startSafetySandbox, type SafetySandbox } from './harness.js';
import {
  IAM_ONLY_BINDINGS,
  startIamWithHangingCreateRole,
  startSilentEndpoint,
  type Endpoint,
} from './hanging-endpoints.js';

let sandbox: SafetySandbox;
let path: string;
let silent: Endpoint;
let iam: Awaited<ReturnType<typeof startIamWithHangingCreateRole>>;

beforeAll(async () => {
  cliEntry();
  sandbox = await startSafetySandbox();
  path = join(sandbox.dir, 'workload-identity.yaml');
  writeFileSync(path, IAM_ONLY_BINDINGS);
  silent = await startSilentEndpoint();
  iam = await startIamWithHangingCreateRole(sandbox.env.AWS_ENDPOINT_URL_IAM!);
});

afterAll(async () => {
  await silent.stop();
  await iam.stop();
  await sandbox.stop();
});

test('--timeout takes 90s, 15m and 1h; anything else is refused', () => {
  expect(parseDuration('90s')).toBe(90_000);
  expect(parseDuration('15m')).toBe(900_000);
  expect(parseDuration('1h')).toBe(3_600_000);
  expect(parseDuration('45')).toBe(45_000);
  for (const bad of ['0', '0s', '7h', '-1m', '1.5m', 'soon', '']) expect(parseDuration(bad)).toBeUndefined();
});

test('plan against an AWS endpoint that never answers exits 1 at the configured --timeout of 2 s', async () => {
  const run = await runCli(['plan', '--file', path, '--timeout', '2s'], {
    ...sandbox.env,
    AWS_ENDPOINT_URL_IAM: silent.url,
    AWS_ENDPOINT_URL_STS: silent.url,
  });
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/plan did not finish within 2 s \(--timeout\).*Nothing was changed/);
}, 30_000);

// 6 s, not 2: the deadline covers the plan before the writes too, and a loaded machine can spend
// 2 s starting the CLI and planning, which made this fail by timing out before any write.
test('apply whose IAM writes never answer stops at --timeout 6s and reports exactly what finished', async () => {
  const run = await runCli(['apply', '--file', path, '--auto-approve', '--timeout', '6s'], {
    ...sandbox.env,
    AWS_ENDPOINT_URL_IAM: iam.url,
  });
  expect(run.code).toBe(1);
  // The OIDC provider was created (it answered); the role's CreateRole never did.
  expect(sandbox.iam.getOidcProviderState('https://oidc.example.com/id/ABC')).toBeDefined();
  expect(iam.held.length).toBeGreaterThanOrEqual(1);
  expect(run.stderr).toContain(
    'apply did not finish within 6 s (--timeout): it stopped waiting after 1 of 2 changes.',
  );
  expect(run.stderr).toMatch(/Finished:\n  done: oidc-provider\.oidc\.example\.com\/id\/ABC\n/);
  expect(run.stderr).toMatch(
    /Not finished \(a change in flight may or may not have taken effect\):\n  create role\.s3-reader\n/,
  );
}, 30_000);
