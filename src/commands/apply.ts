// `workload-identity apply`: re-plan, refuse when the reviewed plan is stale, execute, report.
import { readFile } from 'node:fs/promises';
import { formatDiagnostic } from '../bindings/diagnostics.js';
import { applyPlan } from '../apply/executor.js';
import { renderApplyJson, renderApplyText } from '../apply/report.js';
import { loadValidBindings, PlanConflictError, runPlan } from '../engine/plan.js';
import { Session } from '../engine/session.js';
import { parsePlanJson, planDifference } from '../plan/plan.js';
import { renderPlanText } from '../render/text.js';
import type { CommandIo } from './io.js';
import { sessionOptionsFromEnv } from './session-options.js';

export interface ApplyCommandOptions {
  file: string;
  planPath?: string;
  autoApprove: boolean;
  format: 'text' | 'json';
  maxConcurrency: number;
}

export async function applyCommand(options: ApplyCommandOptions, io: CommandIo): Promise<number> {
  // Read the reviewed plan before touching any service: a bad path fails fast.
  const reviewed = options.planPath ? parsePlanJson(await readFile(options.planPath, 'utf8')) : undefined;
  const { file, diagnostics } = await loadValidBindings(options.file);
  for (const d of diagnostics) io.err(formatDiagnostic(d));
  const session = new Session(sessionOptionsFromEnv(io.env));
  try {
    const run = await runPlan(session, file);
    if (run.conflicts.length) throw new PlanConflictError(run.conflicts);
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
    if (options.format === 'text') io.out(renderPlanText(run.plan));
    if (run.plan.changes.length === 0) {
      if (options.format === 'json')
        io.out(
          renderApplyJson({
            changes: [],
            summary: { added: 0, changed: 0, destroyed: 0, failed: 0, skipped: 0 },
            ok: true,
          }),
        );
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
  } finally {
    session.close();
  }
}
