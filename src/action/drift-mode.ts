// Drift mode (schedule, workflow_dispatch): plan against what exists now; any change means IAM or
// Kubernetes drifted from the bindings file (or the file was never applied), which fails the step
// with the plan in the job summary.
import { renderPlanMarkdown } from '../render/markdown.js';
import type { Outcome } from './outcome.js';
import { loadBindingsOrReport, planOrReport } from './plan-step.js';
import type { Runtime } from './runtime.js';
import { SUMMARY_BUDGET, writeJobSummary } from './summary.js';

export async function driftMode(rt: Runtime, outcome: Outcome): Promise<void> {
  const file = rt.inputs.bindingsFile;
  const headSha = rt.context.sha;
  const bindings = await loadBindingsOrReport(rt, outcome, headSha, writeJobSummary);
  if (!bindings) return;
  const session = rt.newSession();
  try {
    const run = await planOrReport(rt, session, bindings, outcome, headSha, writeJobSummary);
    if (!run) return;
    await writeJobSummary(
      // Drift mode has no pull request: every change undoes an edit made outside the file.
      renderPlanMarkdown(run.plan, {
        bindingsFile: file,
        headSha,
        budget: SUMMARY_BUDGET,
        drift: { kind: 'all' },
      }),
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
