// `workload-identity plan`: read everything, print what apply would change — led by the Guardrails
// section. A guardrails error blocks the plan: nothing is printed for review and no plan file is
// written, so there is nothing to apply.
import { writeFile } from 'node:fs/promises';
import { labelDrift, NO_BASE_NOTE, refuseRemovedClusters } from '../engine/base-plan.js';
import type { DriftLabels } from '../plan/drift.js';
import { readBase } from './base-file.js';
import { renderGuardrailsBlockedMarkdown, renderGuardrailsMarkdown } from '../render/guardrails.js';
import { planJsonPieces, renderPlanJson } from '../render/json.js';
import { renderPlanMarkdown } from '../render/markdown.js';
import { renderPlanText } from '../render/text.js';
import { withFreshPlan } from './fresh-plan.js';
import {
  blockedMessage,
  checkGuardrailsForCli,
  loadGuardrailsForCli,
  type GuardrailsCliOptions,
} from './guardrails.js';
import { DEFAULT_RUN_TIMEOUT, parseDuration, withDeadline } from '../support/deadline.js';
import type { CommandIo } from './io.js';

export type PlanFormat = 'text' | 'markdown' | 'json';

export interface PlanCommandOptions {
  file: string;
  /** The run's overall limit (--timeout); default DEFAULT_RUN_TIMEOUT. */
  timeoutMs?: number;
  format: PlanFormat;
  out?: string;
  detailedExitCode: boolean;
  guardrails?: GuardrailsCliOptions;
  /** The base branch's bindings file, to label drift (--base-file FILE or --base-ref REF). */
  base?: BaseOption;
  /** Colour the text plan (decided by the CLI: a terminal, no --no-color / NO_COLOR). */
  color?: boolean;
}

export type BaseOption = { file: string } | { ref: string };

export async function planCommand(options: PlanCommandOptions, io: CommandIo): Promise<number> {
  return withDeadline(
    options.timeoutMs ?? parseDuration(DEFAULT_RUN_TIMEOUT)!,
    () => planWithinDeadline(options, io),
    (limit) =>
      `plan did not finish within ${limit} (--timeout): a service is not answering or is very slow. Nothing was changed; check the endpoints and the network, or raise --timeout.`,
  );
}

async function planWithinDeadline(options: PlanCommandOptions, io: CommandIo): Promise<number> {
  const guardrailsOptions = options.guardrails ?? { strict: false };
  // Before any service is contacted: an invalid guardrails file stops here.
  const loaded = await loadGuardrailsForCli(options.file, guardrailsOptions, io);
  if (!loaded) return 1;
  const base = options.base ? await readBase(options.file, options.base) : undefined;
  return withFreshPlan(
    options.file,
    io,
    async (run, session) => {
      const { plan, file, desired } = run;
      const manageKubernetes = file.clusters.some((c) => c.kubernetes !== false);
      const resolvedIssuers = new Map(desired.clusters.map((c) => [c.key, c.issuer]));
      const { report, section, blocked } = checkGuardrailsForCli(loaded, file, {
        ...guardrailsOptions,
        resolvedIssuers,
      });
      if (blocked) {
        if (options.format === 'markdown')
          io.out(renderGuardrailsBlockedMarkdown(report, loaded.changes, { bindingsFile: options.file }));
        else if (options.format === 'text') io.out(section);
        else io.err(section);
        io.err(blockedMessage(report, 'no plan is offered for review and no plan file was written.'));
        return 1;
      }
      if (options.out) await writeFile(options.out, renderPlanJson(plan));
      let drift: DriftLabels | undefined;
      if (base) {
        const labelled = await labelDrift(session, run, base);
        if (labelled.labels) drift = labelled.labels;
        else io.err(`Warning: ${labelled.problem}.`);
      }
      if (options.format === 'json') {
        if (section) io.err(section);
        if (io.outPieces) await io.outPieces(planJsonPieces(plan));
        else io.out(renderPlanJson(plan));
      } else if (options.format === 'markdown') {
        const lead = renderGuardrailsMarkdown(report, loaded.changes);
        io.out(
          renderPlanMarkdown(plan, {
            bindingsFile: options.file,
            // The CLI has no job summary or plan-json output: say what it does offer.
            fullPlanHint: `The full plan: \`workload-identity plan --format text\`, or \`--out plan.json\` for all of it as JSON.`,
            lead,
            drift,
          }),
        );
      } else {
        const text = renderPlanText(plan, { color: options.color ?? false, drift });
        io.out(section ? `${section}\n\n${text}` : text);
      }
      if (!base && manageKubernetes && options.format !== 'json') io.out(`\n${NO_BASE_NOTE}`);
      if (options.out && options.format !== 'json')
        io.err(
          `Saved the plan to ${options.out}; apply it with: workload-identity apply --plan ${options.out}`,
        );
      return options.detailedExitCode && plan.changes.length > 0 ? 2 : 0;
    },
    // Before any service is read: a dropped cluster key must be drained first.
    async (file) => {
      const problem = base ? refuseRemovedClusters(file, base) : undefined;
      if (problem) io.err(`Warning: ${problem}.`);
    },
  );
}
