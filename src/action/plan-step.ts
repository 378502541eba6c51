// The first steps every mode shares: load the bindings file (and the guardrails), open a session,
// plan, and close the session whatever happens. An invalid file, a conflict or a guardrails block is
// published (job summary, and a comment where the mode posts one) and recorded in the outcome; the
// mode's own step runs only with a plan it may go on with.
import * as core from '@actions/core';
import { safeOutput } from '../support/terminal.js';
import type { BindingsFile } from '../bindings/types.js';
import { PlanConflictError, runPlan, type PlanRun } from '../engine/plan.js';
import { Session } from '../engine/session.js';
import { renderConflictsMarkdown, renderValidationMarkdown } from '../render/markdown.js';
import type { LoadedGuardrails } from '../guardrails/check.js';
import { hasBlockingViolations, type GuardrailsReport } from '../guardrails/types.js';
import { renderGuardrailsBlockedMarkdown } from '../render/guardrails.js';
import { renderPlanText, summaryLine } from '../render/text.js';
import { invalidFileMessage, loadBindingsForAction } from './bindings.js';
import { judgeGuardrails, loadGuardrailsOrReport } from './guardrails.js';
import type { Outcome } from './outcome.js';
import type { Runtime } from './runtime.js';

/** Shows a problem where this mode shows things (job summary, comment). */
export type Publish = (markdown: string) => Promise<void>;

export async function loadBindingsOrReport(
  rt: Runtime,
  outcome: Outcome,
  headSha: string | undefined,
  publish: Publish,
): Promise<BindingsFile | undefined> {
  const file = rt.inputs.bindingsFile;
  const loaded = await loadBindingsForAction(file);
  if (loaded.ok) return loaded.file;
  await publish(renderValidationMarkdown(loaded.diagnostics, { bindingsFile: file, headSha }));
  outcome.fail(invalidFileMessage(file, loaded.diagnostics), 'invalid bindings file');
  return undefined;
}

/**
 * Plans and records plan id, summary and plan file in the outcome; undefined on conflicts or when
 * the guardrails block the plan — then no plan id is recorded, so nothing reviewable exists.
 */
export async function planOrReport(
  rt: Runtime,
  session: Session,
  bindings: BindingsFile,
  outcome: Outcome,
  headSha: string | undefined,
  publish: Publish,
  guardrails?: LoadedGuardrails,
): Promise<(PlanRun & { guardrails?: GuardrailsReport }) | undefined> {
  const run = await runPlan(session, bindings);
  if (run.conflicts.length > 0) {
    await publish(renderConflictsMarkdown(run.conflicts, { bindingsFile: rt.inputs.bindingsFile, headSha }));
    outcome.fail(new PlanConflictError(run.conflicts).message, 'conflicts');
    return undefined;
  }
  const report = guardrails ? judgeGuardrails(rt, guardrails, run) : undefined;
  if (report && guardrails && hasBlockingViolations(report)) {
    await publish(
      renderGuardrailsBlockedMarkdown(report, guardrails.changes, {
        bindingsFile: rt.inputs.bindingsFile,
        headSha,
      }),
    );
    const n = report.violations.filter((v) => v.severity === 'error').length;
    outcome.fail(
      `${n} guardrail violation${n === 1 ? '' : 's'} in ${rt.inputs.bindingsFile}${report.strict ? ' (strict)' : ''} (see the annotations): nothing is offered for review and nothing was changed.`,
      'guardrails',
    );
    return undefined;
  }
  const { plan } = run;
  outcome.planId = plan.planId;
  outcome.hasChanges = plan.changes.length > 0;
  outcome.summary = summaryLine(plan.summary);
  outcome.planJson = await rt.writePlanJson(plan);
  core.startGroup(`Plan ${plan.planId}: ${outcome.summary}`);
  core.info(safeOutput(renderPlanText(plan)));
  core.endGroup();
  return report ? { ...run, guardrails: report } : run;
}

/** What a mode's own step gets: the plan, the open session it was made with, and its inputs. */
export interface FreshPlan {
  run: PlanRun & { guardrails?: GuardrailsReport };
  session: Session;
  bindings: BindingsFile;
  guardrails?: LoadedGuardrails;
}

/**
 * Load → (guardrails) → session → plan → the mode's step → close. `guardrails` undefined skips the
 * guardrails (drift mode reports what is, whatever the rules say).
 */
export async function withFreshPlan(
  rt: Runtime,
  outcome: Outcome,
  headSha: string | undefined,
  publish: Publish,
  options: {
    guardrails?: { compareWithBase: boolean };
    /**
     * Runs once the file is loaded, before anything is planned. Throwing, or answering false (the
     * hook reported why itself), stops the run with no plan id.
     */
    beforePlan?: (bindings: BindingsFile) => Promise<boolean | void>;
  },
  step: (fresh: FreshPlan) => Promise<void>,
): Promise<void> {
  const bindings = await loadBindingsOrReport(rt, outcome, headSha, publish);
  if (!bindings) return;
  let guardrails: LoadedGuardrails | undefined;
  if (options.guardrails) {
    guardrails = await loadGuardrailsOrReport(rt, outcome, headSha, publish, options.guardrails);
    if (!guardrails) return;
  }
  const session = new Session(rt.sessionOptions());
  try {
    if ((await options.beforePlan?.(bindings)) === false) return;
    const run = await planOrReport(rt, session, bindings, outcome, headSha, publish, guardrails);
    if (run) await step({ run, session, bindings, guardrails });
  } finally {
    session.close();
  }
}
