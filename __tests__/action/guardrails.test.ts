// Guardrails in the action (a subprocess, as on a runner), with the workspace a real git checkout of
// a pull request's merge commit: violations become annotations at the binding's file:line:col, an
// error blocks the plan (the comment carries no planId, so nothing can be applied), warnings lead
// the comment, and a pull request that relaxes the guardrails file gets its own section.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GITHUB_TOKENS, GitHubEmulator } from '../../sandbox/github/emulator.js';
import { IamEmulator } from '../../sandbox/iam/index.js';
import { KubeEmulator, kubeconfigFor } from '../../sandbox/kube/emulator.js';
import { parseMarker } from '../../src/github/marker.js';
import { ACTION_ENTRY, assertActionEntry, runActionProcess } from '../safety/action-runner.js';

const github = new GitHubEmulator();
const iam = new IamEmulator();
const kube = new KubeEmulator();
let root = '';
let kubeconfig = '';
let pullNumber = 0;

const BINDINGS = `version: 1
owner: acme/platform-iam
aws: { accountId: '123456789012' }
clusters:
  prod: { issuer: 'https://oidc.example.com/id/ABC', kubernetes: { context: prod } }
bindings:
  - role: reader
    serviceAccounts: [{ cluster: prod, namespace: default, name: reader }]
  - role: admin
    serviceAccounts: [{ cluster: prod, namespace: default, name: admin }]
    managedPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
`;
const RULES = `version: 1
managedPolicies:
  deny:
    policies: ['arn:aws:iam::aws:policy/AdministratorAccess']
`;
const RELAXED = `${RULES}    except:
      - { role: admin, reason: 'break-glass role, SEC-12' }
`;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@e',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@e',
    },
  });
}

/** A checkout of GitHub's merge commit: base on main, the pull request's files on a branch, merged. */
function checkout(base: Record<string, string>, head: Record<string, string>): string {
  const dir = mkdtempSync(join(root, 'repo-'));
  git(dir, 'init', '-q', '-b', 'main');
  for (const [name, text] of Object.entries(base)) writeFileSync(join(dir, name), text);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'base');
  git(dir, 'checkout', '-q', '-b', 'change');
  for (const [name, text] of Object.entries(head)) writeFileSync(join(dir, name), text);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'change');
  git(dir, 'checkout', '-q', 'main');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'main moved on');
  git(dir, 'merge', '-q', '--no-ff', '-m', 'merge', 'change');
  return dir;
}

async function plan(workspace: string, inputs: Record<string, string> = {}) {
  pullNumber += 1;
  const headSha = pullNumber.toString(16).padStart(40, 'a');
  github.addPullRequest('acme', 'infra', { number: pullNumber, headSha });
  const run = await runActionProcess({
    dir: join(root, `run-${pullNumber}`),
    workspace,
    githubUrl: github.url,
    pullNumber,
    headSha,
    inputs: {
      'bindings-file': 'workload-identity.yaml',
      'github-token': GITHUB_TOKENS.write,
      kubeconfig,
      ...inputs,
    },
    env: {
      AWS_ENDPOINT_URL_IAM: iam.url,
      AWS_ENDPOINT_URL_STS: iam.url,
      AWS_ACCESS_KEY_ID: 'AKIAEMULATOREXAMPLE0',
      AWS_SECRET_ACCESS_KEY: 'emulator-secret-access-key',
      AWS_REGION: 'us-east-1',
    },
  });
  const comments = github.comments('acme', 'infra', pullNumber);
  const outputs = Object.fromEntries(
    [...run.outputFile.matchAll(/^([^<\n]+)<<(.+)\n([\s\S]*?)\n\2$/gm)].map((m) => [m[1], m[3]]),
  );
  return { ...run, comments, outputs };
}

beforeAll(async () => {
  assertActionEntry();
  root = mkdtempSync(join(tmpdir(), 'wib-guardrails-action-'));
  await Promise.all([github.start(), iam.start(), kube.start()]);
  kubeconfig = kubeconfigFor(kube, { context: 'prod' });
  github.addRepo('acme', 'infra', { private: true, defaultBranch: 'main' });
});

afterAll(async () => {
  await Promise.all([github.stop(), iam.stop(), kube.stop()]);
  if (root) rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  iam.server.resetCounters();
  kube.server.resetCounters();
});

test('a guardrail error fails the step, annotates the binding and leaves no planId to apply', async () => {
  const workspace = checkout(
    { 'workload-identity.guardrails.yaml': RULES },
    { 'workload-identity.yaml': BINDINGS },
  );
  const run = await plan(workspace);
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(
    /^::error title=Guardrail managedPolicies\.deny,file=workload-identity\.yaml,line=11,col=23::role "admin": managed policy arn:aws:iam::aws:policy\/AdministratorAccess is denied .*\(rule: workload-identity\.guardrails\.yaml:3:3\)$/m,
  );
  expect(run.outputs['plan-id']).toBe('');
  expect(run.outputs.result).toBe('failed');
  expect(run.comments).toHaveLength(1);
  const marker = parseMarker(run.comments[0].body);
  expect(marker).toBeDefined();
  expect(marker!.planId).toBeUndefined();
  expect(run.comments[0].body).toContain('guardrails block the plan');
  expect(run.summary).toContain('guardrails block the plan');
  expect(iam.server.totalCalls({ mutating: true })).toBe(0);
});

