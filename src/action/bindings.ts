// Loads the bindings file for the action and turns every diagnostic into a GitHub annotation on the
// file, line and column it is about. An invalid file stops the run before any service is contacted.
import * as core from '@actions/core';
import { hasErrors, type Diagnostic } from '../bindings/diagnostics.js';
import { loadBindingsFile } from '../bindings/load.js';
import type { BindingsFile } from '../bindings/types.js';

export type LoadedBindings =
  { ok: true; file: BindingsFile; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

export function annotate(diagnostics: readonly Diagnostic[], what = 'bindings file'): void {
  for (const d of diagnostics) {
    const properties =
      d.line > 0 ? { file: d.file, startLine: d.line, startColumn: d.col } : { file: d.file };
    if (d.severity === 'error') core.error(d.message, { ...properties, title: `Invalid ${what}` });
    else
      core.warning(d.message, { ...properties, title: `${what[0].toUpperCase()}${what.slice(1)} warning` });
  }
}

export async function loadBindingsForAction(path: string): Promise<LoadedBindings> {
  const { file, diagnostics } = await loadBindingsFile(path);
  annotate(diagnostics);
  if (!file || hasErrors(diagnostics)) return { ok: false, diagnostics };
  return { ok: true, file, diagnostics };
}

export function invalidFileMessage(path: string, diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return `${path} has ${errors} problem${errors === 1 ? '' : 's'} (see the annotations); nothing was planned or changed.`;
}
