// Runs the action's run() from src/main.ts in this process with a runner's environment (event
// payload, INPUT_*, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP), as __tests__/main.test.ts does:
// src is tested without a bundle, and emulators in this process keep answering during the run.
import { readFileSync } from 'node:fs';
import { runMainInProcess } from '../action/run-main.js';
import { setProcessEnv } from './harness.js';
import { pullRequestEvent, pushEvent, writeRunnerFiles } from './runner-files.js';

export interface InProcessRun {
  code: number;
  stdout: string;
  summary: string;
}

export interface InProcessOptions {
  /** A fresh directory for this run's event, output and summary files. */
  dir: string;
  workspace: string;
  event: 'pull_request' | 'push';
  /** INPUT_* by input name. */
  inputs: Record<string, string>;
  /** AWS_*, GITHUB_API_URL, KUBECONFIG, WIB_REQUEST_TIMEOUT, … */
  env: Record<string, string>;
}

const SHA = 'a'.repeat(40);

export async function runActionInProcess(options: InProcessOptions): Promise<InProcessRun> {
  const { dir, workspace } = options;
  const { eventPath, outputPath, summaryPath } = writeRunnerFiles(
    dir,
    options.event === 'pull_request' ? pullRequestEvent(7, SHA) : pushEvent(SHA),
  );
  const env: Record<string, string> = {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'acme/infra',
    GITHUB_SHA: SHA,
    GITHUB_REF: options.event === 'pull_request' ? 'refs/pull/7/merge' : 'refs/heads/main',
    GITHUB_WORKSPACE: workspace,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '5007',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    RUNNER_TEMP: dir,
    'INPUT_GITHUB-TOKEN': 'ghs_inprocess000000000000000000000000000',
    INPUT_VERIFY: 'false',
    ...Object.fromEntries(
      Object.entries(options.inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
    ),
    ...options.env,
  };
  const { code, stdout } = await runMainInProcess(env, workspace, (e) =>
    setProcessEnv(e as Record<string, string>),
  );
  return { code, stdout, summary: readFileSync(summaryPath, 'utf8') };
}
