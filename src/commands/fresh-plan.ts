// What plan and apply both start with: a valid bindings file (warnings printed), a session, and a
// fresh plan without conflicts. The session is closed when `use` returns.
import { formatDiagnostic } from '../bindings/diagnostics.js';
import type { BindingsFile } from '../bindings/types.js';
import { loadValidBindings, PlanConflictError, runPlan, type PlanRun } from '../engine/plan.js';
import { Session } from '../engine/session.js';
import type { CommandIo } from './io.js';
import { sessionOptionsFromEnv } from './session-options.js';

export async function withFreshPlan<T>(
  path: string,
  io: CommandIo,
  use: (run: PlanRun, session: Session) => Promise<T>,
  /** Runs on the valid file before any service is contacted; throwing stops the run. */
  beforePlan?: (file: BindingsFile) => Promise<void>,
): Promise<T> {
  const { file, diagnostics } = await loadValidBindings(path);
  for (const d of diagnostics) io.err(formatDiagnostic(d));
  await beforePlan?.(file);
  const session = new Session(sessionOptionsFromEnv(io.env));
  try {
    const run = await runPlan(session, file);
    if (run.conflicts.length) throw new PlanConflictError(run.conflicts);
    return await use(run, session);
  } finally {
    session.close();
  }
}
