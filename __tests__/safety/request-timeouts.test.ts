// Per-request time limits of the non-AWS clients (issue #13 item 4): a Kubernetes API server, a
// Control Plane API and a GitHub API that accept the connection and never answer make the CLI and
// the action fail at the request limit — WIB_REQUEST_TIMEOUT=2s here, 30 s by default — with a
// message naming the call and the resource, instead of hanging until --timeout (set to 5 min here,
// far beyond these tests' own limits, so only the request limit can end them). The only time in
// these tests is the product's own configured limit; nothing here measures time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/main.js';
import type { CommandIo } from '../../src/commands/io.js';
import { requestTimeoutMs } from '../../src/support/deadline.js';
import { runActionInProcess } from './action-in-process.js';
import { setProcessEnv, startSafetySandbox, type SafetySandbox } from './harness.js';
import {
  IAM_ONLY_BINDINGS,
  oneBindingFile,
  startSilentEndpoint,
  type Endpoint,
} from './hanging-endpoints.js';

let sandbox: SafetySandbox;
let silent: Endpoint;

beforeAll(async () => {
  sandbox = await startSafetySandbox();
  silent = await startSilentEndpoint();
});

afterAll(async () => {
  await silent.stop();
  await sandbox.stop();
});

const LIMITS = { WIB_REQUEST_TIMEOUT: '2s' };

async function cli(args: string[], env: Record<string, string>) {
  const restore = setProcessEnv({ ...sandbox.env, ...LIMITS, ...env });
  let stdout = '';
  let stderr = '';
  const io: CommandIo = {
    out: (text) => (stdout += `${text}\n`),
    err: (text) => (stderr += `${text}\n`),
    env: process.env,
  };
  try {
    const code = await runCli(args, io);
    return { code, stdout, stderr };
  } finally {
    restore();
  }
}

test('WIB_REQUEST_TIMEOUT sets the per-request limit; unset it is 30 s; nonsense is refused', () => {
  expect(requestTimeoutMs({})).toBe(30_000);
  expect(requestTimeoutMs({ WIB_REQUEST_TIMEOUT: '2s' })).toBe(2_000);
  expect(() => requestTimeoutMs({ WIB_REQUEST_TIMEOUT: 'soon' })).toThrow(
    /WIB_REQUEST_TIMEOUT must be a duration/,
  );
});

test('plan against a Kubernetes API server that never answers exits 1 at the 2 s request limit, naming the call and cluster', async () => {
  const dir = join(sandbox.dir, 'kube-silent');
  mkdirSync(dir, { recursive: true });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'hung', cluster: { server: silent.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'hung', user: { token: 'kube-tok-request-timeouts' } }],
      contexts: [{ name: 'hung', context: { cluster: 'hung', user: 'hung' } }],
      'current-context': 'hung',
    }),
    { mode: 0o600 },
  );
  const file = join(dir, 'workload-identity.yaml');
  writeFileSync(
    file,
    oneBindingFile("{ issuer: 'https://oidc.example.com/id/ABC', kubernetes: { context: hung } }"),
  );
  const result = await cli(['plan', '--file', file, '--timeout', '5m'], { KUBECONFIG: kubeconfig });
  expect(result.code).toBe(1);
  expect(result.stderr).not.toMatch(/did not finish within 5 min/);
  expect(result.stderr).toMatch(/Kubernetes \w+ [\w/ ]*(namespace|serviceaccount)s?\b.*cluster "prod"/i);
  expect(result.stderr).toMatch(/no answer within 2 s/);
}, 25_000);

test('plan against a Control Plane API that never answers exits 1 at the 2 s request limit, naming the call and cluster', async () => {
  const dir = join(sandbox.dir, 'cpln-silent');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'workload-identity.yaml');
  writeFileSync(file, oneBindingFile('{ controlPlane: { org: acme, cluster: prod } }'));
  const result = await cli(['plan', '--file', file, '--timeout', '5m'], { CPLN_ENDPOINT: silent.url });
  expect(result.code).toBe(1);
  expect(result.stderr).not.toMatch(/did not finish within 5 min/);
  expect(result.stderr).toContain('Control Plane GET /org/acme/mk8s/prod');
  expect(result.stderr).toMatch(/no answer within 2 s/);
}, 25_000);

test('the action in plan mode against a GitHub API that never answers fails at the 2 s request limit, naming the call', async () => {
  const dir = join(sandbox.dir, 'github-silent');
  const workspace = join(dir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'workload-identity.yaml'), IAM_ONLY_BINDINGS);
  const { code, stdout } = await runActionInProcess({
    dir,
    workspace,
    event: 'pull_request',
    inputs: { mode: 'plan', timeout: '5m', comment: 'true' },
    env: { ...sandbox.env, ...LIMITS, GITHUB_API_URL: silent.url },
  });
  expect(code).toBe(1);
  expect(stdout).not.toMatch(/did not finish within 5 min/);
  expect(stdout).toMatch(
    /::error::[^\n]*GitHub (GET|POST|PATCH) \/repos\/acme\/infra\/[^\n]*no answer within 2 s/,
  );
}, 25_000);
