// Input parsing (through @actions/core's own getInput/getBooleanInput, fed by INPUT_* variables as
// the runner sets them), secret masking, the run context from a runner environment, and mode choice.
import * as core from '@actions/core';
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INPUT_NAMES, kubeconfigSecrets, readInputs, type InputSource } from '../../src/action/inputs.js';
import { resolveMode } from '../../src/action/mode.js';
import { readRunContext, type RunContext } from '../../src/action/run-context.js';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: prod
    cluster: { server: https://prod.example.com }
users:
  - name: prod
    user:
      token: prod-token-123
  - name: staging
    user:
      client-key-data: S0VZREFUQQ==
      auth-provider:
        config:
          refresh-token: "refresh-456"
contexts:
  - name: prod
    context: { cluster: prod, user: prod }
current-context: prod
`;

const saved = { ...process.env };
let masked: string[] = [];

/** The real @actions/core readers; masks are collected instead of printed. */
const source: InputSource = {
  getInput: (name) => core.getInput(name),
  getBooleanInput: (name) => core.getBooleanInput(name),
  setSecret: (secret) => void masked.push(secret),
};

function setInputs(inputs: Record<string, string>): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
  for (const [name, value] of Object.entries(inputs))
    process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
}

beforeEach(() => {
  masked = [];
  setInputs({});
});

afterAll(() => {
  process.env = saved;
});

describe('readInputs', () => {
  test('defaults when nothing is set (a local run without action.yml defaults)', () => {
    expect(readInputs(source)).toEqual({
      bindingsFile: 'workload-identity.yaml',
      mode: 'auto',
      githubToken: '',
      kubeconfig: undefined,
      cplnToken: undefined,
      maxConcurrency: 8,
      timeoutMs: 20 * 60 * 1000,
      requireReviewedPlan: true,
      comment: true,
      commentAuthor: undefined,
      guardrailsFile: undefined,
      strict: false,
      bindingsFiles: [],
      changedFrom: '',
      planRoleArn: '',
      applyRoleArn: '',
      driftIssue: true,
      verify: true,
      restart: 'binding',
    });
    expect(masked).toEqual([]);
  });

  test('every input read through its action.yml name', () => {
    setInputs({
      'bindings-file': ' iam/bindings.yaml ',
      mode: 'Apply',
      'github-token': 'ghs_abc',
      kubeconfig: KUBECONFIG,
      'cpln-token': 'Bearer cpln-xyz',
      'max-concurrency': '16',
      'require-reviewed-plan': 'false',
      comment: 'FALSE',
      'comment-author': 'my-app[bot]',
      'guardrails-file': ' security/guardrails.yaml ',
      strict: 'true',
      'bindings-files': 'accounts/**/workload-identity.yaml\n teams/*/workload-identity.yaml, x.yaml',
      'changed-from': ' abc123 ',
      'plan-role-arn': 'arn:aws:iam::{accountId}:role/plan',
      'apply-role-arn': 'arn:aws:iam::{accountId}:role/apply',
      'drift-issue': 'false',
      timeout: '90s',
      verify: 'false',
      restart: 'rollout',
    });
    expect(readInputs(source)).toEqual({
      bindingsFile: 'iam/bindings.yaml',
      mode: 'apply',
      githubToken: 'ghs_abc',
      kubeconfig: KUBECONFIG.trim(), // core.getInput trims
      cplnToken: 'Bearer cpln-xyz',
      maxConcurrency: 16,
      timeoutMs: 90_000,
      requireReviewedPlan: false,
      comment: false,
      commentAuthor: 'my-app[bot]',
      guardrailsFile: 'security/guardrails.yaml',
      strict: true,
      bindingsFiles: ['accounts/**/workload-identity.yaml', 'teams/*/workload-identity.yaml', 'x.yaml'],
      changedFrom: 'abc123',
      planRoleArn: 'arn:aws:iam::{accountId}:role/plan',
      applyRoleArn: 'arn:aws:iam::{accountId}:role/apply',
      driftIssue: false,
      verify: false,
      restart: 'rollout',
    });
  });

  test('restart is none or rollout', () => {
    setInputs({ restart: 'none' });
    expect(readInputs(source).restart).toBe('none');
    setInputs({ restart: 'always' });
    expect(() => readInputs(source)).toThrow(
      'Input "restart" must be none or rollout (or left out: each binding\'s restart decides), got "always".',
    );
  });

  test('bindings-files refuses absolute paths and ..', () => {
    for (const bad of ['/etc/*.yaml', '../other/*.yaml', 'a/../../b.yaml']) {
      setInputs({ 'bindings-files': bad });
      expect(() => readInputs(source)).toThrow(/relative to the repository root/);
    }
  });

  test('masks the tokens, the kubeconfig and every credential in it', () => {
    setInputs({ 'github-token': 'ghs_abc', 'cpln-token': 'Bearer cpln-xyz', kubeconfig: KUBECONFIG });
    readInputs(source);
    expect(masked).toEqual(
      expect.arrayContaining([
        'ghs_abc',
        'Bearer cpln-xyz',
        'cpln-xyz',
        KUBECONFIG.trim(),
        'prod-token-123',
        'S0VZREFUQQ==',
        'refresh-456',
      ]),
    );
  });

  test('secrets are masked even when another input is invalid', () => {
    setInputs({ 'github-token': 'ghs_abc', kubeconfig: KUBECONFIG, mode: 'destroy' });
    expect(() => readInputs(source)).toThrow(
      'Input "mode" must be one of auto, plan, apply, drift, discover, got "destroy".',
    );
    expect(masked).toEqual(expect.arrayContaining(['ghs_abc', 'prod-token-123']));
  });

  test.each([
    ['0', 'got "0"'],
    ['65', 'got "65"'],
    ['2.5', 'got "2.5"'],
    ['eight', 'got "eight"'],
    ['-1', 'got "-1"'],
  ])('max-concurrency %j is refused', (value, detail) => {
    setInputs({ 'max-concurrency': value });
    expect(() => readInputs(source)).toThrow(
      `Input "max-concurrency" must be a whole number from 1 to 64, ${detail}`,
    );
  });

  test.each([['1'], ['64'], [' 8 ']])('max-concurrency %j is accepted', (value) => {
    setInputs({ 'max-concurrency': value });
    expect(readInputs(source).maxConcurrency).toBe(Number(value));
  });

  test.each([
    ['require-reviewed-plan', 'yes'],
    ['comment', 'on'],
  ])('boolean %s=%j is refused with the input name', (name, value) => {
    setInputs({ [name]: value });
    expect(() => readInputs(source)).toThrow(`Input "${name}" must be true or false, got "${value}".`);
  });

  test.each([['plan'], ['drift'], ['auto'], ['PLAN']])('mode %j is accepted', (mode) => {
    setInputs({ mode });
    expect(readInputs(source).mode).toBe(mode.toLowerCase());
  });

  test('a bindings-file with a line break and a comment-author that is no login are refused', () => {
    setInputs({ 'bindings-file': 'a.yaml\nb.yaml' });
    expect(() => readInputs(source)).toThrow('Input "bindings-file" must be one path');
    setInputs({ 'comment-author': 'not a login' });
    expect(() => readInputs(source)).toThrow('Input "comment-author" must be a GitHub login');
  });

  test('kubeconfigSecrets finds tokens in YAML that does not parse', () => {
    expect(kubeconfigSecrets('users:\n- user:\n    token: "abc123"\n  bad: [unclosed\n')).toEqual(['abc123']);
    expect(kubeconfigSecrets('clusters: []\n')).toEqual([]);
  });

  test('kubeconfigSecrets masks an unterminated quoted token without its quote', () => {
    // Masking `"abc123` would leave `abc123` itself unmasked wherever it is printed without the quote.
    expect(kubeconfigSecrets('users:\n- user:\n    token: "abc123\n')).toEqual(['abc123']);
    expect(kubeconfigSecrets("users:\n- user:\n    password: 'pw-456\n")).toEqual(['pw-456']);
  });

  test('kubeconfigSecrets prints nothing, even for a tag yaml cannot resolve', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      kubeconfigSecrets('users:\n- user:\n    token: !tok-abc123 x\n');
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  test('INPUT_NAMES are the names this module reads', () => {
    const read = new Set<string>();
    readInputs({
      getInput: (name) => (read.add(name), ''),
      getBooleanInput: () => true,
      setSecret: () => undefined,
    });
    expect([...read].sort()).toEqual(Object.values(INPUT_NAMES).sort());
  });
});

