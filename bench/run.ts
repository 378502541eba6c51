// `npm run bench` (all scenarios) and `npm run bench -- --quick` (a subset under a minute):
// plans of N bindings through the real CLI against the local emulators, the per-role baseline,
// apply under a rate limit, and the bundle's size and cold start. Writes bench/results/latest.json
// and latest.md; prints the Markdown.
//
// Also: the start-up of a 10-binding plan through the CLI and the action (bench/startup.ts), the
// scaling table of every in-process stage at 1,000 … 10,000 bindings (bench/scaling.ts), and the
// fleet-size runs (bench/fleet.ts: 5,000 bindings with 10,000 ServiceAccounts planned and applied,
// 10,000 bindings planned). The machine's load average is recorded before and after.
//
// Options:
//   --quick              N = 10 and 100 only; scaling at 1,000 and 2,000; no fleet runs
//   --no-fleet           leave out the fleet-size runs (they take minutes)
//   --readme             also rewrite the README's performance section from this report
//   --cli bundle|source  run dist/cli.js (default when it has `plan`) or the TypeScript sources
//   --bundle-dir DIR     the bundle to run and measure (default dist/)
//   --fresh-bundle       build a bundle into a temporary directory first and use that
//   --out DIR            where the results go (default bench/results)
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildFreshBundle,
  bundleHasPlan,
  bundleMatchesSources,
  measureBundle,
  sourceRevision,
} from './bundle.js';
import { medianRun, ROOT, spread, type CliTarget } from './child.js';
import { startEnvironment } from './environment.js';
import { renderMarkdown } from './report.js';
import {
  measureApply,
  measureBaseline,
  measureCliStartup,
  measurePlan,
  type ApplyLimit,
} from './scenarios.js';
import { measureFleet } from './fleet.js';
import { measureScaling, SCALING_ROUNDS, SCALING_SIZES } from './scaling.js';
import { measureStartup } from './startup.js';
import { checkTargets, fmtMs } from './targets.js';
import type {
  ApplyRun,
  BaselineRun,
  BenchResults,
  BundleFigures,
  FleetRun,
  PlanRun,
  ScalingRow,
  StartupFigures,
} from './types.js';

interface Scenario {
  n: number;
  /** Rate limit for the measured apply; undefined = apply only to reach the steady state. */
  applyLimit?: ApplyLimit;
}

const LATENCIES = [0, 20];
const FULL: Scenario[] = [
  { n: 10 },
  { n: 100, applyLimit: { perSecond: 20, burst: 20 } },
  { n: 1000, applyLimit: { perSecond: 100, burst: 100 } },
];
// --quick keeps under a minute: the same plans, a faster bucket for the apply, fewer cold starts.
const QUICK: Scenario[] = [{ n: 10 }, { n: 100, applyLimit: { perSecond: 50, burst: 50 } }];
const COLD_START_RUNS = { full: 7, quick: 5 };
const STARTUP_RUNS = { full: 7, quick: 5 };
// Steady-state plans and their baselines run this many times each, alternated so that load from
// other processes on the machine hits both sides alike; the median wall time of each is reported
// (one run swung the 1,000-binding speed-up between 8× and 11× on a shared 2-core machine).
const STEADY_REPEATS = 3;

