// Drift mode (schedule, workflow_dispatch): plan against what exists now; any change means IAM or
// Kubernetes drifted from the bindings file (or the file was never applied), which fails the step
// with the plan in the job summary.
import * as core from '@actions/core';
import { PlanConflictError, runPlan } from '../engine/plan.js';
import { renderConflictsMarkdown, renderPlanMarkdown, renderValidationMarkdown } from '../render/markdown.js';
import { renderPlanText, summaryLine } from '../render/text.js';
import { invalidFileMessage, loadBindingsForAction } from './bindings.js';
import type { Outcome } from './outcome.js';
import type { Runtime } from './runtime.js';
import { SUMMARY_BUDGET, writeJobSummary } from './summary.js';

export async function driftMode(rt: Runtime, outcome: Outcome): Promise<void> {
  const file = rt.inputs.bindingsFile;
  const loaded = await loadBindingsForAction(file);
  if (!loaded.ok) {
    await writeJobSummary(
      renderValidationMarkdown(loaded.diagnostics, { bindingsFile: file, headSha: rt.context.sha }),
    );
    outcome.fail(invalidFileMessage(file, loaded.diagnostics), 'invalid bindings file');
    return;
  }
  const session = rt.newSession();
  try {
    const run = await runPlan(session, loaded.file);
    if (run.conflicts.length > 0) {
      await writeJobSummary(
        renderConflictsMarkdown(run.conflicts, { bindingsFile: file, headSha: rt.context.sha }),
      );
      outcome.fail(new PlanConflictError(run.conflicts).message, 'conflicts');
      return;
    }
    const { plan } = run;
    outcome.planId = plan.planId;
    outcome.hasChanges = plan.changes.length > 0;
    outcome.summary = summaryLine(plan.summary);
    outcome.planJson = await rt.writePlanJson(plan);
    core.info(renderPlanText(plan));
    await writeJobSummary(
      renderPlanMarkdown(plan, { bindingsFile: file, headSha: rt.context.sha, budget: SUMMARY_BUDGET }),
    );
    if (!outcome.hasChanges) {
      outcome.result = 'no-changes';
      return;
    }
    outcome.result = 'drift';
    outcome.failure = `Drift: IAM and Kubernetes differ from ${file} (${outcome.summary}). The plan is in the job summary; apply the file again (merge a pull request, or run with mode: apply) or update it to match.`;
  } finally {
    session.close();
  }
}
