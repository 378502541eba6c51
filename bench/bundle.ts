// Bundle figures: sizes of index.js and cli.js and their cold start (wall time of a child process
// that loads the bundle and exits: the action with no inputs, the CLI with --help). Can also build
// a fresh bundle into a temporary directory (never into dist/) so the figures match the sources.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { median, ROOT, runNode } from './child.js';
import type { BundleFigures } from './types.js';

const run = promisify(execFile);

export async function measureBundle(dir: string, runs: number): Promise<BundleFigures> {
  const [index, handlers, cli] = await Promise.all(
    ['index.js', 'handlers.js', 'cli.js'].map((file) => stat(join(dir, file))),
  );
  // No GITHUB_* or INPUT_* variables: the action starts, finds no inputs and fails as it would.
  const env = { PATH: process.env.PATH, HOME: tmpdir() };
  const time = async (args: string[]): Promise<number[]> => {
    const runsMs: number[] = [];
    // One warm-up run so the first measurement does not pay for a cold file cache.
    for (let i = 0; i <= runs; i += 1) {
      const r = await runNode(args, { env, timeoutMs: 30_000, measureRss: false });
      if (i > 0) runsMs.push(r.wallMs);
    }
    return runsMs;
  };
  const files = await Promise.all(
    (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map(async (e) => {
        const path = join(e.parentPath, e.name);
        return { name: path.slice(dir.length + 1), bytes: (await stat(path)).size };
      }),
  );
  files.sort((a, b) => a.name.localeCompare(b.name));
  const indexRuns = await time([join(dir, 'index.js')]);
  const cliRuns = await time([join(dir, 'cli.js'), '--help']);
  return {
    dir,
    files,
    indexBytes: index.size,
    handlersBytes: handlers.size,
    cliBytes: cli.size,
    coldStart: {
      index: { medianMs: median(indexRuns), runsMs: indexRuns },
      cli: { medianMs: median(cliRuns), runsMs: cliRuns },
    },
  };
}

/**
 * Whether DIR holds exactly what scripts/bundle.mjs builds from src/ now: a fresh build into a
 * temporary directory, compared file by file. (File times say nothing after a git checkout.)
 */
export async function bundleMatchesSources(dir: string): Promise<boolean> {
  const fresh = await buildFreshBundle();
  try {
    const [built, measured] = await Promise.all([readdir(fresh), readdir(dir)]);
    if (built.length !== measured.length || built.some((f) => !measured.includes(f))) return false;
    for (const f of built) {
      const [a, b] = await Promise.all([readFile(join(fresh, f)), readFile(join(dir, f))]);
      if (!a.equals(b)) return false;
    }
    return true;
  } finally {
    await rm(fresh, { recursive: true, force: true });
  }
}

/** The commit measured, with "+ uncommitted changes" when the work tree differs from it. */
export async function sourceRevision(): Promise<string | undefined> {
  try {
    const head = (await run('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT })).stdout.trim();
    const dirty = (
      await run('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT })
    ).stdout.trim();
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return undefined; // not a git checkout
  }
}

/** Runs the project's own build (scripts/bundle.mjs) into a new temporary directory. */
export async function buildFreshBundle(): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'wib-bench-dist-'));
  await run(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs'), '--out', out], {
    cwd: ROOT,
    timeout: 600_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return out;
}

/** Whether DIR/cli.js is a CLI that knows `plan` (the committed dist/ can lag behind the sources). */
export async function bundleHasPlan(dir: string): Promise<boolean> {
  try {
    const r = await runNode([join(dir, 'cli.js'), '--help'], {
      env: { PATH: process.env.PATH },
      timeoutMs: 30_000,
      measureRss: false,
    });
    return r.exitCode === 0 && /\bplan\b/.test(r.stdout);
  } catch {
    return false;
  }
}
