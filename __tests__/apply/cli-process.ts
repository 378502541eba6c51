// Runs the real CLI as a child process against in-process emulators, optionally SIGKILLing it once
// the emulators have seen a given number of mutating calls. The spawn is asynchronous because the
// emulators live in this process and must keep answering while the child runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

/**
 * The CLI under test: `WIB_CLI_ENTRY` (a bundle such as /tmp/wib-dist/cli.js, or src/cli.ts to run
 * the sources through the TypeScript loader) or the committed dist/cli.js.
 */
export function cliEntry(): string {
  const entry = resolve(root, process.env.WIB_CLI_ENTRY ?? join('dist', 'cli.js'));
  if (!existsSync(entry))
    throw new Error(
      `CLI entry ${entry} does not exist: run \`npm run bundle\`, or set WIB_CLI_ENTRY to a bundle built with \`node scripts/bundle.mjs --out DIR\` (DIR/cli.js) or to src/cli.ts.`,
    );
  return entry;
}

function nodeArgs(entry: string): string[] {
  return entry.endsWith('.ts') ? ['--import', join(root, 'scripts', 'ts-register.mjs'), entry] : [entry];
}

export interface KillTrigger {
  /** Mutating calls the emulators have seen so far (counters only grow). */
  mutatingCalls: () => number;
  /** SIGKILL the child as soon as `mutatingCalls()` reaches this. */
  at: number;
  /** Called when the kill is sent (e.g. to note which phase apply was in). */
  onKill?: () => void;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the trigger fired and this run ended by our SIGKILL. */
  killed: boolean;
  /** `mutatingCalls()` when the kill was sent. */
  killedAtCalls?: number;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();

/** SIGKILLs every child still running (for afterAll / finally after a failed assertion). */
export function killAllChildren(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, trigger?: KillTrigger): Promise<CliRun> {
  // jest's NODE_OPTIONS (--experimental-vm-modules) is not for the child.
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.NODE_OPTIONS;
  const entry = cliEntry();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...nodeArgs(entry), ...args], {
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    let killedAtCalls: number | undefined;
    // A 1 ms poll on this process's event loop: emulator request handlers run between ticks, and
    // the emulators add a little latency so the kill lands while calls are still in flight.
    const poll = trigger
      ? setInterval(() => {
          const calls = trigger.mutatingCalls();
          if (killedAtCalls === undefined && calls >= trigger.at && child.exitCode === null) {
            killedAtCalls = calls;
            child.kill('SIGKILL');
            trigger.onKill?.();
          }
        }, 1)
      : undefined;
    child.on('error', (error) => {
      if (poll) clearInterval(poll);
      running.delete(child);
      reject(error);
    });
    child.on('close', (code, signal) => {
      if (poll) clearInterval(poll);
      running.delete(child);
      resolvePromise({
        code,
        signal,
        killed: killedAtCalls !== undefined && signal === 'SIGKILL',
        killedAtCalls,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** A CLI run as text for assertion messages. */
export function describeRun(run: CliRun): string {
  const end = run.signal ? `signal ${run.signal}` : `exit ${run.code}`;
  return `${end}\n--- stdout ---\n${run.stdout.slice(-4000)}\n--- stderr ---\n${run.stderr.slice(-4000)}`;
}
