// A CommandIo that records what a command prints.
import type { CommandIo } from '../../src/commands/io.js';

export function captureIo(
  env: NodeJS.ProcessEnv = {},
): CommandIo & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (t) => out.push(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => err.push(t.endsWith('\n') ? t : `${t}\n`),
    env,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}
