// Times every in-process stage of a plan and an apply for one synthetic file of N bindings: the
// pure pipeline (parse, schema, semantic checks, compile, diff, planId, the three renderers) and
// the apply planning (dependency graph, scheduler with steps that finish at once). No network: the
// observed state is built from the desired one ("first" = nothing exists yet, every change a
// create; "steady" = everything applied, no changes), so the figures are the code's own cost.
//
// Run as its own child process per N (bench/scaling.ts does), so one size's garbage never slows the
// next:  node --expose-gc --import ./scripts/ts-register.mjs bench/stages.ts N  → one JSON line.
//
// A stage's CPU time is its own thread's (process.threadCpuUsage), not the process's: V8's helper
// threads mark and sweep the whole heap and compile code concurrently, and that work lands on
// whichever stage happens to be running (measured: at 10,000 bindings 54 of the apply graph's
// 162 ms of process CPU were other threads, with no GC pause in the stage). With --expose-gc, a
// full GC (untimed) runs before each stage, so every stage starts on a heap of live data only and
// pays for collecting its own garbage, not the earlier stages': without it, at 10,000 bindings the
// one mark-compact of the run (441 → 208 MB: the parse's and the renderers' garbage) fell in the
// apply graph, which comes right after the renderers, and made it 4–7× its 5,000-binding time in
// every round (6.1× per doubling in the table), while its own work is ~4 µs per change at any N.

import { dependencyGraph } from '../src/apply/graph.js';
import { runInDependencyOrder } from '../src/apply/scheduler.js';
import { buildBindingsFile } from '../src/bindings/build.js';
import { parseBindingsSource } from '../src/bindings/parse.js';
import { checkSchema } from '../src/bindings/schema.js';
import { checkSemantics } from '../src/bindings/validate.js';
import { compileDesiredState } from '../src/desired/compile.js';
import type { DesiredState, ResolvedCluster } from '../src/desired/types.js';
import type { ObservedState } from '../src/observed/types.js';
import { CREATED_ANNOTATION } from '../src/support/ownership.js';
import { buildPlan, computePlanId } from '../src/plan/plan.js';
import { renderPlanJson } from '../src/render/json.js';
import { renderPlanMarkdown } from '../src/render/markdown.js';
import { renderPlanText } from '../src/render/text.js';
import { BENCH_ACCOUNT_ID, BENCH_CLUSTERS, generateWorkload } from './workload.js';

/** Stage name → milliseconds (or an error message when the stage threw). */
export interface StageTimes {
  n: number;
  serviceAccounts: number;
  fileBytes: number;
  changes: number;
  /** Wall time per stage. */
  ms: Record<string, number>;
  /**
   * CPU time (user + system) of the main thread per stage: on a shared machine it moves far less
   * with other processes' load than wall time does, and V8's helper threads are not counted.
   */
  cpuMs: Record<string, number>;
  errors: Record<string, string>;
}

/** Observed state as it is once the plan for `desired` has been applied. */
export function appliedState(desired: DesiredState): ObservedState {
  return {
    roles: desired.roles.map((r) => ({
      name: r.name,
      path: r.path,
      arn: r.arn,
      ...(r.description !== undefined ? { description: r.description } : {}),
      maxSessionDuration: r.maxSessionDuration,
      ...(r.permissionsBoundary !== undefined ? { permissionsBoundary: r.permissionsBoundary } : {}),
      trustPolicy: structuredClone(r.trustPolicy),
      managedPolicies: [...r.managedPolicies],
      inlinePolicies: structuredClone(r.inlinePolicies),
      tags: { ...r.tags },
    })),
    oidcProviders: desired.oidcProviders.map((p) => ({
      arn: p.arn,
      url: p.url,
      clientIds: [...p.clientIds],
      tags: { ...p.tags },
    })),
    clusters: desired.clusters.map((c) => {
      const serviceAccounts = desired.serviceAccounts
        .filter((sa) => sa.cluster === c.key)
        .map((sa) => {
          const annotations = { ...sa.annotations, [CREATED_ANNOTATION]: 'true' };
          return {
            cluster: sa.cluster,
            namespace: sa.namespace,
            name: sa.name,
            annotations,
            labels: { ...sa.labels },
            resourceVersion: '1',
            ownedByUs: { annotations: Object.keys(annotations), labels: Object.keys(sa.labels) },
          };
        });
      return {
        key: c.key,
        serviceAccounts,
        existingNamespaces: [...new Set(serviceAccounts.map((sa) => sa.namespace))],
      };
    }),
  };
}

