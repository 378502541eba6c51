// The guardrails part of validate, plan and apply on the command line: load the rules (and the base
// version with --base-guardrails) before anything is contacted, then judge the file and print the
// section. A command goes on only when nothing blocks it.
import { readFile } from 'node:fs/promises';
import { formatDiagnostic } from '../bindings/diagnostics.js';
import type { BindingsFile } from '../bindings/types.js';
import {
  InvalidGuardrailsError,
  judge,
  prepareGuardrails,
  type BaseGuardrails,
  type LoadedGuardrails,
} from '../guardrails/check.js';
import { hasBlockingViolations, type GuardrailsReport } from '../guardrails/types.js';
import { renderGuardrailsText } from '../render/guardrails.js';
import type { CommandIo } from './io.js';

export interface GuardrailsCliOptions {
  /** --guardrails PATH */
  guardrailsPath?: string;
  /** --strict: warnings count as errors. */
  strict: boolean;
  /** --base-guardrails PATH: the version to compare with (a missing file means the base had none). */
  baseGuardrailsPath?: string;
}

async function readBase(path: string | undefined): Promise<BaseGuardrails | undefined> {
  if (path === undefined) return undefined;
  try {
    return { path, text: await readFile(path) };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Loads the guardrails; prints problems and returns undefined when the guardrails file is invalid. */
export async function loadGuardrailsForCli(
  bindingsPath: string,
  options: GuardrailsCliOptions,
  io: CommandIo,
): Promise<LoadedGuardrails | undefined> {
  try {
    const loaded = await prepareGuardrails(
      { bindingsPath, guardrailsPath: options.guardrailsPath, strict: options.strict },
      await readBase(options.baseGuardrailsPath),
    );
    for (const d of loaded.diagnostics) io.err(formatDiagnostic(d));
    return loaded;
  } catch (error) {
    if (!(error instanceof InvalidGuardrailsError)) throw error;
    for (const d of error.diagnostics) io.err(formatDiagnostic(d));
    const n = error.diagnostics.filter((d) => d.severity === 'error').length;
    io.err(`${n} error${n === 1 ? '' : 's'} in the guardrails file; nothing was contacted or changed.`);
    return undefined;
  }
}

/** Judges the file; `section` is the text Guardrails section ('' when there is nothing to say). */
export function checkGuardrailsForCli(
  loaded: LoadedGuardrails,
  file: BindingsFile,
  options: GuardrailsCliOptions & { resolvedIssuers?: ReadonlyMap<string, string> },
): { report: GuardrailsReport; section: string; blocked: boolean } {
  const report = judge(loaded, file, { strict: options.strict, resolvedIssuers: options.resolvedIssuers });
  return {
    report,
    section: renderGuardrailsText(report, loaded.changes),
    blocked: hasBlockingViolations(report),
  };
}

/** The line that says why nothing was planned or applied. */
export function blockedMessage(report: GuardrailsReport, what: string): string {
  const n = report.violations.filter((v) => v.severity === 'error').length;
  return `${n} guardrail violation${n === 1 ? '' : 's'} (error${report.strict ? ', --strict' : ''}): ${what}`;
}
