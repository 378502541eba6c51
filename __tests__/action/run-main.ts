// run() from src/main.ts in this process, as a runner starts the action: the given environment and
// working directory, stdout (workflow commands included) captured, the exit code read and reset.
// Shared by main.test.ts (the whole scenario) and the safety suites' in-process runs.
import * as core from '@actions/core';
import { run } from '../../src/main.js';

/** Puts the run's environment in place; returns how to put the previous one back. */
export type SwapEnv = (env: NodeJS.ProcessEnv) => () => void;

/** The runner's environment alone: nothing of the test process's own leaks into the run. */
export const replaceEnv: SwapEnv = (env) => {
  const saved = { ...process.env };
  const swap = (next: NodeJS.ProcessEnv) => {
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, next);
  };
  swap(env);
  return () => swap(saved);
};

export async function runMainInProcess(
  env: NodeJS.ProcessEnv,
  cwd: string,
  swapEnv: SwapEnv = replaceEnv,
): Promise<{ code: number; stdout: string }> {
  const restoreEnv = swapEnv(env);
  const savedCwd = process.cwd();
  const write = process.stdout.write.bind(process.stdout);
  let stdout = '';
  process.chdir(cwd);
  process.exitCode = undefined;
  // @actions/core's job summary remembers the first GITHUB_STEP_SUMMARY it wrote to (one file per
  // process on a runner); each run here has its own file.
  (core.summary as unknown as { _filePath?: string })._filePath = undefined;
  core.summary.emptyBuffer();
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  try {
    await run();
  } finally {
    process.stdout.write = write;
    process.chdir(savedCwd);
    restoreEnv();
  }
  // core.setFailed sets the exit code; the test process itself must not inherit it.
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout };
}
