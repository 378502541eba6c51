// Runs steps as soon as their dependencies have succeeded, at most `maxConcurrency` at a time (a
// small promise pool, no library). A step whose dependency failed or was skipped is skipped itself,
// and its own dependants after it.
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

export function runInDependencyOrder(
  steps: SchedulableStep[],
  maxConcurrency: number,
  hooks: ScheduleHooks,
): Promise<void> {
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
    throw new Error(`maxConcurrency must be a whole number of at least 1, got ${maxConcurrency}.`);
  }
  const state = new Map<number, State>(steps.map((s) => [s.index, 'waiting']));
  const known = (index: number): boolean => state.has(index);
  let running = 0;

  return new Promise<void>((resolve) => {
    const skipBlocked = (): void => {
      let changed = true;
      while (changed) {
        changed = false;
        for (const step of steps) {
          if (state.get(step.index) !== 'waiting') continue;
          const blocker = step.dependsOn.find(
            (d) => known(d) && (state.get(d) === 'failed' || state.get(d) === 'skipped'),
          );
          if (blocker === undefined) continue;
          state.set(step.index, 'skipped');
          hooks.skip(step.index, blocker);
          changed = true;
        }
      }
    };

    const start = (step: SchedulableStep): void => {
      state.set(step.index, 'running');
      running += 1;
      hooks
        .run(step.index)
        .then(
          (ok) => state.set(step.index, ok ? 'ok' : 'failed'),
          () => state.set(step.index, 'failed'),
        )
        .finally(() => {
          running -= 1;
          pump();
        });
    };

    const pump = (): void => {
      skipBlocked();
      for (const step of steps) {
        if (running >= maxConcurrency) break;
        if (state.get(step.index) !== 'waiting') continue;
        if (step.dependsOn.every((d) => !known(d) || state.get(d) === 'ok')) start(step);
      }
      if (running === 0) resolve();
    };

    pump();
  });
}
