// Fleet size through the real CLI against the emulators: 5,000 bindings with two ServiceAccounts
// each (IAM's maximum of roles per account, 10,000 ServiceAccounts) validated, planned, applied and
// planned again (no changes left); and 10,000 single-ServiceAccount bindings (headroom beyond the
// maximum) validated and planned. Untimed in `npm test` (too slow there); here every step's wall
// time and peak RSS is reported. Real IAM stops at 5,000 roles per account: for the 10,000-binding
// file the emulator's roles quota is raised past that (bench/environment.ts), on purpose.
import { stat } from 'node:fs/promises';
import { cliArgs, runNode, type CliTarget } from './child.js';
import { startEnvironment, type BenchEnvironment } from './environment.js';
import { setLatency } from './scenarios.js';
import type { FleetRun } from './types.js';

const TIMEOUT_MS = 60 * 60_000;

async function step(
  env: BenchEnvironment,
  cli: CliTarget,
  label: string,
  name: FleetRun['step'],
  args: string[],
): Promise<FleetRun> {
  const run = await runNode(cliArgs(cli, args), { env: env.env, timeoutMs: TIMEOUT_MS });
  const result: FleetRun = {
    label,
    n: env.workload.bindings.length,
    serviceAccounts: env.workload.bindings.reduce((a, b) => a + b.serviceAccounts.length, 0),
    fileBytes: (await stat(env.bindingsPath)).size,
    step: name,
    exitCode: run.exitCode,
    wallMs: run.wallMs,
    maxRssMb: run.maxRssMb,
  };
  const start = run.stdout.indexOf('{');
  if (start >= 0 && name !== 'validate') {
    try {
      const json = JSON.parse(run.stdout.slice(start)) as {
        changes?: Array<{ action: string }>;
        summary?: { failed: number; skipped: number };
      };
      if (json.changes) result.changes = json.changes.length;
      if (json.summary && 'failed' in json.summary)
        result.failures = json.summary.failed + json.summary.skipped;
    } catch {
      result.note = 'output was not JSON';
    }
  }
  if (run.exitCode !== 0) result.note = (run.stderr || run.stdout).trim().split('\n').slice(-3).join(' ');
  return result;
}

export async function measureFleet(cli: CliTarget, log: (text: string) => void): Promise<FleetRun[]> {
  const runs: FleetRun[] = [];
  const record = (r: FleetRun): void => {
    runs.push(r);
    log(
      `  fleet ${r.label} ${r.step}: exit ${r.exitCode}, ${(r.wallMs / 1000).toFixed(1)} s, RSS ${r.maxRssMb?.toFixed(0)} MB${r.changes !== undefined ? `, ${r.changes} changes` : ''}${r.note ? ` (${r.note})` : ''}`,
    );
  };

  const max = await startEnvironment(5000, 0, { serviceAccountsPerBinding: 2 });
  try {
    setLatency(max, 0);
    const label = '5,000 × 2 SAs';
    const file = ['--file', max.bindingsPath];
    record(await step(max, cli, label, 'validate', ['validate', ...file]));
    record(await step(max, cli, label, 'plan', ['plan', ...file, '--format', 'json']));
    record(await step(max, cli, label, 'apply', ['apply', ...file, '--auto-approve', '--format', 'json']));
    const again = await step(max, cli, label, 'plan', ['plan', ...file, '--format', 'json']);
    again.note ??= 'after apply';
    record(again);
  } finally {
    await max.stop();
  }

  const headroom = await startEnvironment(10000, 0, { serviceAccountsPerBinding: 1 });
  try {
    setLatency(headroom, 0);
    const label = '10,000 × 1 SA';
    const file = ['--file', headroom.bindingsPath];
    record(await step(headroom, cli, label, 'validate', ['validate', ...file]));
    record(await step(headroom, cli, label, 'plan', ['plan', ...file, '--format', 'json']));
  } finally {
    await headroom.stop();
  }
  return runs;
}
