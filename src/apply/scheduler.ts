// Runs steps as soon as their dependencies have succeeded, at most `maxConcurrency` at a time (a
// small promise pool, no library). A step whose dependency failed or was skipped is skipped itself,
// and its own dependants after it.
//
// Each step keeps a count of the dependencies still to succeed; a finished step updates only its
// own dependants, and ready steps wait in a queue ordered by their position in `steps` (the plan's
// order). So a run costs O((steps + edges) · log steps), however many steps finish one by one.
export interface SchedulableStep {
  index: number;
  dependsOn: number[];
}

export interface ScheduleHooks {
  /** Runs one step; resolves true when it succeeded. Must not reject (a rejection counts as failed). */
  run: (index: number) => Promise<boolean>;
  /** A step will not run because `blockedBy` failed or was skipped. */
  skip: (index: number, blockedBy: number) => void;
}

type State = 'waiting' | 'running' | 'ok' | 'failed' | 'skipped';

/** A binary min-heap of positions: the ready step that comes first in `steps` starts first. */
class ReadyQueue {
  private readonly heap: number[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(position: number): void {
    const heap = this.heap;
    heap.push(position);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent] <= heap[i]) break;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  }

  pop(): number | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && heap[left] < heap[smallest]) smallest = left;
        if (right < heap.length && heap[right] < heap[smallest]) smallest = right;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i], heap[smallest]];
        i = smallest;
      }
    }
    return top;
  }
}

export function runInDependencyOrder(
  steps: SchedulableStep[],
  maxConcurrency: number,
  hooks: ScheduleHooks,
): Promise<void> {
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
    throw new Error(`maxConcurrency must be a whole number of at least 1, got ${maxConcurrency}.`);
  }
  const position = new Map<number, number>(steps.map((s, p) => [s.index, p]));
  const state: State[] = steps.map(() => 'waiting');
  // Dependencies that are not steps of this run count as met (they are not ours to wait for).
  const remaining = steps.map((s) => new Set(s.dependsOn.filter((d) => position.has(d))).size);
  const dependants: number[][] = steps.map(() => []);
  steps.forEach((s, p) => {
    for (const d of new Set(s.dependsOn)) {
      const q = position.get(d);
      if (q !== undefined) dependants[q].push(p);
    }
  });
  const ready = new ReadyQueue();
  remaining.forEach((count, p) => {
    if (count === 0) ready.push(p);
  });
  let running = 0;

  return new Promise<void>((resolve) => {
    /** Skips every step that waits, directly or not, on the step at position `p`. */
    const skipDependants = (p: number): void => {
      const pending = [p];
      for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
        for (const q of dependants[next]) {
          if (state[q] !== 'waiting') continue;
          // Name the first dependency (in the step's own order) that did not succeed.
          const blocker = steps[q].dependsOn.find((d) => {
            const at = position.get(d);
            return at !== undefined && (state[at] === 'failed' || state[at] === 'skipped');
          });
          state[q] = 'skipped';
          hooks.skip(steps[q].index, blocker ?? steps[next].index);
          pending.push(q);
        }
      }
    };

    const finished = (p: number, ok: boolean): void => {
      state[p] = ok ? 'ok' : 'failed';
      running -= 1;
      if (ok) {
        for (const q of dependants[p]) {
          remaining[q] -= 1;
          if (remaining[q] === 0 && state[q] === 'waiting') ready.push(q);
        }
      } else {
        skipDependants(p);
      }
      pump();
    };

    const start = (p: number): void => {
      state[p] = 'running';
      running += 1;
      hooks.run(steps[p].index).then(
        (ok) => finished(p, ok),
        () => finished(p, false),
      );
    };

    const pump = (): void => {
      while (running < maxConcurrency && ready.size > 0) {
        const p = ready.pop()!;
        if (state[p] === 'waiting') start(p);
      }
      if (running === 0) resolve();
    };

    pump();
  });
}
