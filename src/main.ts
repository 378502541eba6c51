// The action: inputs → mode → handler. Each handler fills in an Outcome as it goes; outputs are set
// on every path, and a failure is reported once, here, with core.setFailed.
import * as core from '@actions/core';
import { readInputs } from './action/inputs.js';
import { resolveMode } from './action/mode.js';
import { Outcome } from './action/outcome.js';
import { readRunContext } from './action/run-context.js';
import { writeJobSummary } from './action/summary.js';
import { RunTimedOut, withDeadline } from './support/deadline.js';
import { safeOutput } from './support/terminal.js';
import { timedOutReport } from './render/apply-report.js';
import { errorMessage } from './support/errors.js';
import { codeBlock } from './render/escape.js';

export async function run(): Promise<void> {
  const outcome = new Outcome();
  try {
    const inputs = readInputs();
    const context = readRunContext();
    const { mode, why } = resolveMode(inputs.mode, context);
    core.info(`workload-identity-bindings: ${mode} ${inputs.bindingsFile} (${why}).`);
    // Loaded only now: the handlers bring the AWS SDK, the Kubernetes client and Octokit, most of
    // the start-up cost, so missing or bad inputs fail fast. scripts/bundle.mjs keeps this import
    // of the sibling file (it bundles src/handlers.ts as dist/handlers.js, next to index.js).
    const { HANDLERS, Runtime } = await import(/* webpackIgnore: true */ './handlers.js');
    await withDeadline(
      inputs.timeoutMs,
      () => HANDLERS[mode](new Runtime(inputs, context), outcome),
      (limit) =>
        mode === 'apply'
          ? `apply did not finish within ${limit} (the timeout input)`
          : `${mode} did not finish within ${limit} (the timeout input): a service is not answering or is very slow. Nothing was changed.`,
    );
  } catch (error) {
    // A timed-out apply says exactly which changes finished and which did not, as the CLI does.
    const timedOutApply = error instanceof RunTimedOut && outcome.applyProgress;
    const message = timedOutApply
      ? timedOutReport(error.message, timedOutApply, 'the timeout input')
      : errorMessage(error);
    if (timedOutApply) core.info(safeOutput(message));
    outcome.fail(message);
    await writeJobSummary(`### ❌ workload-identity-bindings failed\n\n${codeBlock(message)}\n`).catch(
      () => undefined,
    );
  }
  outcome.setOutputs();
  if (outcome.failure) core.setFailed(outcome.failure);
}
