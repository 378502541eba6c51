// Apply mode (push to the default branch): apply exactly what was reviewed. The merged pull request
// is found from the commit; with require-reviewed-plan the fresh plan's id must equal the planId in
// that pull request's plan comment (our marker AND our author), otherwise nothing changes and the
// job summary and a comment say why. The result goes to the job summary and the pull request.
import * as core from '@actions/core';
import { safeOutput } from '../support/terminal.js';
import { applyPlan } from '../apply/executor.js';
import { restartWorkloads } from '../apply/restart.js';
import { restartTextLines } from '../render/restarts.js';
import { renderApplyText } from '../render/apply-report.js';
import { emptyApplyReport } from '../apply/types.js';
import { findMergedPullRequest, type MergedPullRequest } from '../github/pulls.js';
import { codeBlock, escapeProse, inlineCode } from '../render/escape.js';
import { renderApplyMarkdown, renderStalePlanMarkdown } from '../render/markdown.js';
import { summaryLine } from '../render/text.js';
import { findPlanComment, postApplyComment } from './comments.js';
import { isDefaultBranchRef } from './mode.js';
import { readBaseBindings } from './base-file.js';
import { refuseRemovedClusters } from '../engine/base-plan.js';
import { RemovedClusterError } from '../plan/removed-clusters.js';
import type { Outcome } from './outcome.js';
import { withFreshPlan } from './plan-step.js';
import type { Runtime } from './runtime.js';
import { SUMMARY_BUDGET, writeJobSummary } from './summary.js';
import { runVerify } from '../engine/verify.js';
import { renderVerifyMarkdown, renderVerifyText, verifyCounts } from '../render/verify.js';
import type { BindingsFile } from '../bindings/types.js';
import type { Session } from '../engine/session.js';
import { errorMessage } from '../support/errors.js';

/**
 * The proof after an apply: each exact ServiceAccount's token exchanged at STS for its role. IAM
 * takes seconds to show new roles and providers to STS, so refusals it explains are retried for a
 * minute. Every token is registered as a secret first, so even a stray log line would be masked.
 */
async function verifyAfterApply(
  session: Session,
  file: BindingsFile,
  outcome: Outcome,
  concurrency: number,
): Promise<void> {
  try {
    const report = await runVerify(session, file, {
      concurrency,
      settleMs: 60_000,
      onToken: (token) => core.setSecret(token),
    });
    core.info(safeOutput(renderVerifyText(report)));
    await writeJobSummary(renderVerifyMarkdown(report));
    const { failed } = verifyCounts(report);
    if (failed > 0)
      outcome.fail(
        `Verify failed: ${failed} ServiceAccount(s) cannot assume their role although the apply succeeded. See the job summary for each cause and fix.`,
        `verify: ${failed} failed`,
      );
  } catch (error) {
    outcome.fail(`Verify could not run after the apply: ${errorMessage(error)}`, 'verify could not run');
  }
}

function refusalMarkdown(rt: Runtime, reason: string): string {
  return [
    `### ❌ workload-identity-bindings: ${inlineCode(rt.inputs.bindingsFile)} was not applied`,
    '',
    escapeProse(reason),
    '',
  ].join('\n');
}

/** Apply never runs outside the default branch, whatever the mode input says. */
function checkDefaultBranch(rt: Runtime): void {
  const { defaultBranch, ref, eventName } = rt.context;
  if (!defaultBranch) {
    throw new Error(
      `Refusing to apply: the ${eventName || 'unknown'} event payload names no repository.default_branch, so this cannot be checked to be a push to the default branch. Apply on push events to the default branch.`,
    );
  }
  if (!isDefaultBranchRef(rt.context)) {
    throw new Error(
      `Refusing to apply: GITHUB_REF is ${ref || '(empty)'}, but apply runs only on the default branch (refs/heads/${defaultBranch}). Use mode: plan here; apply happens when the pull request is merged.`,
    );
  }
}

async function refuse(
  rt: Runtime,
  outcome: Outcome,
  pull: MergedPullRequest | undefined,
  reason: string,
  summary: string,
): Promise<void> {
  const markdown = refusalMarkdown(rt, reason);
  await writeJobSummary(markdown);
  if (pull && rt.inputs.comment) await postApplyComment(rt, pull.number, markdown);
  outcome.fail(reason, summary);
}

