// SustainedRateLimiter on a fake clock: how it measures what IAM admitted, paces after a throttle,
// probes upwards and never compounds its cuts. (Its effect on a real apply is measured by the bench,
// and the faults tests apply through it against a throttling emulator.)
import { SustainedRateLimiter } from '../../src/aws/rate-limiter.js';

const THROTTLED = { errorType: 'THROTTLING' };
const OK = {};

function fakeClock() {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    now: () => now,
    advance: (ms: number) => void (now += ms),
    slept,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** `count` admitted answers spread evenly over the last `spanMs`. */
function admit(
  limiter: SustainedRateLimiter,
  clock: ReturnType<typeof fakeClock>,
  count: number,
  spanMs: number,
) {
  for (let i = 0; i < count; i++) {
    clock.advance(spanMs / count);
    limiter.updateClientSendingRate(OK);
  }
}

test('does not pace anything before IAM throttles', async () => {
  const clock = fakeClock();
  const limiter = new SustainedRateLimiter(clock);
  admit(limiter, clock, 50, 100);
  for (let i = 0; i < 20; i++) await limiter.getSendToken();
  expect(clock.slept).toEqual([]);
  expect(limiter.currentRate()).toBe(Number.POSITIVE_INFINITY);
});

test('after a throttle, calls leave evenly spaced at 90 % of the rate admitted in the last second', async () => {
  const clock = fakeClock();
  const limiter = new SustainedRateLimiter({ ...clock, growthPerSecond: 0 });
  admit(limiter, clock, 20, 1000);
  limiter.updateClientSendingRate(THROTTLED);
  expect(limiter.currentRate()).toBeCloseTo(18);
  for (let i = 0; i < 5; i++) await limiter.getSendToken();
  // The first call may leave at once; each later one waits one interval.
  expect(clock.slept).toHaveLength(4);
  for (const ms of clock.slept) expect(ms).toBeCloseTo(1000 / 18);
});

test('throttles of calls in flight together do not compound', () => {
  const clock = fakeClock();
  const limiter = new SustainedRateLimiter({ ...clock, growthPerSecond: 0 });
  admit(limiter, clock, 100, 1000);
  for (let i = 0; i < 8; i++) limiter.updateClientSendingRate(THROTTLED);
  expect(limiter.currentRate()).toBeCloseTo(90);
});

test('only the last window counts, and the rate grows while nothing is throttled', () => {
  const clock = fakeClock();
  const limiter = new SustainedRateLimiter({ ...clock, growthPerSecond: 0.05 });
  admit(limiter, clock, 100, 1000);
  clock.advance(5000);
  admit(limiter, clock, 10, 1000);
  limiter.updateClientSendingRate(THROTTLED);
  expect(limiter.currentRate()).toBeCloseTo(9);
  clock.advance(2000);
  expect(limiter.currentRate()).toBeCloseTo(9 * 1.05 ** 2);
});

test('never paces below the minimum rate, even when nothing was admitted lately', async () => {
  const clock = fakeClock();
  const limiter = new SustainedRateLimiter({ ...clock, growthPerSecond: 0, minRate: 2 });
  limiter.updateClientSendingRate(THROTTLED);
  expect(limiter.currentRate()).toBe(2);
  for (let i = 0; i < 3; i++) await limiter.getSendToken();
  expect(clock.slept).toEqual([500, 500]);
});
