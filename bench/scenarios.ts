// The measured scenarios against one environment: a plan through the real CLI (wall time, calls by
// operation, peak RSS), the Terraform-style baseline refresh of the same resources, and an apply
// under a mutating-call rate limit.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OperationCount } from '../sandbox/core/server.js';
import { cliArgs, median, ROOT, runNode, tsScriptArgs, type CliTarget } from './child.js';
import type { BenchEnvironment } from './environment.js';
import { iamReadBound } from './targets.js';
import type { ApplyRun, BaselineRun, Calls, PlanRun, PlanState } from './types.js';
import { BENCH_ACCOUNT_ID, BENCH_CLUSTERS } from './workload.js';

/** A plan of 1,000 bindings at 20 ms takes seconds; anything near this is a hang. */
const CHILD_TIMEOUT_MS = 10 * 60_000;
const STS_OPERATIONS = new Set([
  'GetCallerIdentity',
  'AssumeRole',
  'AssumeRoleWithWebIdentity',
  'GetSessionToken',
]);

export function calls(counts: OperationCount[], keep: (c: OperationCount) => boolean = () => true): Calls {
  const byOperation: Record<string, number> = {};
  for (const c of counts) if (keep(c) && c.count > 0) byOperation[c.operation] = c.count;
  return { byOperation, total: Object.values(byOperation).reduce((a, b) => a + b, 0) };
}

const iamReads = (c: OperationCount): boolean => !c.mutating && !STS_OPERATIONS.has(c.operation);

/**
 * The network model, the same on every emulator: a fixed part per request (the round trip) plus a
 * part per KiB of request and response body (the transfer), so that a 1,000-role page costs more
 * than one GetRole. 0.08 ms per KiB is ~100 Mbit/s; at the fixed 0 ms the per-KiB part is left out
 * too (the code's own cost alone).
 */
export const LATENCY_PER_KIB_MS = 0.08;

export function setLatency(env: BenchEnvironment, latencyMs: number): void {
  const faults = { latencyMs, latencyPerKiBMs: latencyMs > 0 ? LATENCY_PER_KIB_MS : 0 };
  env.iam.server.setFaults(faults);
  for (const k of env.kube.values()) k.server.setFaults(faults);
}

function failure(what: string, run: { exitCode: number | null; stderr: string; stdout: string }): Error {
  const output = (run.stderr || run.stdout).trim().split('\n').slice(-15).join('\n');
  return new Error(`${what} exited with ${run.exitCode}:\n${output}`);
}

export async function measurePlan(
  env: BenchEnvironment,
  cli: CliTarget,
  state: PlanState,
  latencyMs: number,
): Promise<PlanRun> {
  setLatency(env, latencyMs);
  env.resetCounters();
  const run = await runNode(cliArgs(cli, ['plan', '--file', env.bindingsPath, '--format', 'json']), {
    env: env.env,
    timeoutMs: CHILD_TIMEOUT_MS,
  });
  if (run.exitCode !== 0) throw failure(`plan (N = ${env.workload.bindings.length}, ${latencyMs} ms)`, run);
  const plan = parseJsonOutput<{
    changes: Array<{ kind: string; action: string; fields: Array<{ field: string }> }>;
    roleUsage?: unknown[];
  }>(run.stdout, 'changes');
  if (!plan) throw failure('plan printed no JSON plan', run);
  const counted = env.counters();
  const rolesInAccount = env.iam.listRoleNames().length;
  return {
    state,
    n: env.workload.bindings.length,
    latencyMs,
    rolesInAccount,
    clusters: BENCH_CLUSTERS.length,
    wallMs: run.wallMs,
    maxRssMb: run.maxRssMb,
    iamReads: calls(counted.iam, iamReads),
    iamReadBound: iamReadBound(rolesInAccount, BENCH_CLUSTERS.length, planChecks(plan)),
    kube: calls(counted.kube),
    changes: plan.changes.filter((c) => c.action !== 'no-op').length,
  };
}

/** The plan's own IAM checks (see iamReadBound): GetAccountSummary and GetRole for last use. */
function planChecks(plan: {
  changes: Array<{ kind: string; action: string; fields: Array<{ field: string }> }>;
  roleUsage?: unknown[];
}): number {
  const writesRoles = plan.changes.some(
    (c) =>
      c.kind === 'role' &&
      (c.action === 'create' ||
        c.action === 'replace' ||
        c.fields.some((f) => f.field === 'trustPolicy' || f.field === 'managedPolicies')),
  );
  return (writesRoles ? 1 : 0) + (plan.roleUsage?.length ?? 0);
}

