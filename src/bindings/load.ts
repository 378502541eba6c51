// Entry point for the bindings file: bytes → parse with positions → schema → semantic checks →
// typed BindingsFile with defaults. Pure apart from reading the file; no network, no environment.
import { readInputFile } from '../support/input-file.js';
import { buildBindingsFile } from './build.js';
import { capDiagnostics, hasErrors, type Diagnostic } from './diagnostics.js';
import { checkControlCharacters } from './control.js';
import { fileTooLarge, MAX_FILE_BYTES, parseBindingsSource, type Locator } from './parse.js';
import { checkSchema } from './schema.js';
import type { BindingsFile } from './types.js';
import { checkSemantics } from './validate.js';

export interface LoadResult {
  /** Present only when there are no errors (warnings may still be present). */
  file?: BindingsFile;
  /** Sorted by line, then column. */
  diagnostics: Diagnostic[];
}

export function loadBindingsText(text: string | Uint8Array, path: string): LoadResult {
  const parsed = parseBindingsSource(text, path);
  if (parsed.partial) {
    // A syntax error: still report every problem outside the lines it damaged.
    const { value, damagedLines } = parsed.partial;
    const outside = (d: Diagnostic) => !damagedLines.some(([from, to]) => d.line >= from && d.line <= to);
    const more = checkValue(value, parsed.locate, path).filter(outside);
    return { diagnostics: capDiagnostics(sortDiagnostics([...parsed.diagnostics, ...more])) };
  }
  if (!parsed.value) return { diagnostics: capDiagnostics(sortDiagnostics(parsed.diagnostics)) };
  const diagnostics = capDiagnostics(
    sortDiagnostics([...parsed.diagnostics, ...checkValue(parsed.value, parsed.locate, path)]),
  );
  if (hasErrors(diagnostics)) return { diagnostics };
  return { file: buildBindingsFile(parsed.value, parsed.locate, path), diagnostics };
}

/**
 * Schema and semantic checks of the parsed value. A value holding a control character is reported
 * once, for that: the schema's "does not match the pattern" at the same place would say less.
 */
function checkValue(value: Record<string, unknown>, locate: Locator, path: string): Diagnostic[] {
  const control = checkControlCharacters(value, locate, path);
  const at = new Set(control.map((d) => `${d.line}:${d.col}`));
  const rest = [...checkSchema(value, locate, path), ...checkSemantics(value, locate, path)];
  return [...control, ...rest.filter((d) => !at.has(`${d.line}:${d.col}`))];
}

export async function loadBindingsFile(path: string): Promise<LoadResult> {
  const read = await readInputFile(path, MAX_FILE_BYTES, {
    name: 'bindings file',
    pointAt: 'point --file (CLI) or the bindings-file input (action) at the YAML file',
  });
  if (read.kind === 'bytes') return loadBindingsText(read.bytes, path);
  if (read.kind === 'too-large') return { diagnostics: [fileTooLarge(read.size, path)] };
  const message =
    read.kind === 'missing'
      ? `bindings file not found: tried "${path}" — create it, or set its path with --file (CLI) or the bindings-file input (action)`
      : read.message;
  // No position: the problem is the file as a whole.
  return { diagnostics: [{ severity: 'error', file: path, line: 0, col: 0, message }] };
}

export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.line - b.d.line || a.d.col - b.d.col || a.i - b.i)
    .map(({ d }) => d);
}
