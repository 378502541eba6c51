// Plan mode (pull requests): validate the file, plan against IAM and Kubernetes, and show the plan
// in the job summary and in one sticky comment per bindings file whose marker carries the planId
// that apply on merge checks. Problems (an invalid file, conflicts, a failed plan) replace the plan
// in the comment, so reviewers never approve an out-of-date plan by mistake.
import * as core from '@actions/core';
import { errorMessage } from '../support/errors.js';
import { codeBlock, escapeText, inlineCode } from '../render/escape.js';
import { renderPlanMarkdown, renderPlanMarkdownDocument } from '../render/markdown.js';
import { renderGuardrailsMarkdown } from '../render/guardrails.js';
import { labelDrift, refuseRemovedClusters, type BaseBindings } from '../engine/base-plan.js';
import type { PlanRun } from '../engine/plan.js';
import type { Session } from '../engine/session.js';
import type { DriftLabels } from '../plan/drift.js';
import { readBaseBindings } from './base-file.js';
import { postPlanComment } from './comments.js';
import type { Outcome } from './outcome.js';
import { withFreshPlan } from './plan-step.js';
import type { Runtime } from './runtime.js';
import { SUMMARY_BUDGET, writeJobSummary } from './summary.js';

function failureMarkdown(rt: Runtime, message: string): string {
  return [
    `### ❌ workload-identity-bindings: the plan for ${inlineCode(rt.inputs.bindingsFile)} failed`,
    '',
    escapeText(
      'No plan was made, so there is nothing to review yet. Fix the cause and push again (or re-run the job).',
    ),
    '',
    codeBlock(message),
    '',
  ].join('\n');
}

/** Which changes the base branch's file plans too (drift); undefined when that cannot be told. */
async function pullRequestDrift(
  session: Session,
  run: PlanRun,
  base: BaseBindings | undefined,
): Promise<DriftLabels | undefined> {
  if (!base || run.plan.changes.length === 0) return undefined;
  try {
    const labelled = await labelDrift(session, run, base);
    if (labelled.labels) return labelled.labels;
    core.warning(`${labelled.problem}.`);
  } catch (error) {
    core.warning(
      `Could not plan the base branch's bindings file, so changes are not labelled as drift: ${errorMessage(error)}`,
    );
  }
  return undefined;
}

/**
 * `baseRead`: the base branch's bindings file, when the caller started reading it already (handlers.ts
 * does, so it overlaps loading the engine); read here otherwise.
 */
export async function planMode(
  rt: Runtime,
  outcome: Outcome,
  baseRead?: Promise<BaseBindings | undefined>,
): Promise<void> {
  const pull = rt.context.pullRequest;
  const file = rt.inputs.bindingsFile;
  const headSha = pull?.headSha || rt.context.sha || undefined;
  const comment = async (markdown: string, planId: string | undefined, truncated = false): Promise<void> => {
    if (pull && rt.inputs.comment) await postPlanComment(rt, pull.number, markdown, { planId, truncated });
  };
  if (!pull) core.info('No pull request in this event: the plan goes to the job summary only.');

  const publish = async (markdown: string): Promise<void> => {
    await writeJobSummary(markdown);
    await comment(markdown, undefined);
  };
  let base: BaseBindings | undefined;
  try {
    await withFreshPlan(
      rt,
      outcome,
      headSha,
      publish,
      {
        guardrails: { compareWithBase: true },
        // A cluster key the base branch had, dropped without draining it first: refuse before
        // planning (so no plan id: nothing reviewable), never orphan its ServiceAccounts.
        beforePlan: async (bindings) => {
          base = pull?.baseSha ? await (baseRead ?? readBaseBindings(rt, pull.baseSha)) : undefined;
          if (base) {
            const problem = refuseRemovedClusters(bindings, base);
            if (problem) core.warning(`${problem}.`);
          } else if (pull) {
            core.notice(
              "The base branch's bindings file could not be read, so a cluster key removed from the file while another key still uses its issuer cannot be detected.",
            );
          }
        },
      },
      async ({ run, session, guardrails }) => {
        const { plan } = run;
        const lead =
          run.guardrails && guardrails ? renderGuardrailsMarkdown(run.guardrails, guardrails.changes) : [];
        const drift = await pullRequestDrift(session, run, base);
        await writeJobSummary(
          renderPlanMarkdown(plan, { bindingsFile: file, headSha, budget: SUMMARY_BUDGET, lead, drift }),
        );
        const { markdown, truncated } = renderPlanMarkdownDocument(plan, {
          bindingsFile: file,
          headSha,
          jobSummaryUrl: rt.context.runUrl,
          lead,
          drift,
        });
        await comment(markdown, plan.planId, truncated);
        outcome.result = outcome.hasChanges ? 'planned' : 'no-changes';
      },
    );
  } catch (error) {
    // The comment must not keep showing an older plan as if it were current.
    if (!outcome.planId) {
      const markdown = failureMarkdown(rt, errorMessage(error));
      await writeJobSummary(markdown).catch(() => undefined);
      await comment(markdown, undefined).catch((e: unknown) =>
        core.warning(`Could not update the plan comment: ${errorMessage(e)}`),
      );
    }
    throw error;
  }
}
