// Everything the action needs once its inputs are valid: the mode handlers and the Runtime, which
// pull in the AWS SDK, the Kubernetes client and Octokit. src/main.ts imports this module only when
// a handler is about to run; scripts/bundle.mjs builds it into dist/handlers.js, its own minified
// bundle beside dist/index.js, so the action's entry stays small and a run that fails on its inputs
// never parses the heavy code.
import { applyMode } from './action/apply-mode.js';
import { discoverMode } from './action/discover-mode.js';
import { driftMode } from './action/drift-mode.js';
import type { Mode } from './action/mode.js';
import type { Outcome } from './action/outcome.js';
import { planMode } from './action/plan-mode.js';
import { Runtime } from './action/runtime.js';

export type Handler = (rt: Runtime, outcome: Outcome) => Promise<void>;

export const HANDLERS: Record<Mode, Handler> = {
  plan: planMode,
  apply: applyMode,
  drift: driftMode,
  discover: discoverMode,
};

export { Runtime };
