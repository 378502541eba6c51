// `npm run bench:memory -- --n 1000`: peak RSS of `plan` alone, measured exactly as the bench does
// (bench/child.ts with the VmHWM probe of bench/rss-probe.mjs, `plan --format json` through the
// CLI in a child process), repeated so the spread is visible. For N ≤ 1,000 it measures the first
// plan of the bench's environment (N bindings, 2·N unrelated roles), applies, then measures the
// steady-state plan; for larger N the fleet's headroom environment (one ServiceAccount per binding,
// no unrelated roles) and its first plan, as bench/fleet.ts does. Used to find and check the
// memory cuts of bench/results/memory.md without running the whole bench.
//
// Options:
//   --n N              bindings (default 1000)
//   --runs K           plans per state (default 3)
//   --node-flags "..." extra node flags for the measured child (e.g. "--max-old-space-size=64");
//                      repeat the option to compare several settings on the same environment
//   --bundle-dir DIR   the bundle to run (default dist/); repeat it to compare bundles (throw-away
//                      builds of `node scripts/bundle.mjs --out DIR`); --cli source runs the
//                      TypeScript sources
//
// Every variant (bundle × node flags) runs once per round, in turn, so a change in the machine's
// load falls on all of them alike; each line reports peak RSS and wall time with their spread.
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { cliArgs, ROOT, runNode, spread, type CliTarget } from './child.js';
import { startEnvironment, type BenchEnvironment } from './environment.js';
import { measureApply, setLatency } from './scenarios.js';

const TIMEOUT_MS = 30 * 60_000;

interface Variant {
  label: string;
  cli: CliTarget;
  flags: string[];
}

interface Sample {
  rssMb: number;
  wallMs: number;
}

async function plan(env: BenchEnvironment, cli: CliTarget, flags: string[]): Promise<Sample> {
  setLatency(env, 0);
  const run = await runNode(
    [...flags, ...cliArgs(cli, ['plan', '--file', env.bindingsPath, '--format', 'json'])],
    {
      env: env.env,
      timeoutMs: TIMEOUT_MS,
    },
  );
  if (run.exitCode !== 0 || run.maxRssMb === undefined)
    throw new Error(`plan exited with ${run.exitCode}: ${(run.stderr || run.stdout).slice(-2000)}`);
  return { rssMb: run.maxRssMb, wallMs: run.wallMs };
}

const spreadText = (values: number[], unit: string, digits: number): string => {
  const s = spread(values);
  return `${s.min.toFixed(digits)}–${s.max.toFixed(digits)} ${unit}, median ${s.median.toFixed(digits)}`;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '1000' },
      runs: { type: 'string', default: '3' },
      'node-flags': { type: 'string', multiple: true, default: [''] },
      'bundle-dir': { type: 'string', multiple: true },
      cli: { type: 'string', default: 'bundle' },
    },
  });
  const n = Number(values.n);
  const runs = Number(values.runs);
  const targets: CliTarget[] =
    values.cli === 'source'
      ? [{ kind: 'source' }]
      : (values['bundle-dir'] ?? [join(ROOT, 'dist')]).map((dir) => ({ kind: 'bundle', dir }));
  const variants: Variant[] = targets.flatMap((cli) =>
    values['node-flags'].map((f) => {
      const flags = f.split(' ').filter(Boolean);
      const parts = [
        targets.length > 1 && cli.kind === 'bundle' ? relative(ROOT, cli.dir) || '.' : '',
        flags.join(' '),
      ].filter(Boolean);
      return { label: parts.length ? ` [${parts.join('; ')}]` : '', cli, flags };
    }),
  );
  const cli = targets[0]!;
  const headroom = n > 1000;
  const env = headroom
    ? await startEnvironment(n, 0, { serviceAccountsPerBinding: 1 })
    : await startEnvironment(n, 2 * n);
  try {
    const measure = async (state: string): Promise<void> => {
      const samples = variants.map((): Sample[] => []);
      for (let i = 0; i < runs; i++)
        for (const [v, variant] of variants.entries())
          samples[v]!.push(await plan(env, variant.cli, variant.flags));
      for (const [v, variant] of variants.entries()) {
        const peaks = samples[v]!.map((s) => s.rssMb);
        const walls = samples[v]!.map((s) => s.wallMs / 1000);
        process.stdout.write(
          `N = ${n} ${state} plan${variant.label}: ${spreadText(peaks, 'MB', 0)} ` +
            `(${peaks.map((p) => p.toFixed(0)).join(', ')}); wall ${spreadText(walls, 's', 2)}\n`,
        );
      }
    };
    await measure('first');
    if (headroom) return;
    const applied = await measureApply(env, cli, undefined);
    if (applied.failures > 0 || applied.exitCode !== 0)
      throw new Error(`apply failed (exit ${applied.exitCode})`);
    await measure('steady');
  } finally {
    await env.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
