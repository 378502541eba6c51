// The first steps every mode shares: load the bindings file, then plan. An invalid file or a
// conflict is published (job summary, and a comment where the mode posts one) and recorded in the
// outcome; the caller gets the plan only when it may go on.
import * as core from '@actions/core';
import type { BindingsFile } from '../bindings/types.js';
import { PlanConflictError, runPlan, type PlanRun } from '../engine/plan.js';
import type { Session } from '../engine/session.js';
import { renderConflictsMarkdown, renderValidationMarkdown } from '../render/markdown.js';
import { renderPlanText, summaryLine } from '../render/text.js';
import { invalidFileMessage, loadBindingsForAction } from './bindings.js';
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

/** Plans and records plan id, summary and plan file in the outcome; undefined on conflicts. */
export async function planOrReport(
  rt: Runtime,
  session: Session,
  bindings: BindingsFile,
  outcome: Outcome,
  headSha: string | undefined,
  publish: Publish,
): Promise<PlanRun | undefined> {
  const run = await runPlan(session, bindings);
  if (run.conflicts.length > 0) {
    await publish(renderConflictsMarkdown(run.conflicts, { bindingsFile: rt.inputs.bindingsFile, headSha }));
    outcome.fail(new PlanConflictError(run.conflicts).message, 'conflicts');
    return undefined;
  }
  const { plan } = run;
  outcome.planId = plan.planId;
  outcome.hasChanges = plan.changes.length > 0;
  outcome.summary = summaryLine(plan.summary);
  outcome.planJson = await rt.writePlanJson(plan);
  core.startGroup(`Plan ${plan.planId}: ${outcome.summary}`);
  core.info(renderPlanText(plan));
  core.endGroup();
  return run;
}
