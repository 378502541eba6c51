import { backoffDelay, withRetry } from '../../src/support/retry.js';

const policy = { firstDelayMs: 100, maxDelayMs: 1000, budgetMs: 3000 };

test('retries a retryable error until the operation succeeds, sleeping between attempts', async () => {
  const sleeps: number[] = [];
  let calls = 0;
  const result = await withRetry(
    async () => {
      calls += 1;
      if (calls < 4) throw new Error('not yet');
      return 'done';
    },
    {
      policy,
      sleep: async (ms) => void sleeps.push(ms),
      retryable: () => 'eventual consistency',
      random: () => 1,
    },
  );
  expect(result).toBe('done');
  expect(sleeps).toEqual([100, 200, 400]);
});

test('throws the last error once the sleep budget is spent', async () => {
  let calls = 0;
  const slept: number[] = [];
  await expect(
    withRetry(
      async () => {
        calls += 1;
        throw new Error(`attempt ${calls}`);
      },
      { policy, sleep: async (ms) => void slept.push(ms), retryable: () => 'again', random: () => 1 },
    ),
  ).rejects.toThrow(/attempt 6/);
  // 100 + 200 + 400 + 800 + 1000 = 2500; the next 1000 would exceed the 3000 budget.
  expect(slept.reduce((a, b) => a + b, 0)).toBe(2500);
});

test('a final error is thrown at once', async () => {
  let calls = 0;
  await expect(
    withRetry(
      async () => {
        calls += 1;
        throw new Error('final');
      },
      { policy, sleep: async () => undefined, retryable: () => undefined },
    ),
  ).rejects.toThrow('final');
  expect(calls).toBe(1);
});

test("a server's delay hint is honoured up to the maximum delay", async () => {
  const slept: number[] = [];
  let calls = 0;
  await withRetry(
    async () => {
      calls += 1;
      if (calls === 1) throw new Error('429');
      if (calls === 2) throw new Error('429 with a long hint');
    },
    {
      policy,
      sleep: async (ms) => void slept.push(ms),
      retryable: () => 'throttled',
      delayHint: () => (calls === 1 ? 300 : 60_000),
      random: () => 0,
    },
  );
  expect(slept).toEqual([300, 1000]);
});

test('backoff jitter stays in the upper half of the exponential ceiling', () => {
  expect(backoffDelay(1, policy, () => 0)).toBe(50);
  expect(backoffDelay(3, policy, () => 0.5)).toBe(300);
  expect(backoffDelay(10, policy, () => 1)).toBe(1000);
});
