// Runs the action entry as a subprocess with a runner's environment (event payload, INPUT_*,
// GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP), as __tests__/action/e2e.test.ts does: the entry
// is dist/index.js, or WIB_ACTION_ENTRY (a .ts entry runs through the TypeScript loader). Returns
// everything the run wrote so the safety suites can search it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pullRequestEvent, writeRunnerFiles } from './runner-files.js';

const ROOT = join(import.meta.dirname, '..', '..');
export const ACTION_ENTRY = resolve(ROOT, process.env.WIB_ACTION_ENTRY ?? 'dist/index.js');

/** Fails the suite up front, with what to do, when there is no action entry to run. */
export function assertActionEntry(): void {
  if (!existsSync(ACTION_ENTRY))
    throw new Error(
      `The action entry ${ACTION_ENTRY} does not exist: run npm run bundle, or set WIB_ACTION_ENTRY.`,
    );
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The raw GITHUB_OUTPUT file. */
  outputFile: string;
  summary: string;
}

export interface ActionRunOptions {
  /** A fresh directory for this run's event, output and summary files. */
  dir: string;
  workspace: string;
  githubUrl: string;
  pullNumber: number;
  headSha: string;
  inputs: Record<string, string>;
  /** AWS_*, and anything else the run needs. */
  env: Record<string, string>;
}

export async function runActionProcess(options: ActionRunOptions): Promise<ActionRun> {
  const number = options.pullNumber;
  const { eventPath, outputPath, summaryPath } = writeRunnerFiles(
    options.dir,
    pullRequestEvent(number, options.headSha),
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: options.dir,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'acme/infra',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_SHA: options.headSha,
    GITHUB_REF: `refs/pull/${number}/merge`,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_API_URL: options.githubUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: String(5000 + number),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    RUNNER_TEMP: options.dir,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...options.env,
  };
  const inputs = {
    mode: 'auto',
    'max-concurrency': '8',
    'require-reviewed-plan': 'true',
    comment: 'true',
    // The safety suites' clusters sign tokens as their own URL, not the files' issuers; verify
    // after apply is proven in the action scenario (__tests__/action/scenario.ts).
    verify: 'false',
    'cpln-token': '',
    ...options.inputs,
  };
  for (const [name, value] of Object.entries(inputs))
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const args = ACTION_ENTRY.endsWith('.ts')
    ? ['--import', join(ROOT, 'scripts', 'ts-register.mjs'), ACTION_ENTRY]
    : [ACTION_ENTRY];
  // Async on purpose: the emulators answer from this process's event loop.
  const child = spawn(process.execPath, args, {
    cwd: options.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return {
    code,
    stdout,
    stderr,
    outputFile: readFileSync(outputPath, 'utf8'),
    summary: readFileSync(summaryPath, 'utf8'),
  };
}