describe('run context and mode', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wib-context-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function context(event: string, payload: object, env: NodeJS.ProcessEnv = {}): RunContext {
    const path = join(dir, `${event}.json`);
    writeFileSync(path, JSON.stringify(payload));
    return readRunContext({
      GITHUB_EVENT_NAME: event,
      GITHUB_EVENT_PATH: path,
      GITHUB_REPOSITORY: 'acme/infra',
      GITHUB_SHA: 'f'.repeat(40),
      GITHUB_REF: 'refs/heads/main',
      GITHUB_RUN_ID: '42',
      ...env,
    });
  }

  const repository = { full_name: 'acme/infra', default_branch: 'main' };

  test('a pull request payload gives the pull request, its head and the run page', () => {
    const ctx = context(
      'pull_request',
      {
        pull_request: { number: 7, head: { sha: 'a'.repeat(40), repo: { full_name: 'fork/infra' } } },
        repository,
      },
      { GITHUB_REF: 'refs/pull/7/merge', GITHUB_RUN_ATTEMPT: '2' },
    );
    expect(ctx).toMatchObject({
      eventName: 'pull_request',
      repository: { owner: 'acme', repo: 'infra' },
      pullRequest: { number: 7, headSha: 'a'.repeat(40), headRepo: 'fork/infra' },
      defaultBranch: 'main',
      runUrl: 'https://github.com/acme/infra/actions/runs/42/attempts/2',
    });
    expect(resolveMode('auto', ctx)).toEqual({ mode: 'plan', why: 'auto: a pull_request event' });
  });

  test('auto: push to the default branch applies, elsewhere plans; schedule and dispatch check drift', () => {
    expect(resolveMode('auto', context('push', { repository })).mode).toBe('apply');
    expect(
      resolveMode('auto', context('push', { repository }, { GITHUB_REF: 'refs/heads/feature' })).mode,
    ).toBe('plan');
    expect(resolveMode('auto', context('push', {})).mode).toBe('plan');
    expect(resolveMode('auto', context('schedule', { repository })).mode).toBe('drift');
    expect(resolveMode('auto', context('workflow_dispatch', { repository })).mode).toBe('drift');
    // pull_request_target checks out the base branch: a plan there would plan the wrong file.
    expect(() => resolveMode('auto', context('pull_request_target', { repository }))).toThrow(
      /pull_request_target is not supported: it checks out the base branch/,
    );
    expect(() => resolveMode('plan', context('pull_request_target', { repository }))).toThrow(
      /pull_request_target is not supported/,
    );
    expect(() => resolveMode('auto', context('issues', { repository }))).toThrow(
      'mode "auto" does not know what to do on a "issues" event',
    );
    expect(resolveMode('drift', context('push', { repository }))).toEqual({
      mode: 'drift',
      why: 'the mode input',
    });
  });

  test('a bad GITHUB_REPOSITORY or event payload path is a clear error', () => {
    expect(() => readRunContext({ GITHUB_REPOSITORY: 'acme' })).toThrow(
      'GITHUB_REPOSITORY must be "owner/repo", got "acme"',
    );
    expect(() =>
      readRunContext({ GITHUB_REPOSITORY: 'acme/infra', GITHUB_EVENT_PATH: join(dir, 'missing.json') }),
    ).toThrow('Cannot read the event payload GITHUB_EVENT_PATH=');
  });
});
