// Fleet scale, untimed (the bench times it): the whole CLI pipeline — validate, plan, apply, plan
// again — against the IAM and Kubernetes emulators for files of N and 2N bindings with two
// ServiceAccounts each, proving the work grows in proportion (calls, changes) and converges; and a
// large single-ServiceAccount file validated, planned and rendered in every format. Full size
// (5,000 bindings with 10,000 ServiceAccounts planned and applied; 10,000 bindings planned) is too
// slow for `npm test` on a shared 2-core machine: `npm run bench` runs it (bench/fleet.ts, the
// "Fleet size" table) and the scaling table plans and renders 10,000 bindings in every stage.
// The IAM emulator enforces IAM's roles-per-account quota (1,000 by default, as IAM): the bench
// environment (bench/environment.ts) raises it to 5,000, as a real account can be, and for the
// 10,000-binding headroom file past IAM's maximum of 5,000, on purpose.
import { runCli } from '../../src/cli/main.js';
import { loadBindingsText } from '../../src/bindings/load.js';
import { compileDesiredState } from '../../src/desired/compile.js';
import { buildPlan } from '../../src/plan/plan.js';
import { renderPlanJson } from '../../src/render/json.js';
import { renderPlanMarkdown } from '../../src/render/markdown.js';
import { renderPlanText } from '../../src/render/text.js';
import { startEnvironment, type BenchEnvironment } from '../../bench/environment.js';
import { emptyState } from '../../bench/stages.js';
import { BENCH_ACCOUNT_ID, BENCH_CLUSTERS, generateWorkload } from '../../bench/workload.js';
import { captureIo } from '../cli/io.js';
import { setProcessEnv } from '../safety/harness.js';

const TIMEOUT_MS = 900_000;

interface PipelineRun {
  planned: number;
  reads: number;
  writes: number;
  kubeWrites: number;
  replanned: number;
}

async function cli(env: BenchEnvironment, args: string[]): Promise<{ code: number; out: string }> {
  const io = captureIo(env.env);
  const code = await runCli(args, io);
  if (code !== 0 && code !== 2) throw new Error(`${args[0]} exited ${code}:\n${io.stderr().slice(-2000)}`);
  return { code, out: io.stdout() };
}

const changesOf = (out: string): number =>
  (JSON.parse(out.slice(out.indexOf('{'))) as { changes: unknown[] }).changes.length;

/** validate → plan → apply → plan for N bindings × 2 ServiceAccounts; counts what reached the emulators. */
async function pipeline(n: number): Promise<PipelineRun> {
  const env = await startEnvironment(n, 0, { serviceAccountsPerBinding: 2 });
  const restore = setProcessEnv(
    Object.fromEntries(Object.entries(env.env).filter((e): e is [string, string] => e[1] !== undefined)),
  );
  try {
    const file = ['--file', env.bindingsPath];
    await cli(env, ['validate', ...file]);
    env.resetCounters();
    const planned = changesOf((await cli(env, ['plan', ...file, '--format', 'json'])).out);
    const reads = env.iam.server.totalCalls({ mutating: false });
    env.resetCounters();
    const applied = JSON.parse(
      (await cli(env, ['apply', ...file, '--auto-approve', '--format', 'json'])).out,
    ) as { summary: { failed: number; skipped: number; added: number } };
    expect(applied.summary).toMatchObject({ failed: 0, skipped: 0 });
    const writes = env.iam.server.totalCalls({ mutating: true });
    let kubeWrites = 0;
    for (const k of env.kube.values()) kubeWrites += k.server.totalCalls({ mutating: true });
    // Everything is in place: n roles in IAM, 2n ServiceAccounts across the two clusters.
    expect(env.iam.listRoleNames()).toHaveLength(n);
    const replanned = changesOf((await cli(env, ['plan', ...file, '--format', 'json'])).out);
    return { planned, reads, writes, kubeWrites, replanned };
  } finally {
    restore();
    await env.stop();
  }
}

test(
  'N and 2N bindings × 2 ServiceAccounts: validate, plan, apply, converge; the work doubles, no more',
  async () => {
    const small = await pipeline(25);
    const large = await pipeline(50);
    for (const run of [small, large]) expect(run.replanned).toBe(0);
    // Every binding plans a role and two ServiceAccounts (plus the two OIDC providers).
    expect(small.planned).toBe(25 * 3 + 2);
    expect(large.planned).toBe(50 * 3 + 2);
    // Apply writes in proportion to the plan: one role's worth of IAM calls and two ServiceAccounts
    // per binding, whatever N is.
    expect(large.kubeWrites).toBe(2 * small.kubeWrites);
    // (give or take the two providers and the managed policy every fourth binding attaches)
    expect(Math.abs(large.writes - 2 * small.writes)).toBeLessThanOrEqual(4);
    // A plan's IAM reads are pages, not one per role.
    expect(large.reads).toBeLessThan(20);
    expect(large.reads).toBe(small.reads);
  },
  TIMEOUT_MS,
);

test(
  '1,000 single-ServiceAccount bindings validate, plan and render as text, Markdown and JSON',
  () => {
    const workload = generateWorkload(1000, { serviceAccountsPerBinding: 1 });
    const { file, diagnostics } = loadBindingsText(workload.text, 'workload-identity.yaml');
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const desired = compileDesiredState(file!, {
      accountId: BENCH_ACCOUNT_ID,
      clusters: BENCH_CLUSTERS.map((c) => ({
        key: c.key,
        issuer: c.issuer,
        issuerHostPath: c.issuer.replace(/^https:\/\//, ''),
        audience: 'sts.amazonaws.com',
        kubernetes: { context: c.context },
      })),
    });
    const { plan } = buildPlan({
      desired,
      observed: emptyState(desired),
      bindingsFile: 'workload-identity.yaml',
    });
    expect(plan.changes).toHaveLength(1000 * 2 + 2);
    expect(renderPlanText(plan)).toContain('role.bench-app-0999');
    expect(renderPlanMarkdown(plan, { bindingsFile: 'workload-identity.yaml' }).length).toBeGreaterThan(0);
    expect(JSON.parse(renderPlanJson(plan)).changes).toHaveLength(plan.changes.length);
  },
  TIMEOUT_MS,
);
