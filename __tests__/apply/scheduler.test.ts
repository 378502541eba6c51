import { runInDependencyOrder } from '../../src/apply/scheduler.js';

function deferred() {
  let resolve!: (ok: boolean) => void;
  const promise = new Promise<boolean>((r) => (resolve = r));
  return { promise, resolve };
}

const flush = () => new Promise((r) => setImmediate(r));

test('never runs more than maxConcurrency steps at once and starts the next as one finishes', async () => {
  const gates = Array.from({ length: 5 }, deferred);
  const started: number[] = [];
  const done = runInDependencyOrder(
    gates.map((_, index) => ({ index, dependsOn: [] })),
    2,
    { run: (i) => (started.push(i), gates[i].promise), skip: () => undefined },
  );
  await flush();
  expect(started).toEqual([0, 1]);
  gates[1].resolve(true);
  await flush();
  expect(started).toEqual([0, 1, 2]);
  gates[0].resolve(true);
  gates[2].resolve(true);
  await flush();
  expect(started).toEqual([0, 1, 2, 3, 4]);
  gates[3].resolve(true);
  gates[4].resolve(true);
  await done;
});

test('a dependant waits for its dependency and is skipped, with its own dependants, when it fails', async () => {
  const ran: number[] = [];
  const skipped: Array<[number, number]> = [];
  await runInDependencyOrder(
    [
      { index: 0, dependsOn: [] },
      { index: 1, dependsOn: [0] },
      { index: 2, dependsOn: [1] },
      { index: 3, dependsOn: [] },
      { index: 4, dependsOn: [3] },
    ],
    4,
    {
      run: async (i) => {
        ran.push(i);
        return i !== 0;
      },
      skip: (i, blocker) => skipped.push([i, blocker]),
    },
  );
  expect(ran.sort()).toEqual([0, 3, 4]);
  expect(skipped).toEqual([
    [1, 0],
    [2, 1],
  ]);
});

test('a rejected step counts as failed', async () => {
  const skipped: number[] = [];
  await runInDependencyOrder(
    [
      { index: 0, dependsOn: [] },
      { index: 1, dependsOn: [0] },
    ],
    1,
    { run: async (i) => (i === 0 ? Promise.reject(new Error('boom')) : true), skip: (i) => skipped.push(i) },
  );
  expect(skipped).toEqual([1]);
});

test('rejects a maxConcurrency below 1', () => {
  expect(() => runInDependencyOrder([], 0, { run: async () => true, skip: () => undefined })).toThrow(
    /at least 1/,
  );
});
