// Concurrency through the real clients: with emulator latency holding every request open, the number
// of changes and IAM requests in flight never exceeds maxConcurrency — and reaches it, so the limit
// is what bounds the apply. Counted by events and an SDK middleware, never by elapsed time.
import type { ApplyEvent } from '../../src/apply/types.js';
import { bindingsYaml, noSleep, startSandbox, type ApplySandbox } from './sandbox.js';

let sandbox: ApplySandbox;
let requestsInFlight = 0;
let maxRequestsInFlight = 0;

beforeAll(async () => {
  sandbox = await startSandbox();
  sandbox.iam.middlewareStack.add(
    (next) => async (args) => {
      requestsInFlight += 1;
      maxRequestsInFlight = Math.max(maxRequestsInFlight, requestsInFlight);
      try {
        return await next(args);
      } finally {
        requestsInFlight -= 1;
      }
    },
    { step: 'initialize', name: 'countInFlight' },
  );
});
afterAll(async () => {
  await sandbox.stop();
});

const bindings = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    role: `${prefix}-${i}`,
    serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: `${prefix}-${i}` }],
    managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
  }));

async function applyWith(maxConcurrency: number, prefix: string) {
  const plan = await sandbox.plan(bindingsYaml(bindings(prefix, 12)));
  let changesInFlight = 0;
  let maxChangesInFlight = 0;
  const onEvent = (e: ApplyEvent) => {
    if (e.type === 'started') maxChangesInFlight = Math.max(maxChangesInFlight, ++changesInFlight);
    if (e.type === 'finished' && e.result.status !== 'skipped') changesInFlight -= 1;
  };
  sandbox.iamEmulator.server.setFaults({ latencyMs: 25 });
  sandbox.kubeEmulator.server.setFaults({ latencyMs: 25 });
  sandbox.iamEmulator.server.resetCounters();
  maxRequestsInFlight = 0;
  const report = await sandbox.apply(plan, { maxConcurrency, sleep: noSleep, onEvent });
  sandbox.iamEmulator.server.setFaults({});
  sandbox.kubeEmulator.server.setFaults({});
  expect(report.ok).toBe(true);
  return { maxChangesInFlight, maxRequestsInFlight, creates: sandbox.iamEmulator.server.count('CreateRole') };
}

test('maxConcurrency 3: at most three changes and three IAM requests at once, and three are reached', async () => {
  const seen = await applyWith(3, 'wide');
  expect(seen).toEqual({ maxChangesInFlight: 3, maxRequestsInFlight: 3, creates: 12 });
});

test('maxConcurrency 1: strictly one change at a time', async () => {
  const seen = await applyWith(1, 'narrow');
  expect(seen).toEqual({ maxChangesInFlight: 1, maxRequestsInFlight: 1, creates: 12 });
});
