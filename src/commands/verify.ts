// `workload-identity verify`: for each exact ServiceAccount of the file's bindings, gets a token
// from the cluster and exchanges it at STS for the role's credentials, as a pod would. Exit 0 when
// every check passed, 1 when any failed (or nothing could be checked because of an error).
import { formatDiagnostic } from '../bindings/diagnostics.js';
import { loadValidBindings } from '../engine/plan.js';
import { Session } from '../engine/session.js';
import { runVerify } from '../engine/verify.js';
import { renderVerifyText, verifyCounts } from '../render/verify.js';
import type { CommandIo } from './io.js';
import { sessionOptionsFromEnv } from './session-options.js';

export interface VerifyCommandOptions {
  file: string;
  roles: string[];
  sample?: number;
  format: 'text' | 'json';
  concurrency?: number;
  /** Retry refusals IAM propagation explains for this long (--wait SECONDS). */
  settleMs?: number;
}

export async function verifyCommand(options: VerifyCommandOptions, io: CommandIo): Promise<number> {
  const { file, diagnostics } = await loadValidBindings(options.file);
  for (const d of diagnostics) io.err(formatDiagnostic(d));
  const session = new Session(sessionOptionsFromEnv(io.env));
  try {
    const report = await runVerify(session, file, {
      roles: options.roles,
      sample: options.sample,
      concurrency: options.concurrency,
      settleMs: options.settleMs,
    });
    io.out(options.format === 'json' ? JSON.stringify(report, null, 2) : renderVerifyText(report));
    return verifyCounts(report).failed > 0 ? 1 : 0;
  } finally {
    session.close();
  }
}