const log = (text: string): void => void process.stderr.write(`${text}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      cli: { type: 'string' },
      'bundle-dir': { type: 'string' },
      'fresh-bundle': { type: 'boolean', default: false },
      out: { type: 'string' },
      'no-fleet': { type: 'boolean', default: false },
      readme: { type: 'boolean', default: false },
    },
  });
  const load = { before: loadavg(), after: [] as number[] };
  log(`Load average before: ${load.before.map((l) => l.toFixed(2)).join(', ')} (${cpus().length} cores)`);
  if (values.cli !== undefined && values.cli !== 'bundle' && values.cli !== 'source')
    throw new Error(`--cli must be bundle or source (got "${values.cli}")`);
  const started = performance.now();
  // Taken now: a commit made while the bench runs is not what it measured.
  const revision = await sourceRevision();
  let freshDir: string | undefined;
  try {
    if (values['fresh-bundle']) {
      log('Building a fresh bundle into a temporary directory (scripts/bundle.mjs --out)…');
      freshDir = await buildFreshBundle();
    }
    const bundleDir = freshDir ?? resolve(values['bundle-dir'] ?? join(ROOT, 'dist'));
    const cli = await chooseCli(values.cli, bundleDir);
    const cliLabel =
      cli.kind === 'bundle'
        ? `\`${shortPath(join(cli.dir, 'cli.js'))}\` (bundle${freshDir ? ', fresh build of scripts/bundle.mjs' : ''})`
        : '`src/cli.ts` (sources, Node type stripping)';
    const cliStartupMs = await measureCliStartup(cli, 3);
    log(`CLI under test: ${cliLabel}; start-up (--help, median of 3): ${fmtMs(cliStartupMs)}`);

    const plans: PlanRun[] = [];
    const applies: ApplyRun[] = [];
    let startup: StartupFigures | undefined;
    for (const scenario of values.quick ? QUICK : FULL)
      await runScenario(scenario, cli, plans, applies, STEADY_REPEATS, async (env) => {
        if (scenario.n !== 10) return;
        if (cli.kind !== 'bundle') {
          log('  start-up not measured: it needs the bundle (dist/ or --fresh-bundle)');
          return;
        }
        startup = await measureStartup(env, cli, values.quick ? STARTUP_RUNS.quick : STARTUP_RUNS.full);
        log(
          `  start-up (median of ${startup.nodeMs.runs.length}): node -e 0 ${fmtMs(startup.nodeMs.median)}; CLI first request ${fmtMs(startup.cli.firstRequestMs.median)}, end ${fmtMs(startup.cli.endMs.median)}; action first request ${fmtMs(startup.action.firstRequestMs.median)}, end ${fmtMs(startup.action.endMs.median)}`,
        );
      });

    log('Scaling table (each N in its own process)…');
    const scaling: ScalingRow[] = await measureScaling(
      values.quick ? [1000, 2000] : SCALING_SIZES,
      log,
      values.quick ? 1 : SCALING_ROUNDS,
    );
    let fleet: FleetRun[] | undefined;
    if (!values.quick && !values['no-fleet']) {
      log('Fleet-size runs (5,000 bindings with 10,000 ServiceAccounts; 10,000 bindings)…');
      fleet = await measureFleet(cli, log);
    }

    let bundle: BundleFigures | undefined;
    let bundleCurrent: boolean | undefined;
    try {
      log(`Bundle: ${bundleDir}`);
      bundle = await measureBundle(bundleDir, values.quick ? COLD_START_RUNS.quick : COLD_START_RUNS.full);
      bundleCurrent = freshDir !== undefined || (await bundleMatchesSources(bundleDir));
      if (!bundleCurrent)
        log(
          `  warning: ${bundleDir} is not what src/ builds now; run npm run bundle (or use --fresh-bundle) for current figures`,
        );
    } catch (error) {
      log(`  bundle not measured: ${error instanceof Error ? error.message : String(error)}`);
    }

    const results: BenchResults = {
      date: new Date().toISOString(),
      mode: values.quick ? 'quick' : 'full',
      machine: {
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memoryGiB: totalmem() / 1024 ** 3,
        platform: `${platform()} ${release()}`,
        node: process.version,
      },
      cli: cliLabel,
      revision,
      bundleCurrent,
      cliStartupMs,
      plans,
      applies,
      bundle: bundle && {
        ...bundle,
        dir: freshDir ? 'fresh build of scripts/bundle.mjs' : shortPath(bundle.dir),
      },
      startup,
      scaling,
      fleet,
      load: { ...load, after: loadavg() },
      targets: [],
      durationMs: performance.now() - started,
    };
    results.targets = checkTargets(plans, applies, bundle, results);
    log(`Load average after: ${results.load.after.map((l) => l.toFixed(2)).join(', ')}`);
    const outDir = resolve(values.out ?? join(ROOT, 'bench', 'results'));
    await mkdir(outDir, { recursive: true });
    const markdown = renderMarkdown(results);
    await writeFile(join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    await writeFile(join(outDir, 'latest.md'), markdown);
    process.stdout.write(markdown);
    if (values.readme) await updateReadme(markdown);
    log(
      `\nWrote ${relative(process.cwd(), join(outDir, 'latest.json'))} and latest.md in ${fmtMs(results.durationMs)}.`,
    );
  } finally {
    if (freshDir) await rm(freshDir, { recursive: true, force: true });
  }
}

