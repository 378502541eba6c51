// The scaling table: bench/stages.ts for each N in its own child process (one size's garbage never
// slows the next), with every stage's time and its growth per doubling of N.
import { join } from 'node:path';
import { ROOT, runNode, tsScriptArgs } from './child.js';
import type { ScalingRow } from './types.js';

export const SCALING_SIZES = [1000, 2500, 5000, 10000];

export async function measureScaling(sizes: number[], log: (text: string) => void): Promise<ScalingRow[]> {
  const rows: ScalingRow[] = [];
  for (const n of sizes) {
    const run = await runNode(tsScriptArgs(join(ROOT, 'bench', 'stages.ts'), [String(n)]), {
      env: { PATH: process.env.PATH },
      timeoutMs: 20 * 60_000,
      measureRss: false,
    });
    if (run.exitCode !== 0)
      throw new Error(`stages.ts ${n} exited with ${run.exitCode}: ${run.stderr.slice(-1000)}`);
    const row = JSON.parse(run.stdout) as ScalingRow;
    rows.push(row);
    const worst = Object.entries(row.cpuMs).sort((a, b) => b[1] - a[1])[0];
    log(
      `  scaling N = ${n}: ${row.changes} changes, slowest stage ${worst?.[0]} ${worst?.[1].toFixed(0)} ms CPU`,
    );
  }
  return rows;
}

/**
 * Growth per doubling of N between two sizes: (t₂/t₁)^(1/log₂(N₂/N₁)). Linear code gives ~2,
 * n·log n a little more, quadratic 4. Undefined when either time is too small to mean anything.
 */
export function perDoubling(n1: number, t1: number, n2: number, t2: number): number | undefined {
  if (t1 < 1 || t2 < 1) return undefined;
  return (t2 / t1) ** (1 / Math.log2(n2 / n1));
}
