// Problems found in a bindings file, each pinned to file:line:col so editors and GitHub annotations
// can point at it. Every problem is collected before anything is reported.
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
}

export function formatDiagnostic(d: Diagnostic): string {
  const prefix = d.severity === 'warning' ? 'warning: ' : '';
  // Line 0: about the file as a whole (not found, unreadable), so no made-up position.
  if (d.line < 1) return `${d.file}: ${prefix}${d.message}`;
  return `${d.file}:${d.line}:${d.col}: ${prefix}${d.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Thrown by commands when the bindings file is invalid: carries every diagnostic. */
export class InvalidBindingsError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(
      `${errors.length} problem${errors.length === 1 ? '' : 's'} in the bindings file:\n${errors.map(formatDiagnostic).join('\n')}`,
    );
    this.name = 'InvalidBindingsError';
    this.diagnostics = diagnostics;
  }
}
