// The action: inputs → mode → handler. Each handler fills in an Outcome as it goes; outputs are set
// on every path, and a failure is reported once, here, with core.setFailed.
import * as core from '@actions/core';
import { applyMode } from './action/apply-mode.js';
import { driftMode } from './action/drift-mode.js';
import { readInputs } from './action/inputs.js';
import { resolveMode, type Mode } from './action/mode.js';
import { Outcome } from './action/outcome.js';
import { planMode } from './action/plan-mode.js';
import { readRunContext } from './action/run-context.js';
import { Runtime } from './action/runtime.js';
import { writeJobSummary } from './action/summary.js';
import { errorMessage } from './errors.js';
import { codeBlock } from './render/escape.js';

const HANDLERS: Record<Mode, (rt: Runtime, outcome: Outcome) => Promise<void>> = {
  plan: planMode,
  apply: applyMode,
  drift: driftMode,
};

export async function run(): Promise<void> {
  const outcome = new Outcome();
  try {
    const inputs = readInputs();
    const context = readRunContext();
    const { mode, why } = resolveMode(inputs.mode, context);
    core.info(`workload-identity-bindings: ${mode} ${inputs.bindingsFile} (${why}).`);
    await HANDLERS[mode](new Runtime(inputs, context), outcome);
  } catch (error) {
    const message = errorMessage(error);
    outcome.fail(message);
    await writeJobSummary(`### ❌ workload-identity-bindings failed\n\n${codeBlock(message)}\n`).catch(
      () => undefined,
    );
  }
  outcome.setOutputs();
  if (outcome.failure) core.setFailed(outcome.failure);
}
