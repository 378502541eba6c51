// Crash recovery: the real CLI's `apply --auto-approve` is SIGKILLed at a few targeted points of
// the apply (the first OIDC provider create, among the roles, among the ServiceAccounts; once the
// re-run is killed too), then applied again to completion. Only the runs that are killed are child
// processes (the bundle, as a runner would start it); the uninterrupted reference and the runs to
// completion call the CLI in this process, which keeps each trial to a few seconds. Each trial must converge to
// `No changes.` and the same state an uninterrupted apply reaches, and at no moment — including
// right after each kill — may anything without our owner tag or label have been created or changed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../sandbox/core/faults.js';
import { runCli as runCliInProcess } from '../../src/cli/main.js';
import { captureIo } from '../cli/io.js';
import { setProcessEnv } from '../safety/harness.js';
import { describeRun, killAllChildren, runCli, type CliRun } from './cli-process.js';
import {
  bindingsYaml,
  convergedView,
  FILE_COUNTS,
  ownershipViolations,
  snapshotWorld,
  startCrashWorld,
  type CrashWorld,
} from './crash-scenario.js';

const SEED = 20261122;
const TRIALS = 4;
/** Emulator latency while a run may be killed: keeps several calls in flight at the kill. */
const KILL_LATENCY_MS = 2;

const dir = mkdtempSync(join(tmpdir(), 'wib-crash-'));
const file = join(dir, 'workload-identity.yaml');
const APPLY = ['apply', '--file', file, '--auto-approve'];
const PLAN = ['plan', '--file', file, '--detailed-exitcode'];

const worlds = new Set<CrashWorld>();

async function withWorld<T>(body: (world: CrashWorld) => Promise<T>): Promise<T> {
  const world = await startCrashWorld();
  worlds.add(world);
  try {
    return await body(world);
  } finally {
    // Every runCli has finished here (it resolves on the child's exit); afterAll kills leftovers.
    worlds.delete(world);
    await world.sandbox.stop();
  }
}

/** The CLI run to completion in this process, against the world's emulators. */
async function runToEnd(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const restore = setProcessEnv(env as Record<string, string>);
  try {
    const io = captureIo(env);
    const code = await runCliInProcess(args, io);
    return { code, signal: null, killed: false, stdout: io.stdout(), stderr: io.stderr() };
  } finally {
    restore();
  }
}

/** Calls already sent when the child died are still answered; let them land before looking. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20 * KILL_LATENCY_MS + 30));

function expectOk(run: CliRun, what: string): void {
  if (run.code !== 0) throw new Error(`${what} should exit 0: ${describeRun(run)}`);
}

function expectInvariants(world: CrashWorld, moment: string, converged: boolean): void {
  const violations = ownershipViolations(world.seeded, snapshotWorld(world.sandbox), { converged });
  if (violations.length) throw new Error(`${moment}:\n${violations.join('\n')}`);
}

writeFileSync(file, bindingsYaml());

/**
 * The uninterrupted apply: how many mutating calls a whole apply makes, and the state it reaches.
 * Computed once, on first use.
 */
let reference: Promise<{ mutatingCalls: number; view: unknown }> | undefined;
function uninterrupted(): Promise<{ mutatingCalls: number; view: unknown }> {
  reference ??= withWorld(async (world) => {
    const before = await runToEnd(PLAN, world.sandbox.env);
    if (before.code !== 2)
      throw new Error(`the first plan should show changes (exit 2): ${describeRun(before)}`);
    const apply = await runToEnd(APPLY, world.sandbox.env);
    expectOk(apply, 'an uninterrupted apply');
    const after = await runToEnd(PLAN, world.sandbox.env);
    expectOk(after, 'plan after apply');
    expect(after.stdout).toContain('No changes.');
    expectInvariants(world, 'after an uninterrupted apply', true);
    const state = snapshotWorld(world.sandbox);
    // 2 seeded roles + ours; 3 seeded ServiceAccounts, one of which the file binds.
    expect(state.roles.size).toBe(2 + FILE_COUNTS.roles);
    expect(state.serviceAccounts.size).toBe(2 + FILE_COUNTS.serviceAccounts);
    return { mutatingCalls: world.mutatingCalls(), view: convergedView(state) };
  });
  return reference;
}