/** Nothing exists yet; the namespaces do. */
export function emptyState(desired: DesiredState): ObservedState {
  return {
    roles: [],
    oidcProviders: [],
    clusters: desired.clusters.map((c) => ({
      key: c.key,
      serviceAccounts: [],
      existingNamespaces: [
        ...new Set(desired.serviceAccounts.filter((sa) => sa.cluster === c.key).map((sa) => sa.namespace)),
      ],
    })),
  };
}

export async function timeStages(n: number, serviceAccountsPerBinding?: 1 | 2): Promise<StageTimes> {
  const workload = generateWorkload(n, { serviceAccountsPerBinding });
  const ms: Record<string, number> = {};
  const cpuMs: Record<string, number> = {};
  const errors: Record<string, string> = {};
  const cpuNow = (): number => {
    const { user, system } = process.threadCpuUsage();
    return (user + system) / 1000;
  };
  const gc = (globalThis as { gc?: (options: { type: 'major'; execution: 'sync' }) => void }).gc;
  const time = <T>(stage: string, fn: () => T): T | undefined => {
    gc?.({ type: 'major', execution: 'sync' });
    const started = performance.now();
    const cpuStarted = cpuNow();
    try {
      return fn();
    } catch (error) {
      errors[stage] = error instanceof Error ? error.message : String(error);
      return undefined;
    } finally {
      ms[stage] = performance.now() - started;
      cpuMs[stage] = cpuNow() - cpuStarted;
    }
  };
  const path = 'workload-identity.yaml';
  const bytes = Buffer.from(workload.text);
  const parsed = time('parse', () => parseBindingsSource(bytes, path))!;
  if (!parsed.value) throw new Error(`the synthetic file does not parse: ${parsed.diagnostics[0]?.message}`);
  const value = parsed.value;
  time('schema', () => checkSchema(value, parsed.locate, path));
  const semantic = time('semantics', () => checkSemantics(value, parsed.locate, path)) ?? [];
  const firstError = semantic.find((d) => d.severity === 'error');
  if (firstError) throw new Error(`the synthetic file is invalid: ${firstError.message}`);
  const file = time('build', () => buildBindingsFile(value, parsed.locate, path))!;
  const clusters: ResolvedCluster[] = BENCH_CLUSTERS.map((c) => ({
    key: c.key,
    issuer: c.issuer,
    issuerHostPath: c.issuer.replace(/^https:\/\//, ''),
    audience: 'sts.amazonaws.com',
    kubernetes: { context: c.context },
  }));
  const desired = time('compile', () =>
    compileDesiredState(file, { accountId: BENCH_ACCOUNT_ID, clusters }),
  )!;
  const first = time('diff + plan (first)', () =>
    buildPlan({ desired, observed: emptyState(desired), bindingsFile: path }),
  )!;
  const steadyObserved = appliedState(desired);
  const steady = time('diff + plan (steady)', () =>
    buildPlan({ desired, observed: steadyObserved, bindingsFile: path }),
  )!;
  if (steady.plan.changes.length !== 0)
    throw new Error(`the applied state still has ${steady.plan.changes.length} changes`);
  time('planId', () => computePlanId(first.plan));
  time('render text', () => renderPlanText(first.plan));
  time('render markdown', () => renderPlanMarkdown(first.plan, { bindingsFile: path }));
  time('render json', () => renderPlanJson(first.plan));
  const steps = time('apply graph', () => dependencyGraph(first.plan.changes)) ?? [];
  gc?.({ type: 'major', execution: 'sync' });
  const started = performance.now();
  const cpuStarted = cpuNow();
  try {
    await runInDependencyOrder(steps, 8, { run: () => Promise.resolve(true), skip: () => undefined });
  } catch (error) {
    errors['apply scheduler'] = error instanceof Error ? error.message : String(error);
  }
  ms['apply scheduler'] = performance.now() - started;
  cpuMs['apply scheduler'] = cpuNow() - cpuStarted;
  return {
    n,
    serviceAccounts: desired.serviceAccounts.length,
    fileBytes: bytes.byteLength,
    changes: first.plan.changes.length,
    ms,
    cpuMs,
    errors,
  };
}

if (import.meta.main) {
  const n = Number(process.argv[2]);
  const perBinding = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
  if (!Number.isInteger(n) || n < 1 || (perBinding !== undefined && perBinding !== 1 && perBinding !== 2)) {
    process.stderr.write('usage: stages.ts N [SERVICE_ACCOUNTS_PER_BINDING (1|2)]\n');
    process.exitCode = 1;
  } else {
    process.stdout.write(`${JSON.stringify(await timeStages(n, perBinding as 1 | 2 | undefined))}\n`);
  }
}