/** Relative to the repository when inside it, else absolute. */
function shortPath(path: string): string {
  const rel = relative(ROOT, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

async function chooseCli(requested: string | undefined, bundleDir: string): Promise<CliTarget> {
  if (requested === 'source') return { kind: 'source' };
  if (await bundleHasPlan(bundleDir)) return { kind: 'bundle', dir: bundleDir };
  if (requested === 'bundle')
    throw new Error(
      `${join(bundleDir, 'cli.js')} has no plan command: run npm run bundle, or pass --fresh-bundle`,
    );
  log(
    `${join(bundleDir, 'cli.js')} has no plan command yet (stale dist/?): measuring the TypeScript sources instead.`,
  );
  return { kind: 'source' };
}

const README_START = '<!-- bench:start (generated by npm run bench -- --readme; edit bench/report.ts) -->';
const README_END = '<!-- bench:end -->';

/** Replaces the README's generated performance section with this report. */
async function updateReadme(markdown: string): Promise<void> {
  const path = join(ROOT, 'README.md');
  const text = await readFile(path, 'utf8');
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} … ${README_END} section`);
  await writeFile(path, `${text.slice(0, start + README_START.length)}\n\n${markdown}\n${text.slice(end)}`);
  log('Rewrote the performance section of README.md.');
}

/** One environment per N: first plans, apply, then steady-state plans alternating with the baseline. */
async function runScenario(
  scenario: Scenario,
  cli: CliTarget,
  plans: PlanRun[],
  applies: ApplyRun[],
  repeats: number,
  afterApply: (env: Awaited<ReturnType<typeof startEnvironment>>) => Promise<void>,
): Promise<void> {
  const { n } = scenario;
  log(`N = ${n}: starting emulators with ${2 * n} unrelated roles…`);
  const env = await startEnvironment(n, 2 * n);
  try {
    for (const latencyMs of LATENCIES) {
      const p = await measurePlan(env, cli, 'first', latencyMs);
      plans.push(p);
      log(
        `  first plan   ${latencyMs} ms: ${fmtMs(p.wallMs)}, ${p.changes} changes, IAM reads ${p.iamReads.total}, kube ${p.kube.total}, RSS ${p.maxRssMb?.toFixed(0)} MB`,
      );
    }
    const apply = await measureApply(env, cli, scenario.applyLimit);
    if (apply.exitCode !== 0 || apply.failures > 0)
      throw new Error(
        `apply of N = ${n} failed (exit ${apply.exitCode}, ${apply.failures} failed or skipped changes)`,
      );
    if (scenario.applyLimit) applies.push(apply);
    log(
      `  apply${scenario.applyLimit ? ` K=${apply.perSecond}/s` : ''}: ${fmtMs(apply.wallMs)}, ${apply.admitted} mutating IAM calls, ${apply.throttled} throttled, ${(apply.shareOfLimit * 100).toFixed(0)} % of limit`,
    );
    await afterApply(env);
    for (const latencyMs of LATENCIES) {
      const ours: PlanRun[] = [];
      const theirs: BaselineRun[] = [];
      // Pairs alternate (plan, baseline, plan, baseline, …): a burst of load from elsewhere on the
      // machine hits one pair, not one side.
      for (let i = 0; i < repeats; i += 1) {
        const run = await measurePlan(env, cli, 'steady', latencyMs);
        if (run.changes !== 0)
          throw new Error(`steady-state plan of N = ${n} still has ${run.changes} changes after apply`);
        ours.push(run);
        theirs.push(await measureBaseline(env, latencyMs));
      }
      const p = medianRun(ours);
      p.baseline = medianRun(theirs);
      p.ratio = spread(ours.map((o, i) => theirs[i].wallMs / o.wallMs));
      plans.push(p);
      log(
        `  steady plan  ${latencyMs} ms: ${fmtMs(p.wallMs)} (baseline ${fmtMs(p.baseline.wallMs)}; ratio median ${p.ratio.median.toFixed(1)}×, ${p.ratio.min.toFixed(1)}–${p.ratio.max.toFixed(1)}×), IAM reads ${p.iamReads.total} (baseline ${p.baseline.iam.total}), kube ${p.kube.total} (baseline ${p.baseline.kube.total}), RSS ${p.maxRssMb?.toFixed(0)} MB`,
      );
    }
  } finally {
    await env.stop();
  }
}

await main();
