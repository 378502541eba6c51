// The scaling table: bench/stages.ts for each N in its own child process (one size's garbage never
// slows the next), with every stage's time and its growth per doubling of N. Every size runs
// `rounds` times, the sizes in turn (1,000, 2,500, …, 1,000, 2,500, …), so that a change in the
// machine's load falls on all sizes alike rather than on one step of the table; each stage's time
// is the median of its rounds, and the growth per doubling is also given per round (its spread).
import { join } from 'node:path';
import { median, ROOT, runNode, tsScriptArgs } from './child.js';
import type { ScalingRow } from './types.js';

export const SCALING_SIZES = [1000, 2500, 5000, 10000];
export const SCALING_ROUNDS = 3;

export async function measureScaling(
  sizes: number[],
  log: (text: string) => void,
  rounds = SCALING_ROUNDS,
): Promise<ScalingRow[]> {
  const runs = new Map<number, ScalingRow[]>(sizes.map((n) => [n, []]));
  for (let round = 1; round <= rounds; round += 1)
    for (const n of sizes) {
      const row = await measureOnce(n);
      runs.get(n)!.push(row);
      const worst = Object.entries(row.cpuMs).sort((a, b) => b[1] - a[1])[0];
      log(
        `  scaling round ${round}/${rounds} N = ${n}: ${row.changes} changes, slowest stage ${worst?.[0]} ${worst?.[1].toFixed(0)} ms CPU`,
      );
    }
  return sizes.map((n) => combine(runs.get(n)!));
}

/** The rounds of one size as one row: per stage the median time, and every round's CPU time. */
function combine(rows: ScalingRow[]): ScalingRow {
  const stages = Object.keys(rows[0].cpuMs);
  const pick = (key: 'ms' | 'cpuMs', stage: string): number[] =>
    rows.flatMap((r) => (r[key][stage] === undefined ? [] : [r[key][stage]]));
  return {
    ...rows[0],
    ms: Object.fromEntries(stages.map((s) => [s, median(pick('ms', s))])),
    cpuMs: Object.fromEntries(stages.map((s) => [s, median(pick('cpuMs', s))])),
    cpuRuns: Object.fromEntries(stages.map((s) => [s, pick('cpuMs', s)])),
    errors: Object.assign({}, ...rows.map((r) => r.errors)) as Record<string, string>,
  };
}

/** Growth per doubling between two rows, per round: [min, max] over the rounds. */
export function perDoublingSpread(a: ScalingRow, b: ScalingRow, stage: string): [number, number] | undefined {
  const ra = a.cpuRuns?.[stage] ?? [];
  const rb = b.cpuRuns?.[stage] ?? [];
  const ratios = ra.flatMap((t, i) => {
    const r = rb[i] === undefined ? undefined : perDoubling(a.n, t, b.n, rb[i]);
    return r === undefined ? [] : [r];
  });
  return ratios.length ? [Math.min(...ratios), Math.max(...ratios)] : undefined;
}

async function measureOnce(n: number): Promise<ScalingRow> {
  {
    // --expose-gc: stages.ts runs a full GC before each stage, untimed (see there).
    const run = await runNode(
      ['--expose-gc', ...tsScriptArgs(join(ROOT, 'bench', 'stages.ts'), [String(n)])],
      {
        env: { PATH: process.env.PATH },
        timeoutMs: 20 * 60_000,
        measureRss: false,
      },
    );
    if (run.exitCode !== 0)
      throw new Error(`stages.ts ${n} exited with ${run.exitCode}: ${run.stderr.slice(-1000)}`);
    return JSON.parse(run.stdout) as ScalingRow;
  }
}

/**
 * Growth per doubling of N between two sizes: (t₂/t₁)^(1/log₂(N₂/N₁)). Linear code gives ~2,
 * n·log n a little more, quadratic 4. Undefined when either time is too small to mean anything.
 */
export function perDoubling(n1: number, t1: number, n2: number, t2: number): number | undefined {
  if (t1 < 1 || t2 < 1) return undefined;
  return (t2 / t1) ** (1 / Math.log2(n2 / n1));
}

/**
 * Growth per doubling of N over every size at once: 2^slope of the least-squares line through
 * (log₂ N, log₂ t). Two neighbouring sizes give a ratio that one outlier moves: a stage of a few
 * tens of ms varies ±40 % with when V8 optimises it and whether its allocations fill the young
 * generation (measured: the apply graph's cost per change was 3.9 / 4.3 / 2.8 / 4.3 µs at 1,000 /
 * 2,500 / 5,000 / 10,000 bindings, so 5,000 → 10,000 read 3.1× while the stage is linear). The fit
 * uses all four. Undefined when any time is under 1 ms.
 */
export function fittedPerDoubling(points: Array<[n: number, ms: number]>): number | undefined {
  if (points.length < 2 || points.some(([, t]) => t < 1)) return undefined;
  const xs = points.map(([n]) => Math.log2(n));
  const ys = points.map(([, t]) => Math.log2(t));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const sxy = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
  return 2 ** (sxy / sxx);
}

/** The fit over the medians, and its range over the rounds (each round's own fit). */
export function fittedGrowth(
  rows: ScalingRow[],
  stage: string,
): { value?: number; range?: [number, number] } {
  const value = fittedPerDoubling(rows.map((r) => [r.n, r.cpuMs[stage]]));
  const rounds = Math.min(...rows.map((r) => r.cpuRuns?.[stage]?.length ?? 0));
  const perRound: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const fit = fittedPerDoubling(rows.map((r) => [r.n, r.cpuRuns![stage][i]]));
    if (fit !== undefined) perRound.push(fit);
  }
  return {
    value,
    range: perRound.length ? [Math.min(...perRound), Math.max(...perRound)] : undefined,
  };
}
