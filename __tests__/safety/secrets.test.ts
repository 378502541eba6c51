// Secret hygiene: seeded credentials — a kubeconfig token, a Control Plane token, an AWS secret key
// and session token, a GitHub token — never appear in anything the product writes: CLI stdout and
// stderr, console output, saved plan files and JSON, and for the action its stdout/stderr,
// GITHUB_OUTPUT, the job summary and the comments stored in the GitHub emulator. Successful runs and
// failing ones (Kubernetes 401, Control Plane 401, IAM AccessDenied) are both searched. The only
// place a secret may appear is a `::add-mask::` command, which the runner consumes to mask it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/main.js';
import { GitHubEmulator } from '../../sandbox/github/emulator.js';
import { kubeconfigFor } from '../../sandbox/kube/emulator.js';
import { captureIo } from '../cli/io.js';
import { assertActionEntry, runActionProcess, type ActionRun } from './action-runner.js';
import {
  CONTROL_PLANE_CLUSTER,
  CONTROL_PLANE_ORG,
  SECRETS,
  setProcessEnv,
  startSafetySandbox,
  type SafetySandbox,
} from './harness.js';

/** Tokens the emulators do not accept: what a revoked credential looks like in a failing run. */
const REVOKED = {
  kubeToken: 'kube-tok-REVOKED-SECRET-0d1e2f3a4b5c6d7e',
  controlPlaneToken: 'cpln-tok-REVOKED-SECRET-8f9e0d1c2b3a4f5e',
};
const ALL_SECRETS = [...Object.values(SECRETS), ...Object.values(REVOKED)];

/** Secrets found in `text`, also as fragments (a token cut in half is still a leak) and base64. */
function leaks(text: string): string[] {
  const found: string[] = [];
  for (const secret of ALL_SECRETS) {
    const forms = [
      secret,
      secret.slice(0, 16),
      secret.slice(-16),
      Buffer.from(secret).toString('base64').slice(0, 20),
      encodeURIComponent(secret),
    ];
    for (const form of forms) if (text.includes(form)) found.push(`${secret} (as ${form})`);
  }
  return found;
}

function bindingsYaml(): string {
  return stringify({
    version: 1,
    owner: 'acme/platform-iam',
    aws: { accountId: '123456789012' },
    clusters: {
      prod: { issuer: 'https://oidc.example.com/id/ABC', kubernetes: { context: 'prod-us' } },
      cpln: { controlPlane: { org: CONTROL_PLANE_ORG, cluster: CONTROL_PLANE_CLUSTER } },
    },
    bindings: [
      {
        role: 's3-reader',
        serviceAccounts: [
          { cluster: 'prod', namespace: 'default', name: 'app' },
          { cluster: 'cpln', namespace: 'default', name: 'orders' },
        ],
        managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      },
    ],
  });
}

let sandbox: SafetySandbox;
let restoreEnv: () => void;
let file: string;
const written: Array<[string, string]> = [];
const consoleCalls: string[] = [];

beforeAll(async () => {
  sandbox = await startSafetySandbox({ contexts: ['prod-us'] });
  restoreEnv = setProcessEnv(sandbox.env);
  file = join(sandbox.dir, 'workload-identity.yaml');
  writeFileSync(file, bindingsYaml());
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleCalls.push(args.map(String).join(' '));
    });
  }
});

afterAll(async () => {
  jest.restoreAllMocks();
  restoreEnv();
  await sandbox.stop();
});

async function cli(
  label: string,
  argv: string[],
  env: Record<string, string> = sandbox.env,
): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(env);
  const code = await runCli(argv, io);
  written.push([`${label} stdout`, io.stdout()], [`${label} stderr`, io.stderr()]);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('the CLI', () => {
  test('plan (text, markdown, json, --out) and apply --plan succeed without printing a credential', async () => {
    const planPath = join(sandbox.dir, 'plan.json');
    expect((await cli('plan --out', ['plan', '--file', file, '--out', planPath])).code).toBe(0);
    expect((await cli('plan markdown', ['plan', '--file', file, '--format', 'markdown'])).code).toBe(0);
    expect((await cli('plan json', ['plan', '--file', file, '--format', 'json'])).code).toBe(0);
    written.push(['plan.json', readFileSync(planPath, 'utf8')]);
    const applied = await cli('apply --plan', [
      'apply',
      '--file',
      file,
      '--plan',
      planPath,
      '--format',
      'json',
    ]);
    expect(applied.code).toBe(0);
    // The run really used every credential: both clusters got their ServiceAccount.
    expect(sandbox.kube.get('prod-us')!.getServiceAccount('default', 'app')).toBeDefined();
    expect(sandbox.controlPlaneKube.getServiceAccount('default', 'orders')).toBeDefined();
    expect((await cli('plan again', ['plan', '--file', file, '--detailed-exitcode'])).code).toBe(0);
  });

  test('a Kubernetes 401 fails the run, names the problem, and does not print the rejected token', async () => {
    const emulator = sandbox.kube.get('prod-us')!;
    const kubeconfig = join(sandbox.dir, 'kubeconfig-revoked');
    writeFileSync(kubeconfig, kubeconfigFor(emulator, { context: 'prod-us', token: REVOKED.kubeToken }));
    const restore = setProcessEnv({ ...sandbox.env, KUBECONFIG: kubeconfig });
    try {
      const result = await cli('plan kube 401', ['plan', '--file', file]);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/401|Unauthorized|unauthori[sz]ed/i);
    } finally {
      restore();
    }
  });

  test('a Control Plane 401 fails the run, names the problem, and does not print the rejected token', async () => {
    const result = await cli('plan cpln 401', ['plan', '--file', file], {
      ...sandbox.env,
      CPLN_TOKEN: REVOKED.controlPlaneToken,
    });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/401|Unauthorized|unauthori[sz]ed|token/i);
  });

  test('an IAM AccessDenied during apply fails the run without printing AWS credentials', async () => {
    const other = join(sandbox.dir, 'other.yaml');
    writeFileSync(other, bindingsYaml().replace('s3-reader', 'denied-role'));
    sandbox.iam.deny('CreateRole');
    try {
      const result = await cli('apply denied', ['apply', '--file', other, '--auto-approve']);
      expect(result.code).toBe(1);
      expect(`${result.out}${result.err}`).toMatch(/AccessDenied/);
    } finally {
      sandbox.iam.allow('CreateRole');
    }
  });

  test('nothing the CLI wrote, saved or logged holds a credential', () => {
    expect(written.length).toBeGreaterThanOrEqual(11);
    for (const [label, text] of [...written, ['console', consoleCalls.join('\n')] as [string, string]]) {
      expect({ label, leaks: leaks(text) }).toEqual({ label, leaks: [] });
    }
  });
});

