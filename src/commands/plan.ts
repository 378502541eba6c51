// `workload-identity plan`: read everything, print what apply would change — led by the Guardrails
// section. A guardrails error blocks the plan: nothing is printed for review and no plan file is
// written, so there is nothing to apply.
import { writeFile } from 'node:fs/promises';
import { renderGuardrailsBlockedMarkdown, renderGuardrailsMarkdown } from '../render/guardrails.js';
import { renderPlanJson } from '../render/json.js';
import { renderPlanMarkdown } from '../render/markdown.js';
import { renderPlanText } from '../render/text.js';
import { withFreshPlan } from './fresh-plan.js';
import {
  blockedMessage,
  checkGuardrailsForCli,
  loadGuardrailsForCli,
  type GuardrailsCliOptions,
} from './guardrails.js';
import type { CommandIo } from './io.js';

export type PlanFormat = 'text' | 'markdown' | 'json';

export interface PlanCommandOptions {
  file: string;
  format: PlanFormat;
  out?: string;
  detailedExitCode: boolean;
  guardrails?: GuardrailsCliOptions;
}

export async function planCommand(options: PlanCommandOptions, io: CommandIo): Promise<number> {
  const guardrailsOptions = options.guardrails ?? { strict: false };
  // Before any service is contacted: an invalid guardrails file stops here.
  const loaded = await loadGuardrailsForCli(options.file, guardrailsOptions, io);
  if (!loaded) return 1;
  return withFreshPlan(options.file, io, async ({ plan, file, desired }) => {
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
    if (options.format === 'json') {
      if (section) io.err(section);
      io.out(renderPlanJson(plan));
    } else if (options.format === 'markdown') {
      const lead = renderGuardrailsMarkdown(report, loaded.changes);
      io.out(renderPlanMarkdown(plan, { bindingsFile: options.file, lead }));
    } else io.out(section ? `${section}\n\n${renderPlanText(plan)}` : renderPlanText(plan));
    if (options.out && options.format !== 'json')
      io.err(
        `Saved the plan to ${options.out}; apply it with: workload-identity apply --plan ${options.out}`,
      );
    return options.detailedExitCode && plan.changes.length > 0 ? 2 : 0;
  });
}
