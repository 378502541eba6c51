// Drift mode (schedule, workflow_dispatch): plan against what exists now; any change means IAM or
// Kubernetes drifted from the bindings file (or the file was never applied), which fails the step
// with the plan in the job summary and, unless drift-issue is false, in one sticky issue per file
// that a later run without drift closes.
import * as core from '@actions/core';
import { syncDriftIssue } from '../github/drift-issue.js';
import { errorMessage } from '../support/errors.js';
import { inlineCode } from '../render/escape.js';
import { renderPlanMarkdown } from '../render/markdown.js';
import type { Outcome } from './outcome.js';
import { withFreshPlan } from './plan-step.js';
import type { Runtime } from './runtime.js';
import { SUMMARY_BUDGET, writeJobSummary } from './summary.js';

/** GitHub's limit on an issue body, less room for the marker. */
const ISSUE_BUDGET = 60_000;

export async function driftMode(rt: Runtime, outcome: Outcome): Promise<void> {
  const file = rt.inputs.bindingsFile;
  const headSha = rt.context.sha;
  // No guardrails here: drift reports what is, whatever the rules say.
  await withFreshPlan(rt, outcome, headSha, writeJobSummary, {}, async ({ run }) => {
    await writeJobSummary(
      // Drift mode has no pull request: every change undoes an edit made outside the file.
      renderPlanMarkdown(run.plan, {
        bindingsFile: file,
        headSha,
        budget: SUMMARY_BUDGET,
        drift: { kind: 'all' },
      }),
    );
    if (rt.inputs.driftIssue) {
      const drift = outcome.hasChanges
        ? {
            markdown: renderPlanMarkdown(run.plan, {
              bindingsFile: file,
              headSha,
              budget: ISSUE_BUDGET,
              jobSummaryUrl: rt.context.runUrl,
              drift: { kind: 'all' },
            }),
          }
        : {
            closingComment: `No drift any more: IAM and Kubernetes match ${inlineCode(file)} at ${headSha.slice(0, 7)}${rt.context.runUrl ? ` ([run](${rt.context.runUrl}))` : ''}. Closing.`,
          };
      await reportDriftIssue(rt, file, drift);
    }
    if (!outcome.hasChanges) {
      outcome.result = 'no-changes';
      return;
    }
    outcome.result = 'drift';
    outcome.failure = `Drift: IAM and Kubernetes differ from ${file} (${outcome.summary}). The plan is in the job summary; apply the file again (merge a pull request, or run with mode: apply) or update it to match.`;
  });
}

/** The issue is a notification: failing to write it must not hide the drift result itself. */
async function reportDriftIssue(
  rt: Runtime,
  file: string,
  drift: Parameters<typeof syncDriftIssue>[2],
): Promise<void> {
  try {
    const target = { ...rt.context.repository, file, author: await rt.commentAuthor() };
    const result = await syncDriftIssue(rt.github(), target, drift, rt.retry);
    if (result.action === 'created' || result.action === 'updated')
      core.info(`Drift issue #${result.number} ${result.action}: ${result.htmlUrl}`);
    else if (result.action === 'closed')
      core.info(`Drift issue #${result.number} closed: no drift any more.`);
  } catch (error) {
    core.warning(
      `Could not update the drift issue for ${file}: ${errorMessage(error)}. Give the job issues: write, or set drift-issue: false.`,
    );
  }
}