describe('the action (a subprocess, as on a runner)', () => {
  const github = new GitHubEmulator();
  const runs: Array<[string, ActionRun]> = [];
  let workspace: string;
  let number = 0;

  async function action(label: string, inputs: Record<string, string>): Promise<ActionRun> {
    number += 1;
    const headSha = (number + 300).toString(16).padStart(40, '0');
    github.addPullRequest('acme', 'infra', { number, headSha });
    const run = await runActionProcess({
      dir: join(sandbox.dir, 'action', String(number)),
      workspace,
      githubUrl: github.url,
      pullNumber: number,
      headSha,
      inputs: {
        'bindings-file': 'workload-identity.yaml',
        'github-token': SECRETS.githubToken,
        kubeconfig: readFileSync(sandbox.kubeconfigPath, 'utf8'),
        'cpln-token': SECRETS.controlPlaneToken,
        ...inputs,
      },
      env: {
        AWS_ENDPOINT_URL_IAM: sandbox.env.AWS_ENDPOINT_URL_IAM,
        AWS_ENDPOINT_URL_STS: sandbox.env.AWS_ENDPOINT_URL_STS,
        AWS_ACCESS_KEY_ID: sandbox.env.AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: SECRETS.awsSecretAccessKey,
        AWS_SESSION_TOKEN: SECRETS.awsSessionToken,
        AWS_REGION: 'us-east-1',
        CPLN_ENDPOINT: sandbox.env.CPLN_ENDPOINT,
      },
    });
    runs.push([label, run]);
    return run;
  }

  beforeAll(async () => {
    assertActionEntry();
    await github.start();
    github.addRepo('acme', 'infra', { private: true, defaultBranch: 'main' });
    github.addToken(SECRETS.githubToken, {
      login: 'github-actions[bot]',
      kind: 'installation',
      permission: 'write',
    });
    workspace = join(sandbox.dir, 'workspace');
    mkdirSync(workspace);
    writeFileSync(
      join(workspace, 'workload-identity.yaml'),
      bindingsYaml().replace('s3-reader', 'action-role'),
    );
  });

  afterAll(async () => {
    await github.stop();
  });

  test('a plan run and failing runs (Kubernetes 401, Control Plane 401) leak no credential anywhere', async () => {
    const ok = await action('plan', {});
    expect(ok.code).toBe(0);
    expect(github.comments('acme', 'infra', number).length).toBeGreaterThan(0);
    const kubeconfig = kubeconfigFor(sandbox.kube.get('prod-us')!, {
      context: 'prod-us',
      token: REVOKED.kubeToken,
    });
    expect((await action('kube 401', { kubeconfig })).code).toBe(1);
    expect((await action('cpln 401', { 'cpln-token': REVOKED.controlPlaneToken })).code).toBe(1);

    const masked = runs.flatMap(([, run]) =>
      run.stdout.split('\n').filter((line) => line.startsWith('::add-mask::')),
    );
    for (const [label, run] of runs) {
      // The runner consumes ::add-mask:: lines (that is how masking works); everything else is shown.
      const shown = run.stdout
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n');
      for (const [part, text] of [
        ['stdout', shown],
        ['stderr', run.stderr],
        ['GITHUB_OUTPUT', run.outputFile],
        ['job summary', run.summary],
      ]) {
        expect({ run: label, part, leaks: leaks(text) }).toEqual({ run: label, part, leaks: [] });
      }
    }
    for (let n = 1; n <= number; n += 1) {
      for (const comment of github.comments('acme', 'infra', n)) {
        expect({ pull: n, leaks: leaks(comment.body) }).toEqual({ pull: n, leaks: [] });
      }
    }
    // Secrets the action receives as inputs are registered for masking before anything can print them.
    expect(masked).toEqual(
      expect.arrayContaining([
        `::add-mask::${SECRETS.kubeToken}`,
        `::add-mask::${SECRETS.controlPlaneToken}`,
      ]),
    );
  }, 60_000);
});