export async function measureBaseline(env: BenchEnvironment, latencyMs: number): Promise<BaselineRun> {
  setLatency(env, latencyMs);
  const input = join(env.dir, 'baseline-input.json');
  const contexts = new Map(BENCH_CLUSTERS.map((c) => [c.key, c.context]));
  await writeFile(
    input,
    JSON.stringify({
      accountId: BENCH_ACCOUNT_ID,
      roles: env.workload.bindings.map((b) => ({
        name: b.role,
        inlinePolicies: b.inlinePolicyNames,
        attachments: b.managedPolicies.length,
      })),
      issuers: BENCH_CLUSTERS.map((c) => c.issuer),
      serviceAccounts: env.workload.bindings.flatMap((b) =>
        b.serviceAccounts.map((sa) => ({
          context: contexts.get(sa.cluster),
          namespace: sa.namespace,
          name: sa.name,
        })),
      ),
    }),
  );
  env.resetCounters();
  const run = await runNode(tsScriptArgs(join(ROOT, 'bench', 'baseline-refresh.ts'), [input]), {
    env: env.env,
    timeoutMs: CHILD_TIMEOUT_MS,
  });
  if (run.exitCode !== 0) throw failure('baseline refresh', run);
  const found = JSON.parse(run.stdout) as { rolesRead: number; refreshMs: number; resources: number };
  if (found.rolesRead !== env.workload.bindings.length) {
    throw new Error(
      `baseline refresh read ${found.rolesRead} roles, expected ${env.workload.bindings.length}: the steady state is not in place`,
    );
  }
  const counted = env.counters();
  return {
    wallMs: run.wallMs,
    refreshMs: found.refreshMs,
    resources: found.resources,
    maxRssMb: run.maxRssMb,
    iam: calls(counted.iam, iamReads),
    kube: calls(counted.kube),
    rolesRead: found.rolesRead,
  };
}

/** The CLI's start-up cost: median wall time of `cli --help` (loads everything, contacts nothing). */
export async function measureCliStartup(cli: CliTarget, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const run = await runNode(cliArgs(cli, ['--help']), {
      env: { PATH: process.env.PATH },
      timeoutMs: 60_000,
      measureRss: false,
    });
    if (run.exitCode !== 0) throw failure('cli --help', run);
    times.push(run.wallMs);
  }
  return median(times);
}

export interface ApplyLimit {
  perSecond: number;
  burst: number;
}

/**
 * `apply --auto-approve` of everything in the file. With a limit, IAM admits only that many
 * mutating calls per second; the mutating window is observed by polling the emulator's counter.
 */
export async function measureApply(
  env: BenchEnvironment,
  cli: CliTarget,
  limit: ApplyLimit | undefined,
): Promise<ApplyRun> {
  setLatency(env, 0);
  if (limit)
    env.iam.server.setFaults({
      rateLimit: { perSecond: limit.perSecond, burst: limit.burst, mutatingOnly: true },
    });
  env.resetCounters();
  let seen = 0;
  let first: number | undefined;
  let last = 0;
  const poll = setInterval(() => {
    const now = env.iam.server.totalCalls({ mutating: true });
    if (now > seen) {
      const t = performance.now();
      first ??= t;
      last = t;
      seen = now;
    }
  }, 5);
  let run;
  try {
    run = await runNode(
      cliArgs(cli, ['apply', '--file', env.bindingsPath, '--auto-approve', '--format', 'json']),
      { env: env.env, timeoutMs: CHILD_TIMEOUT_MS },
    );
  } finally {
    clearInterval(poll);
  }
  const report = parseJsonOutput<ApplyReportJson>(run.stdout, 'summary');
  if (!report) throw failure('apply', run);
  const throttled = env.iam.server.injected().throttled;
  const admitted = env.iam.server.totalCalls({ mutating: true }) - throttled;
  const windowMs = first === undefined ? 0 : last - first;
  const perSecond = limit?.perSecond ?? Number.POSITIVE_INFINITY;
  const burst = limit?.burst ?? 0;
  setLatency(env, 0);
  return {
    n: env.workload.bindings.length,
    perSecond,
    burst,
    wallMs: run.wallMs,
    mutatingWindowMs: windowMs,
    admitted,
    throttled,
    achievedPerSecond: windowMs > 0 ? admitted / (windowMs / 1000) : admitted,
    shareOfLimit: limit ? admitted / (burst + perSecond * (windowMs / 1000)) : 1,
    failures: report.summary.failed + report.summary.skipped,
    exitCode: run.exitCode,
    kubeWrites: calls(env.counters().kube, (c) => c.mutating).total,
    iamReads: calls(env.counters().iam, iamReads).total,
  };
}

interface ApplyReportJson {
  ok: boolean;
  summary: { added: number; changed: number; destroyed: number; failed: number; skipped: number };
}

/** The JSON document the command printed (from its first `{`), if it has `key`. */
function parseJsonOutput<T>(stdout: string, key: string): T | undefined {
  const start = stdout.indexOf('{');
  if (start < 0) return undefined;
  try {
    const value = JSON.parse(stdout.slice(start)) as Record<string, unknown>;
    return key in value ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}