export async function applyMode(rt: Runtime, outcome: Outcome): Promise<void> {
  checkDefaultBranch(rt);
  const progress: NonNullable<Outcome['applyProgress']> = { finished: [] };
  outcome.applyProgress = progress;
  const file = rt.inputs.bindingsFile;
  const sha = rt.context.sha;
  const needsPull = rt.inputs.requireReviewedPlan || rt.inputs.comment;
  const pull = needsPull
    ? await findMergedPullRequest(rt.github(), rt.context.repository, sha, rt.retry, {
        log: (message) => core.info(message),
      })
    : undefined;
  core.info(
    pull
      ? `Commit ${sha} comes from pull request #${pull.number}.`
      : `No merged pull request contains commit ${sha}.`,
  );

  let reviewedPlanId: string | undefined;
  if (rt.inputs.requireReviewedPlan) {
    if (!pull) {
      await refuse(
        rt,
        outcome,
        undefined,
        `No merged pull request contains commit ${sha} (a direct push?). With require-reviewed-plan: true only a plan reviewed on a pull request is applied. Make the change through a pull request, or set require-reviewed-plan: false to apply whatever a fresh plan says.`,
        'no reviewed plan',
      );
      return;
    }
    const reviewed = await findPlanComment(rt, pull.number);
    if (!reviewed?.metadata.planId) {
      await refuse(
        rt,
        outcome,
        pull,
        reviewed
          ? `The plan comment on pull request #${pull.number} shows no plan for ${file} (the file was invalid or the plan failed), so there is nothing reviewed to apply. Fix it in a new pull request.`
          : `Pull request #${pull.number} has no plan comment for ${file} by ${await rt.commentAuthor()}, so no plan was reviewed. Run the plan on pull requests (mode: plan) and merge after review; comments by anyone else do not count.`,
        'no reviewed plan',
      );
      return;
    }
    reviewedPlanId = reviewed.metadata.planId;
    core.info(
      `Pull request #${pull.number} was reviewed with plan ${reviewedPlanId} (comment ${reviewed.htmlUrl}).`,
    );
    if (reviewed.metadata.headSha && reviewed.metadata.headSha !== pull.headSha) {
      core.warning(
        `The plan comment was made for commit ${reviewed.metadata.headSha}, but pull request #${pull.number} ended at ${pull.headSha}; the plan ids are compared all the same.`,
      );
    }
  }

  const publish = async (markdown: string): Promise<void> => {
    await writeJobSummary(markdown);
    if (pull && rt.inputs.comment) await postApplyComment(rt, pull.number, markdown);
  };
  // The guardrails hold at apply time as they are now: a guardrails file changed after the review
  // still stops an apply that breaks it.
  await withFreshPlan(
    rt,
    outcome,
    sha,
    publish,
    {
      guardrails: { compareWithBase: false },
      // The file as the branch had it before this push: a cluster key dropped without draining it
      // first is refused here too (require-reviewed-plan: false has no reviewed plan to lean on).
      beforePlan: async (bindings) => {
        const before = rt.context.pushBefore;
        const base = before ? await readBaseBindings(rt, before) : undefined;
        try {
          const problem = base ? refuseRemovedClusters(bindings, base) : undefined;
          if (problem) core.warning(`${problem}.`);
        } catch (error) {
          if (!(error instanceof RemovedClusterError)) throw error;
          // The message has steps and an entry to paste back: shown as written, not as prose.
          const markdown = [
            `### ❌ workload-identity-bindings: ${inlineCode(file)} was not applied`,
            '',
            codeBlock(error.message),
            '',
          ].join('\n');
          await writeJobSummary(markdown);
          if (pull && rt.inputs.comment) await postApplyComment(rt, pull.number, markdown);
          outcome.fail(error.message, 'cluster removed without draining');
          return false;
        }
        return true;
      },
    },
    async ({ run, session, bindings }) => {
      const { plan } = run;

      if (reviewedPlanId !== undefined && pull && reviewedPlanId !== plan.planId) {
        const ctx = { bindingsFile: file, headSha: sha, reviewedPlanId, pullNumber: pull.number };
        await writeJobSummary(renderStalePlanMarkdown(plan, { ...ctx, budget: SUMMARY_BUDGET }));
        if (rt.inputs.comment)
          await postApplyComment(
            rt,
            pull.number,
            renderStalePlanMarkdown(plan, { ...ctx, jobSummaryUrl: rt.context.runUrl }),
            plan.planId,
          );
        outcome.fail(
          `Refusing to apply: pull request #${pull.number} was reviewed with plan ${reviewedPlanId}, but planning now gives ${plan.planId}. Nothing was changed; the fresh plan is in the job summary. Get the current plan reviewed in a new pull request.`,
          'stale plan',
        );
        return;
      }

      if (outcome.hasChanges) progress.plan = plan;
      const report = !outcome.hasChanges
        ? emptyApplyReport()
        : await applyPlan(
            plan,
            { iam: session.aws.iam, kube: run.kube },
            {
              maxConcurrency: rt.inputs.maxConcurrency,
              onEvent: (event) => {
                if (event.type === 'finished') {
                  progress.finished.push(event.result);
                  core.info(`${event.result.address}: ${event.result.action} ${event.result.status}`);
                }
                if (event.type === 'retry')
                  core.info(
                    `${event.address}: ${event.call} on ${event.resource} retried in ${event.delayMs} ms (${event.why})`,
                  );
              },
            },
          );
      // Pods get a changed role only when they restart: only once every change landed.
      if (report.ok && plan.restarts?.length) {
        const restarts = await restartWorkloads(plan.restarts, run.kube, {
          mode: rt.inputs.restart,
          concurrency: rt.inputs.maxConcurrency,
        });
        if (restarts.length) report.restarts = restarts;
      }
      const restartLines = restartTextLines(plan.restarts, report.restarts);
      core.info(
        safeOutput(renderApplyText(report) + (restartLines.length ? `\n\n${restartLines.join('\n')}` : '')),
      );
      const markdown = renderApplyMarkdown(report, plan, { bindingsFile: file, headSha: sha });
      await writeJobSummary(markdown);
      if (pull && rt.inputs.comment) await postApplyComment(rt, pull.number, markdown, plan.planId);
      const restartFailures = (report.restarts ?? []).filter((r) => r.status === 'failed').length;
      if (report.ok) {
        outcome.result = outcome.hasChanges ? 'applied' : 'no-changes';
        if (restartFailures)
          outcome.fail(
            `Applied, but ${restartFailures} rollout restart(s) failed: their pods keep the old role until restarted. See the job summary for the kubectl commands.`,
            'restart failed',
          );
        if (rt.inputs.verify) await verifyAfterApply(session, bindings, outcome, rt.inputs.maxConcurrency);
      } else
        outcome.fail(
          `Apply failed: ${report.summary.failed} change(s) failed, ${report.summary.skipped} skipped. See the job summary; re-running converges from any partial state.`,
          summaryLine(plan.summary),
        );
    },
  );
}
