// Problems found in a bindings file, each pinned to file:line:col so editors and GitHub annotations
// can point at it. Every problem is collected before anything is reported.
import { escapeControl } from './describe.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  file: string;
  /** 1-based; 0 when the problem is the file as a whole (it does not exist, cannot be read). */
  line: number;
  /** 1-based. */
  col: number;
  /** What is wrong, then what to write instead. */
  message: string;
  /**
   * Set only on the closing "… and N more problems" entry of a capped list: how many errors it
   * stands for, so counts stay true while only MAX_DIAGNOSTICS_SHOWN lines are printed.
   */
  hiddenErrors?: number;
}

/**
 * How many problems are shown before the rest is summed up in one line. A hostile file (99 aliases
 * of 900 invalid actions each) made 89,200 errors: 105 MB of stderr and as many `::error` lines.
 */
export const MAX_DIAGNOSTICS_SHOWN = 100;

/**
 * The first MAX_DIAGNOSTICS_SHOWN diagnostics (already sorted), then one entry at the first one
 * left out saying how many more there are, so output and annotations stay bounded.
 */
export function capDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  if (diagnostics.length <= MAX_DIAGNOSTICS_SHOWN + 1) return diagnostics;
  const shown = diagnostics.slice(0, MAX_DIAGNOSTICS_SHOWN);
  const rest = diagnostics.slice(MAX_DIAGNOSTICS_SHOWN);
  const errors = rest.filter((d) => d.severity === 'error').length;
  const warnings = rest.length - errors;
  const first = rest[0];
  const parts = [
    errors ? `${errors.toLocaleString('en-US')} more problem${errors === 1 ? '' : 's'}` : '',
    warnings ? `${warnings.toLocaleString('en-US')} more warning${warnings === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  const from = first.line > 0 ? ` from line ${first.line} on` : '';
  const summary: Diagnostic = {
    severity: errors ? 'error' : 'warning',
    file: first.file,
    line: first.line,
    col: first.col,
    message: `… and ${parts.join(' and ')}${from} not shown (only the first ${MAX_DIAGNOSTICS_SHOWN} are) — fix the ones above and run validate again`,
  };
  if (errors) summary.hiddenErrors = errors;
  return [...shown, summary];
}

/** The number of errors, counting those a capped list sums up in its last line. */
export function errorCount(diagnostics: readonly Diagnostic[]): number {
  return diagnostics.reduce((n, d) => n + (d.severity !== 'error' ? 0 : (d.hiddenErrors ?? 1)), 0);
}

export function formatDiagnostic(d: Diagnostic): string {
  const prefix = d.severity === 'warning' ? 'warning: ' : '';
  // Line 0: about the file as a whole (not found, unreadable), so no made-up position.
  if (d.line < 1) return escapeControl(`${d.file}: ${prefix}${d.message}`);
  return escapeControl(`${d.file}:${d.line}:${d.col}: ${prefix}${d.message}`);
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Thrown by commands when the bindings file is invalid: carries every diagnostic. */
export class InvalidBindingsError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const n = errorCount(diagnostics);
    super(
      `${n} problem${n === 1 ? '' : 's'} in the bindings file:\n${errors.map(formatDiagnostic).join('\n')}`,
    );
    this.name = 'InvalidBindingsError';
    this.diagnostics = diagnostics;
  }
}
