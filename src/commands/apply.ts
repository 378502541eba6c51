// `workload-identity apply`: re-plan, refuse when the reviewed plan is stale, execute, report.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { applyPlan } from '../apply/executor.js';
import {
  renderApplyJson,
  renderApplyText,
  timedOutReport,
  type ApplyProgress,
} from '../render/apply-report.js';
import { restartWorkloads, type RestartMode } from '../apply/restart.js';
import { restartTextLines } from '../render/restarts.js';
import { emptyApplyReport } from '../apply/types.js';
import { DEFAULT_RUN_TIMEOUT, parseDuration, RunTimedOut, withDeadline } from '../support/deadline.js';
import { parsePlanJson, planDifference } from '../plan/plan.js';
import { renderPlanText } from '../render/text.js';
import { withFreshPlan } from './fresh-plan.js';
import { readBase } from './base-file.js';
import { refuseRemovedClusters } from '../engine/base-plan.js';
import type { BaseOption } from './plan.js';
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
  /** The run's overall limit (--timeout); default DEFAULT_RUN_TIMEOUT. */
  timeoutMs?: number;
  guardrails?: GuardrailsCliOptions;
  /** Colour the text plan (decided by the CLI: a terminal, no --no-color / NO_COLOR). */
  color?: boolean;
  /** Rollout restarts after a successful apply (default `binding`: as each binding's `restart` says). */
  restart?: RestartMode;
  /** The file as it was before the change (--base-file / --base-ref): dropped cluster keys are refused. */
  base?: BaseOption;
}

export async function applyCommand(options: ApplyCommandOptions, io: CommandIo): Promise<number> {
  const progress: ApplyProgress = { finished: [] };
  try {
    return await withDeadline(
      options.timeoutMs ?? parseDuration(DEFAULT_RUN_TIMEOUT)!,
      () => applyWithinDeadline(options, io, progress),
      (limit) => `apply did not finish within ${limit} (--timeout)`,
    );
  } catch (error) {
    if (!(error instanceof RunTimedOut)) throw error;
    io.err(timedOutReport(error.message, progress, '--timeout'));
    return 1;
  }
}

async function applyWithinDeadline(
  options: ApplyCommandOptions,
  io: CommandIo,
  progress: ApplyProgress,
): Promise<number> {
  // Read the reviewed plan before touching any service: a bad path fails fast.
  const reviewed = options.planPath ? parsePlanJson(await readFile(options.planPath, 'utf8')) : undefined;
  const file = bindingsFileFor(options.file, reviewed && { path: options.planPath!, plan: reviewed });
  // The guardrails hold at apply time too: a guardrails file changed after review still applies.
  const guardrailsOptions = options.guardrails ?? { strict: false };
  const guardrails = await loadGuardrailsForCli(file, guardrailsOptions, io);
  if (!guardrails) return 1;
  const base = options.base ? await readBase(file, options.base) : undefined;
  return withFreshPlan(
    file,
    io,
    async (run, session) => {
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
      progress.plan = run.plan;
      const report = await applyPlan(
        run.plan,
        { iam: session.aws.iam, kube: run.kube },
        {
          maxConcurrency: options.maxConcurrency,
          onEvent: (event) => {
            if (event.type === 'finished') progress.finished.push(event.result);
          },
        },
      );
      // Pods get a changed role only when they restart: only after every change landed.
      if (report.ok && run.plan.restarts?.length) {
        const restarts = await restartWorkloads(run.plan.restarts, run.kube, {
          mode: options.restart ?? 'binding',
          concurrency: options.maxConcurrency,
        });
        if (restarts.length) report.restarts = restarts;
      }
      if (options.format === 'json') io.out(renderApplyJson(report));
      else {
        const restartLines = restartTextLines(run.plan.restarts, report.restarts);
        io.out(renderApplyText(report) + (restartLines.length ? `\n\n${restartLines.join('\n')}` : ''));
      }
      const restartFailed = (report.restarts ?? []).some((r) => r.status === 'failed');
      return report.ok && !restartFailed ? 0 : 1;
    },
    // Before any service is read: a cluster key dropped without draining it first is refused.
    async (bindings) => {
      const problem = base ? refuseRemovedClusters(bindings, base) : undefined;
      if (problem) io.err(`Warning: ${problem}.`);
    },
  );
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
