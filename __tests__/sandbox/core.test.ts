import { TokenBucket, seededRandom } from '../../sandbox/core/faults.js';

test('token bucket refills at its rate', () => {
  let now = 0;
  const bucket = new TokenBucket({ perSecond: 2, burst: 2 }, () => now);
  expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false]);
  now = 500;
  expect(bucket.take()).toBe(true);
  expect(bucket.take()).toBe(false);
});

test('seeded random replays', () => {
  const a = seededRandom(7);
  const b = seededRandom(7);
  expect([a(), a(), a()]).toEqual([b(), b(), b()]);
});
