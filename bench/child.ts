// Runs one measured child process: wall time from spawn to exit, peak RSS reported by the child
// itself (bench/rss-probe.mjs, preloaded with --import), exit code and output. A child that
// outlives its time limit is killed (by its own pid) and reported as an error.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Spread } from './types.js';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const RSS_PROBE = join(ROOT, 'bench', 'rss-probe.mjs');
const TS_REGISTER = join(ROOT, 'scripts', 'ts-register.mjs');

export interface ChildRun {
  /** performance.now() of this process when the child was spawned (to time its first request). */
  startedAt: number;
  wallMs: number;
  /** Peak resident set size in MiB; undefined when the child died before writing it. */
  maxRssMb?: number;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface ChildOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs: number;
  /** Preload the RSS probe (default true); cold-start runs leave it out to time node alone. */
  measureRss?: boolean;
}

/** `node [--import rss-probe] ...args`; `args` start with the script (or node flags before it). */
export async function runNode(args: string[], options: ChildOptions): Promise<ChildRun> {
  const dir = await mkdtemp(join(tmpdir(), 'wib-bench-rss-'));
  const rssFile = join(dir, 'maxrss');
  try {
    const started = performance.now();
    const probe = options.measureRss === false ? [] : ['--import', RSS_PROBE];
    const child = spawn(process.execPath, [...probe, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...options.env, BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const exitCode = await new Promise<number | null>((done, fail) => {
      child.once('error', fail);
      child.once('close', (code) => done(code));
    }).finally(() => clearTimeout(timer));
    const wallMs = performance.now() - started;
    if (timedOut)
      throw new Error(`node ${args.join(' ')} did not finish within ${options.timeoutMs} ms and was killed`);
    const rssKib = await readFile(rssFile, 'utf8').then(Number, () => undefined);
    return {
      startedAt: started,
      wallMs,
      maxRssMb: rssKib === undefined ? undefined : rssKib / 1024,
      exitCode,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** How the CLI under test is started: the bundle (`DIR/cli.js`) or the TypeScript sources. */
export type CliTarget = { kind: 'bundle'; dir: string } | { kind: 'source' };

export function cliArgs(target: CliTarget, args: string[]): string[] {
  return target.kind === 'bundle'
    ? [join(target.dir, 'cli.js'), ...args]
    : tsScriptArgs(join(ROOT, 'src', 'cli.ts'), args);
}

/** Runs a TypeScript script of this repository with Node's type stripping. */
export function tsScriptArgs(script: string, args: string[]): string[] {
  return ['--import', TS_REGISTER, script, ...args];
}

export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median, lowest and highest of `values`, with every value. */
export function spread(values: number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: values };
}

/**
 * The run with the median wall time, carrying every run's wall time and the highest peak RSS of all
 * (a peak is a peak: the median run's own would understate it).
 */
export function medianRun<T extends { wallMs: number; maxRssMb?: number; runsMs?: number[] }>(runs: T[]): T {
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  const rss = runs.flatMap((r) => (r.maxRssMb === undefined ? [] : [r.maxRssMb]));
  return {
    ...sorted[Math.floor((sorted.length - 1) / 2)],
    runsMs: runs.map((r) => r.wallMs),
    ...(rss.length ? { maxRssMb: Math.max(...rss) } : {}),
  };
}