test('a pull request that relaxes the guardrails gets a "guardrails change" section; the plan goes on', async () => {
  const workspace = checkout(
    { 'workload-identity.guardrails.yaml': RULES },
    { 'workload-identity.yaml': BINDINGS, 'workload-identity.guardrails.yaml': RELAXED },
  );
  const run = await plan(workspace);
  expect(run.code).toBe(0);
  expect(run.outputs['plan-id']).toMatch(/^[0-9a-f]{16}$/);
  const body = run.comments[0].body;
  expect(parseMarker(body)!.planId).toBe(run.outputs['plan-id']);
  expect(body).toContain('**Guardrails change**');
  expect(body).toContain(
    'guardrails change: rule `managedPolicies.deny` **relaxed**: exception for role "admin" added \\(reason\\: break\\-glass role, SEC\\-12\\) (`workload-identity.guardrails.yaml:6:9`)',
  );
  expect(body).toContain('🛡️ Guardrails: passed with 1 exception');
  expect(body.indexOf('Guardrails change')).toBeLessThan(body.indexOf('| Kind | Address |'));
  expect(body).toContain('exception: break\\-glass role, SEC\\-12');
  expect(run.stdout).toMatch(
    /^::warning title=Guardrails relaxed,file=workload-identity\.guardrails\.yaml,line=6,col=9::/m,
  );
});

test('no guardrails file: the built-in defaults warn; strict: true turns that into a failure', async () => {
  const workspace = checkout({}, { 'workload-identity.yaml': BINDINGS });
  const warned = await plan(workspace);
  expect(warned.code).toBe(0);
  expect(warned.stdout).toMatch(
    /^::warning title=Guardrail managedPolicies\.deny,file=workload-identity\.yaml,line=11,col=23::/m,
  );
  expect(warned.comments[0].body).toContain('🛡️ Guardrails: 1 warning');
  const strict = await plan(workspace, { strict: 'true' });
  expect(strict.code).toBe(1);
  expect(strict.outputs['plan-id']).toBe('');
  expect(parseMarker(strict.comments[0].body)!.planId).toBeUndefined();
});

test('an invalid guardrails file is reported like an invalid bindings file; nothing is contacted', async () => {
  const workspace = checkout(
    {},
    { 'workload-identity.yaml': BINDINGS, 'rules.yaml': 'version: 1\nroles: { namePatern: {} }\n' },
  );
  const run = await plan(workspace, { 'guardrails-file': 'rules.yaml' });
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(
    /^::error title=Invalid guardrails file,file=rules\.yaml,line=2,col=10::unknown key "namePatern"/m,
  );
  expect(run.comments[0].body).toContain('rules.yaml');
  expect(iam.server.totalCalls()).toBe(0);
});

test('a guardrails file that is a symlink out of the workspace is refused before it is read; nothing is contacted (#13)', async () => {
  const workspace = checkout({}, { 'workload-identity.yaml': BINDINGS });
  const outside = join(root, 'outside-rules.yaml');
  writeFileSync(outside, RULES);
  symlinkSync(outside, join(workspace, 'workload-identity.guardrails.yaml'));
  const run = await plan(workspace);
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(
    /^::error title=Invalid guardrails file,file=workload-identity\.guardrails\.yaml::"workload-identity\.guardrails\.yaml" resolves to .*outside-rules\.yaml, outside the workspace/m,
  );
  expect(iam.server.totalCalls()).toBe(0);
});

/** A push to main (apply mode) without a reviewed-plan lookup, as a runner would start the action. */
async function applyOnPush(workspace: string, inputs: Record<string, string>) {
  const dir = join(root, `push-${(pullNumber += 1)}`);
  mkdirSync(dir);
  const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: workspace, encoding: 'utf8' }).trim();
  const repository = {
    full_name: 'acme/infra',
    name: 'infra',
    owner: { login: 'acme' },
    default_branch: 'main',
  };
  writeFileSync(join(dir, 'event.json'), JSON.stringify({ ref: 'refs/heads/main', after: sha, repository }));
  writeFileSync(join(dir, 'output'), '');
  writeFileSync(join(dir, 'summary.md'), '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_REPOSITORY: 'acme/infra',
    GITHUB_SHA: sha,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_WORKSPACE: workspace,
    GITHUB_API_URL: github.url,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    RUNNER_TEMP: dir,
    AWS_ENDPOINT_URL_IAM: iam.url,
    AWS_ENDPOINT_URL_STS: iam.url,
    AWS_ACCESS_KEY_ID: 'AKIAEMULATOREXAMPLE0',
    AWS_SECRET_ACCESS_KEY: 'emulator-secret-access-key',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const all = {
    'bindings-file': 'workload-identity.yaml',
    mode: 'apply',
    'github-token': GITHUB_TOKENS.write,
    kubeconfig,
    'require-reviewed-plan': 'false',
    comment: 'false',
    verify: 'false',
    ...inputs,
  };
  for (const [name, value] of Object.entries(all))
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const args = ACTION_ENTRY.endsWith('.ts')
    ? ['--import', join(import.meta.dirname, '..', '..', 'scripts', 'ts-register.mjs'), ACTION_ENTRY]
    : [ACTION_ENTRY];
  const child = spawn(process.execPath, args, { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return { code, stdout, summary: readFileSync(join(dir, 'summary.md'), 'utf8') };
}

test('apply re-checks the guardrails as they are on main: a rule added after review refuses the apply', async () => {
  // Reviewed without a guardrails file (defaults: a warning); the security team then adds a rule.
  const workspace = checkout(
    { 'workload-identity.yaml': BINDINGS },
    { 'workload-identity.guardrails.yaml': RULES },
  );
  const run = await applyOnPush(workspace, {});
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(
    /^::error title=Guardrail managedPolicies\.deny,file=workload-identity\.yaml,line=11,col=23::/m,
  );
  expect(run.summary).toContain('guardrails block the plan');
  expect(iam.server.totalCalls({ mutating: true })).toBe(0);
  expect(kube.server.totalCalls({ mutating: true })).toBe(0);
});
