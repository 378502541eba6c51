// The action in process: run() from src/main.ts — and through it each mode handler in src/action —
// through the same scenario as the bundle's end-to-end test (action/scenario.ts), so a change in
// src/action is tested without re-bundling. The runner's environment replaces process.env for the
// run; what the action prints to stdout (workflow commands included) is captured.
import * as core from '@actions/core';
import { run } from '../src/main.js';
import { actionScenario } from './action/scenario.js';

actionScenario(async (env, cwd) => {
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  const write = process.stdout.write.bind(process.stdout);
  let stdout = '';
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, env);
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
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  }
  // core.setFailed sets the exit code; the test process itself must not inherit it.
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout };
});
