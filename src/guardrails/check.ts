// The guardrails step every entry point shares: load the guardrails (file or built-in defaults) and
// the base version a pull request started from, then judge a bindings file. Loading is separate from
// judging so an invalid guardrails file stops a command before any service is contacted.
import type { Diagnostic } from '../bindings/diagnostics.js';
import type { BindingsFile } from '../bindings/types.js';
import { compareGuardrails, type GuardrailsChange } from './compare.js';
import { DEFAULT_GUARDRAILS } from './defaults.js';
import { evaluateGuardrails } from './evaluate.js';
import { loadGuardrails, loadGuardrailsText } from './load.js';
import type { Guardrails, GuardrailsReport } from './types.js';

export interface GuardrailsSettings {
  bindingsPath: string;
  /** --guardrails / guardrails-file; undefined = look next to the bindings file, then the root. */
  guardrailsPath?: string;
  strict: boolean;
}

/** The base version of the guardrails: its text, or null when the base had no file (defaults). */
export type BaseGuardrails = { path: string; text: string | Uint8Array } | null;

export interface LoadedGuardrails {
  guardrails: Guardrails;
  /** Rule-by-rule changes from the base version; empty when no base is known. */
  changes: GuardrailsChange[];
  /** Warnings about the guardrails file(s). */
  diagnostics: Diagnostic[];
}

export class InvalidGuardrailsError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(
      `${errors.length} problem${errors.length === 1 ? '' : 's'} in the guardrails file:\n${errors
        .map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`)
        .join('\n')}`,
    );
    this.name = 'InvalidGuardrailsError';
    this.diagnostics = diagnostics;
  }
}

/**
 * Loads the guardrails and, when `base` is given, compares them with it. A base version that does
 * not parse is compared as the defaults would be — its problems are not this pull request's to fix,
 * but a note says so.
 */
export async function prepareGuardrails(
  settings: GuardrailsSettings,
  base?: BaseGuardrails,
): Promise<LoadedGuardrails> {
  const loaded = await loadGuardrails({
    bindingsPath: settings.bindingsPath,
    explicitPath: settings.guardrailsPath,
  });
  if (!loaded.guardrails) throw new InvalidGuardrailsError(loaded.diagnostics);
  const diagnostics = [...loaded.diagnostics];
  let changes: GuardrailsChange[] = [];
  if (base !== undefined) {
    let baseRules = DEFAULT_GUARDRAILS;
    if (base !== null) {
      const parsed = loadGuardrailsText(base.text, base.path);
      if (parsed.guardrails) baseRules = parsed.guardrails;
      else
        diagnostics.push({
          severity: 'warning',
          file: base.path,
          line: 1,
          col: 1,
          message:
            'the base version of the guardrails file is not valid, so changes are compared with the built-in defaults',
        });
    }
    changes = compareGuardrails(baseRules, loaded.guardrails);
    if (base !== null && loaded.guardrails.path === undefined)
      changes.unshift({
        rule: 'guardrails file',
        kind: 'relaxed',
        detail: `the guardrails file ${base.path} was removed: only the built-in defaults (warnings) apply now`,
      });
  }
  return { guardrails: loaded.guardrails, changes, diagnostics };
}

export function judge(
  loaded: LoadedGuardrails,
  file: BindingsFile,
  options: { strict: boolean; resolvedIssuers?: ReadonlyMap<string, string> },
): GuardrailsReport {
  return evaluateGuardrails(loaded.guardrails, file, options);
}