afterAll(async () => {
  killAllChildren();
  await Promise.all([...worlds].map((world) => world.sandbox.stop()));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Kill points from the fixed seed: trial 0 dies on the very first mutating call (an OIDC provider
 * create); the others are spread evenly over the rest of the apply, one per slice, so every run of
 * the suite kills at the same points and covers the whole apply (the last test checks that the
 * kills landed in every phase). Every third trial also kills the re-run after a few mutating calls.
 */
function killPlan(totalCalls: number): Array<{ first: number; second?: number }> {
  const random = seededRandom(SEED);
  const span = totalCalls - 3; // never the last calls: the kill must land before apply finishes
  return Array.from({ length: TRIALS }, (_, i) => {
    const first = i === 0 ? 1 : 2 + Math.floor(((i - 1 + random()) * span) / (TRIALS - 1));
    const second = i % 3 === 2 ? 1 + Math.floor(random() * 15) : undefined;
    return { first: Math.min(first, totalCalls - 2), ...(second ? { second } : {}) };
  });
}

const phases: string[] = [];

test.each(Array.from({ length: TRIALS }, (_, i) => i))(
  'trial %i: apply killed with SIGKILL mid-run, then re-run, converges without touching what is not ours',
  async (trial) => {
    const reference = await uninterrupted();
    const { first, second } = killPlan(reference.mutatingCalls)[trial];
    await withWorld(async (world) => {
      const { env } = world.sandbox;
      world.setLatency(KILL_LATENCY_MS);
      let phase = '';
      const killed = await runCli(APPLY, env, {
        mutatingCalls: () => world.mutatingCalls(),
        at: first,
        onKill: () => (phase = world.phase()),
      });
      if (!killed.killed)
        throw new Error(
          `apply should have been killed after ${first} mutating calls: ${describeRun(killed)}`,
        );
      phases.push(phase);
      await settle();
      expectInvariants(
        world,
        `right after the kill at ${killed.killedAtCalls} mutating calls (${phase})`,
        false,
      );

      if (second !== undefined) {
        const start = world.mutatingCalls();
        const again = await runCli(APPLY, env, {
          mutatingCalls: () => world.mutatingCalls(),
          at: start + second,
        });
        // The re-run may finish before its kill point; either way it must not fail.
        if (!again.killed) expectOk(again, 'a re-run that was not killed');
        await settle();
        const moment = again.killed
          ? `right after the second kill (${second} calls into the re-run)`
          : 'after a re-run that finished before its kill point';
        expectInvariants(world, moment, false);
      }

      world.setLatency(0);
      expectOk(await runToEnd(APPLY, env), 'the re-run of apply');
      const plan = await runToEnd(PLAN, env);
      expectOk(plan, 'plan --detailed-exitcode after the re-run');
      expect(plan.stdout).toContain('No changes.');
      expectInvariants(world, 'after the re-run', true);
      expect(convergedView(snapshotWorld(world.sandbox))).toEqual(reference.view);
    });
  },
  180_000,
);

test('the invariants catch an untagged role, a touched foreign role or ServiceAccount, and extra keys', async () => {
  await withWorld(async (world) => {
    const { iam, kube } = world.sandbox;
    const west = kube.get('west')!;
    const east = kube.get('east')!;
    const check = (converged: boolean) =>
      ownershipViolations(world.seeded, snapshotWorld(world.sandbox), { converged });
    expect(check(false)).toEqual([]);
    // Converged requires our marks on the bound ServiceAccount.
    expect(check(true).join('\n')).toMatch(/west\/batch\/app-03 \(not created by us\)/);

    iam.seedRole({ roleName: 'svc-01', path: '/workload-identity/', tags: { team: 'orders' } });
    const foreign = iam.getRoleState('svc-foreign')!;
    iam.seedRole({ ...foreign, tags: [...foreign.tags, { Key: 'touched', Value: 'yes' }] });
    const legacy = east.getServiceAccount('payments', 'legacy-worker')!;
    east.seedServiceAccount({
      namespace: 'payments',
      name: 'legacy-worker',
      labels: legacy.metadata.labels,
      annotations: legacy.metadata.annotations,
    });
    const bound = west.getServiceAccount('batch', 'app-03')!;
    west.seedServiceAccount({
      namespace: 'batch',
      name: 'app-03',
      labels: { ...bound.metadata.labels, 'app.kubernetes.io/managed-by': 'workload-identity-bindings' },
      annotations: {
        ...bound.metadata.annotations,
        'workload-identity-bindings/owner': 'acme/crash-recovery',
      },
    });
    west.seedNamespace('created-by-apply');
    const violations = check(false).join('\n');
    expect(violations).toMatch(/role svc-01 exists without our owner tag/);
    expect(violations).toMatch(/pre-existing role svc-foreign changed/);
    expect(violations).toMatch(/pre-existing ServiceAccount east\/payments\/legacy-worker changed/);
    expect(violations).toMatch(/namespaces changed/);
    // Half-annotated (no role-arn): neither untouched nor exactly ours.
    expect(violations).toMatch(/west\/batch\/app-03 \(not created by us\)/);
  });
});

test('the kills landed in every phase of apply', () => {
  expect(phases).toHaveLength(TRIALS);
  expect(new Set(phases)).toEqual(new Set(['oidc-providers', 'roles', 'service-accounts']));
});
