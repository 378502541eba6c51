// `workload-identity plan`: read everything, print what apply would change.
import { writeFile } from 'node:fs/promises';
import { renderPlanJson } from '../render/json.js';
import { renderPlanMarkdown } from '../render/markdown.js';
import { renderPlanText } from '../render/text.js';
import { withFreshPlan } from './fresh-plan.js';
import type { CommandIo } from './io.js';

export type PlanFormat = 'text' | 'markdown' | 'json';

export interface PlanCommandOptions {
  file: string;
  format: PlanFormat;
  out?: string;
  detailedExitCode: boolean;
}

export async function planCommand(options: PlanCommandOptions, io: CommandIo): Promise<number> {
  return withFreshPlan(options.file, io, async ({ plan }) => {
    if (options.out) await writeFile(options.out, renderPlanJson(plan));
    if (options.format === 'json') io.out(renderPlanJson(plan));
    else if (options.format === 'markdown') io.out(renderPlanMarkdown(plan, { bindingsFile: options.file }));
    else io.out(renderPlanText(plan));
    if (options.out && options.format !== 'json')
      io.err(
        `Saved the plan to ${options.out}; apply it with: workload-identity apply --plan ${options.out}`,
      );
    return options.detailedExitCode && plan.changes.length > 0 ? 2 : 0;
  });
}
