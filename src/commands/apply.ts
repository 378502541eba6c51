// `workload-identity apply`: re-plan, refuse when the reviewed plan is stale, execute, report.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { applyPlan } from '../apply/executor.js';
import { renderApplyJson, renderApplyText } from '../render/apply-report.js';
import { emptyApplyReport } from '../apply/types.js';
import { parsePlanJson, planDifference } from '../plan/plan.js';
import { renderPlanText } from '../render/text.js';
import { withFreshPlan } from './fresh-plan.js';
import {
  blockedMessage,
  checkGuardrailsForCli,
  loadGuardrailsForCli,
  type GuardrailsCliOptions,
} from './guardrails.js';
import { UsageError, type CommandIo } from './io.js';
import { DEFAULT_BINDINGS_FILE } from '../support/ownership.js';
import type { Plan } from '../plan/types.js';

export interface ApplyCommandOptions {
  /** --file as given; undefined means the reviewed plan's file (or the default with --auto-approve). */
  file?: string;
  planPath?: string;
  autoApprove: boolean;
  format: 'text' | 'json';
  maxConcurrency: number;
  guardrails?: GuardrailsCliOptions;
  /** Colour the text plan (decided by the CLI: a terminal, no --no-color / NO_COLOR). */
  color?: boolean;
}

export async function applyCommand(options: ApplyCommandOptions, io: CommandIo): Promise<number> {
  // Read the reviewed plan before touching any service: a bad path fails fast.
  const reviewed = options.planPath ? parsePlanJson(await readFile(options.planPath, 'utf8')) : undefined;
  const file = bindingsFileFor(options.file, reviewed && { path: options.planPath!, plan: reviewed });
  // The guardrails hold at apply time too: a guardrails file changed after review still applies.
  const guardrailsOptions = options.guardrails ?? { strict: false };
  const guardrails = await loadGuardrailsForCli(file, guardrailsOptions, io);
  if (!guardrails) return 1;
  return withFreshPlan(file, io, async (run, session) => {
    const resolvedIssuers = new Map(run.desired.clusters.map((c) => [c.key, c.issuer]));
    const check = checkGuardrailsForCli(guardrails, run.file, { ...guardrailsOptions, resolvedIssuers });
    if (check.section) io.err(check.section);
    if (check.blocked) {
      io.err(blockedMessage(check.report, 'nothing was applied or changed.'));
      return 1;
    }
    if (reviewed && reviewed.planId !== run.plan.planId) {
      io.err(
        [
          `The reviewed plan (${reviewed.planId}) is stale: planning now gives ${run.plan.planId}. Nothing was changed.`,
          'What differs:',
          ...planDifference(reviewed, run.plan).map((d) => `  ${d}`),
          'Run `workload-identity plan --out plan.json`, review it, and apply that plan.',
        ].join('\n'),
      );
      return 1;
    }
    if (options.format === 'text') io.out(renderPlanText(run.plan, { color: options.color ?? false }));
    if (run.plan.changes.length === 0) {
      if (options.format === 'json') io.out(renderApplyJson(emptyApplyReport()));
      else io.out('Apply complete! 0 added, 0 changed, 0 destroyed.');
      return 0;
    }
    const report = await applyPlan(
      run.plan,
      { iam: session.aws.iam, kube: run.kube },
      { maxConcurrency: options.maxConcurrency },
    );
    io.out(options.format === 'json' ? renderApplyJson(report) : renderApplyText(report));
    return report.ok ? 0 : 1;
  });
}

/**
 * The bindings file to re-plan: the one the reviewed plan was made from unless --file names one;
 * a --file that differs from the plan's would re-plan another file, so it is refused.
 */
export function bindingsFileFor(given: string | undefined, reviewed?: { path: string; plan: Plan }): string {
  if (!reviewed) return given ?? DEFAULT_BINDINGS_FILE;
  const recorded = reviewed.plan.bindingsFile;
  if (given === undefined || resolve(given) === resolve(recorded)) return given ?? recorded;
  throw new UsageError(
    `--file ${given} is not the bindings file the plan ${reviewed.path} was made from (${recorded}). Drop --file to apply the plan to ${recorded}, or run \`workload-identity plan --file ${given} --out plan.json\` and apply that plan.`,
  );
}
