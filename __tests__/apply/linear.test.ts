// Apply planning must stay linear at fleet scale (5,000 roles, 10,000 ServiceAccounts): the
// dependency graph indexes changes by key instead of comparing every pair, and the scheduler keeps a
// ready queue instead of rescanning every step after each completion. Proven without timing: the
// number of property reads on the changes and steps grows in proportion to the plan.
import { dependencyGraph } from '../../src/apply/graph.js';
import { runInDependencyOrder, type SchedulableStep } from '../../src/apply/scheduler.js';
import type { Change } from '../../src/plan/types.js';
import {
  desiredProvider,
  desiredRole,
  desiredServiceAccount,
  observedProvider,
  observedRole,
  observedServiceAccount,
  providerChange,
  roleChange,
  saChange,
  trustPolicy,
} from '../builders.js';

/** Wraps every object so that each property read is counted. */
function counting<T extends object>(items: T[]): { items: T[]; reads: () => number } {
  let reads = 0;
  const wrapped = items.map(
    (item) =>
      new Proxy(item, {
        get(target, key, receiver) {
          reads += 1;
          return Reflect.get(target, key, receiver) as unknown;
        },
      }),
  );
  return { items: wrapped, reads: () => reads };
}

/** A plan of size ~3n: new provider, n new roles each with a ServiceAccount, n/4 roles going away. */
function planOfSize(n: number): Change[] {
  const oldHost = 'oidc.old.example/id/OLD';
  const changes: Change[] = [
    providerChange('create', null, desiredProvider()),
    providerChange(
      'delete',
      observedProvider({ arn: `arn:aws:iam::123456789012:oidc-provider/${oldHost}` }),
      null,
    ),
  ];
  for (let i = 0; i < n; i += 1) changes.push(roleChange('create', null, desiredRole(`app-${i}`)));
  for (let i = 0; i < n / 4; i += 1)
    changes.push(
      roleChange(
        'delete',
        observedRole(desiredRole(`gone-${i}`), {
          trustPolicy: trustPolicy([`system:serviceaccount:default:gone-${i}`], oldHost),
        }),
        null,
      ),
    );
  for (let i = 0; i < n; i += 1)
    changes.push(saChange('create', null, desiredServiceAccount(`app-${i}`, { role: `app-${i}` }), true));
  for (let i = 0; i < n / 4; i += 1)
    changes.push(
      saChange(
        'delete',
        observedServiceAccount(desiredServiceAccount(`gone-${i}`, { role: `gone-${i}` }), { created: false }),
        null,
        true,
      ),
    );
  return changes;
}

function graphReads(n: number): number {
  const { items, reads } = counting(planOfSize(n));
  const steps = dependencyGraph(items);
  // The graph is still right at this size: every ServiceAccount waits for its role.
  expect(steps[2 + n + n / 4].dependsOn).toEqual([2]);
  return reads();
}

async function schedulerReads(n: number): Promise<number> {
  const steps = dependencyGraph(planOfSize(n)).map((s): SchedulableStep => ({
    index: s.index,
    dependsOn: s.dependsOn,
  }));
  const { items, reads } = counting(steps);
  let ran = 0;
  await runInDependencyOrder(items, 8, {
    run: async () => {
      ran += 1;
      return true;
    },
    skip: () => undefined,
  });
  expect(ran).toBe(steps.length);
  return reads();
}

test('the dependency graph reads each change a bounded number of times (linear)', () => {
  const small = graphReads(400);
  const large = graphReads(1600);
  // Four times the plan: about four times the reads (a pairwise comparison would be sixteen).
  expect(large / small).toBeLessThan(4 * 1.15);
});

test('the scheduler reads each step a bounded number of times (linear), however the steps finish', async () => {
  const small = await schedulerReads(400);
  const large = await schedulerReads(1600);
  expect(large / small).toBeLessThan(4 * 1.15);
});

test('a failure skips every dependant once, transitively, also at scale', async () => {
  const n = 2000;
  const steps: SchedulableStep[] = Array.from({ length: n }, (_, i) => ({
    index: i,
    dependsOn: i === 0 ? [] : [i - 1],
  }));
  const skipped: number[] = [];
  await runInDependencyOrder(steps, 4, {
    run: async (i) => i !== 0,
    skip: (i, blocker) => {
      expect(blocker).toBe(i - 1);
      skipped.push(i);
    },
  });
  expect(skipped).toEqual(Array.from({ length: n - 1 }, (_, i) => i + 1));
});
