// Everything the action needs once its inputs are valid: the mode handlers and the Runtime. src/main.ts
// imports this module only when a handler is about to run; scripts/bundle.mjs builds it into
// dist/handlers.js, its own minified bundle beside dist/index.js, so the action's entry stays small
// and a run that fails on its inputs never parses the heavy code.
//
// Each mode's module (the engine, the AWS SDK, the Kubernetes client) is imported when its handler
// runs. The plan mode first starts reading the pull request's base bindings file (git, else the
// GitHub contents API) and lets its request leave, so that read's round trip runs while the engine
// loads and the head file is validated, instead of after them.
import { readBaseBindings } from './action/base-file.js';
import type { Mode } from './action/mode.js';
import type { Outcome } from './action/outcome.js';
import { Runtime } from './action/runtime.js';
import { sentOrSettled } from './support/request-sent.js';

export type Handler = (rt: Runtime, outcome: Outcome) => Promise<void>;

/** The longest the engine waits for the base read to send its request (git, then Octokit: ~70 ms). */
const HEAD_START_LIMIT_MS = 250;

export const HANDLERS: Record<Mode, Handler> = {
  plan: async (rt, outcome) => {
    const baseSha = rt.context.pullRequest?.baseSha;
    const base = baseSha ? readBaseBindings(rt, baseSha) : undefined;
    // Loading the engine holds the event loop for ~100 ms: let `git show` answer and the contents
    // API request leave first, so its round trip runs while the engine loads, not after.
    if (base) await sentOrSettled(base, HEAD_START_LIMIT_MS);
    const { planMode } = await import('./action/plan-mode.js');
    await planMode(rt, outcome, base);
  },
  apply: async (rt, outcome) => (await import('./action/apply-mode.js')).applyMode(rt, outcome),
  drift: async (rt, outcome) => (await import('./action/drift-mode.js')).driftMode(rt, outcome),
  discover: async (rt, outcome) => (await import('./action/discover-mode.js')).discoverMode(rt, outcome),
};

export { Runtime };
