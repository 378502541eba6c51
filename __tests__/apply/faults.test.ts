// Apply under injected faults on both emulators: throttling, 5xx answers and dropped connections.
// IAM failures are retried by the SDK (its retry middleware and error classification), Kubernetes
// failures by apply's own retry; the result must be a complete apply and an empty next plan.
import type { IAMClientConfig } from '@aws-sdk/client-iam';
import { bindingsYaml, startSandbox, type ApplySandbox } from './sandbox.js';
import { iamRetrySettings } from '../../src/aws/clients.js';

/**
 * The SDK's retry middleware with a fast schedule. Under uniformly random 30 % throttling the SDK's
 * own schedules are too slow for a unit test: standard mode backs throttling off from 1 s up to 20 s
 * (one 200-binding run took 29–65 s), and adaptive mode keeps cutting its send rate because every
 * third answer is a throttle whatever the rate. Which errors are retried is still the SDK's decision.
 */
const retryCount = (count: number) => ({
  getRetryCount: () => count,
  getRetryDelay: () => Math.min(2 * 2 ** count, 50),
});
const fastSdkRetry: NonNullable<IAMClientConfig['retryStrategy']> = {
  mode: 'standard',
  acquireInitialRetryToken: async () => retryCount(0),
  refreshRetryTokenForRetry: async (token, info) => {
    if (info.errorType === 'CLIENT_ERROR' || token.getRetryCount() >= 30) throw new Error('not retryable');
    return retryCount(token.getRetryCount() + 1);
  },
  recordSuccess: () => undefined,
};

/** Kubernetes retries sleep a fiftieth of the real delay (Retry-After: 1 becomes 20 ms). */
const fastSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms / 50));

const faults = { throttleRate: 0.3, errorRate: 0.05, dropRate: 0.03 };

const bindings = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    role: `svc-${String(i).padStart(3, '0')}`,
    serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: `svc-${String(i).padStart(3, '0')}` }],
    managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    inlinePolicies: {
      queue: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Resource: `arn:aws:sqs:us-east-1:123456789012:q-${i}`,
          },
        ],
      },
    },
  }));

describe('30 % throttling, 5 % server errors and 3 % dropped connections on IAM and Kubernetes', () => {
  let sandbox: ApplySandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ client: { retryStrategy: fastSdkRetry, maxAttempts: 31 } });
  });
  afterAll(async () => {
    await sandbox.stop();
  });

  test('200 bindings apply with no failed change, and the next plan is empty', async () => {
    const yaml = bindingsYaml(bindings(200));
    const plan = await sandbox.plan(yaml);
    expect(plan.changes).toHaveLength(401);
    sandbox.iamEmulator.server.setFaults({ ...faults, seed: 11 });
    sandbox.kubeEmulator.server.setFaults({ ...faults, seed: 12 });
    const report = await sandbox.apply(plan, { maxConcurrency: 16, sleep: fastSleep });
    const iamFaults = sandbox.iamEmulator.server.injected();
    const kubeFaults = sandbox.kubeEmulator.server.injected();
    sandbox.iamEmulator.server.setFaults({});
    sandbox.kubeEmulator.server.setFaults({});

    expect(report.changes.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(report.summary).toEqual({ added: 401, changed: 0, destroyed: 0, failed: 0, skipped: 0 });
    // The faults really happened on both sides.
    for (const injected of [iamFaults, kubeFaults]) {
      expect(injected.throttled).toBeGreaterThan(20);
      expect(injected.errors).toBeGreaterThan(0);
      expect(injected.dropped).toBeGreaterThan(0);
    }
    expect((await sandbox.plan(yaml)).changes).toEqual([]);
  }, 60_000);
});

describe('the production client settings (adaptive retry with SustainedRateLimiter, 12 attempts) against rate-limited IAM', () => {
  let sandbox: ApplySandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ client: iamRetrySettings() });
  });
  afterAll(async () => {
    await sandbox.stop();
  });

  test('IAM throttling by rate (as real IAM does) plus 5xx and drops: everything applies', async () => {
    const yaml = bindingsYaml(bindings(40));
    const plan = await sandbox.plan(yaml);
    sandbox.iamEmulator.server.setFaults({
      rateLimit: { perSecond: 40, burst: 10 },
      errorRate: 0.05,
      dropRate: 0.03,
      seed: 5,
    });
    sandbox.kubeEmulator.server.setFaults({ ...faults, seed: 6 });
    const report = await sandbox.apply(plan, { maxConcurrency: 16, sleep: fastSleep });
    const iamFaults = sandbox.iamEmulator.server.injected();
    sandbox.iamEmulator.server.setFaults({});
    sandbox.kubeEmulator.server.setFaults({});
    expect(report.changes.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(iamFaults.throttled + iamFaults.errors + iamFaults.dropped).toBeGreaterThan(0);
    expect((await sandbox.plan(yaml)).changes).toEqual([]);
  }, 60_000);
});
