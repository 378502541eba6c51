// `workload-identity validate`: check the file offline — schema, IAM/Kubernetes rules and the
// guardrails — and print a one-line summary.
import { errorCount, formatDiagnostic, hasErrors } from '../bindings/diagnostics.js';
import { loadBindingsFile } from '../bindings/load.js';
import { summarizeBindings } from '../bindings/summary.js';
import {
  blockedMessage,
  checkGuardrailsForCli,
  loadGuardrailsForCli,
  type GuardrailsCliOptions,
} from './guardrails.js';
import type { CommandIo } from './io.js';

export async function validateCommand(
  path: string,
  io: CommandIo,
  guardrails: GuardrailsCliOptions = { strict: false },
): Promise<number> {
  const { file, diagnostics } = await loadBindingsFile(path);
  for (const d of diagnostics) io.err(formatDiagnostic(d));
  if (!file || hasErrors(diagnostics)) {
    const n = errorCount(diagnostics);
    io.err(`${path}: ${n} error${n === 1 ? '' : 's'}; nothing was contacted or changed.`);
    return 1;
  }
  const loaded = await loadGuardrailsForCli(path, guardrails, io);
  if (!loaded) return 1;
  const { report, section, blocked } = checkGuardrailsForCli(loaded, file, guardrails);
  if (section) io.err(section);
  if (blocked) {
    io.err(
      `${path}: ${blockedMessage(report, 'fix them (each says how) or ask the guardrails’ owners for an exception.')}`,
    );
    return 1;
  }
  const s = summarizeBindings(file);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const warnings = report.violations.length
    ? `; ${plural(report.violations.length, 'guardrail warning')}`
    : '';
  io.out(
    `${path} is valid: ${plural(s.bindings, 'binding')}, ${plural(s.roles, 'role')}, ${plural(s.serviceAccounts, 'service account')}, ${plural(s.clusters, 'cluster')}${warnings}.`,
  );
  return 0;
}
