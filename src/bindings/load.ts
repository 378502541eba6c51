// Entry point for the bindings file: bytes → parse with positions → schema → semantic checks →
// typed BindingsFile with defaults. Pure apart from reading the file; no network, no environment.
import { readFile, stat } from 'node:fs/promises';
import { buildBindingsFile } from './build.js';
import { hasErrors, type Diagnostic } from './diagnostics.js';
import { fileTooLarge, MAX_FILE_BYTES, parseBindingsSource } from './parse.js';
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
    const more = [
      ...checkSchema(value, parsed.locate, path),
      ...checkSemantics(value, parsed.locate, path),
    ].filter(outside);
    return { diagnostics: sortDiagnostics([...parsed.diagnostics, ...more]) };
  }
  if (!parsed.value) return { diagnostics: sortDiagnostics(parsed.diagnostics) };
  const diagnostics = sortDiagnostics([
    ...parsed.diagnostics,
    ...checkSchema(parsed.value, parsed.locate, path),
    ...checkSemantics(parsed.value, parsed.locate, path),
  ]);
  if (hasErrors(diagnostics)) return { diagnostics };
  return { file: buildBindingsFile(parsed.value, parsed.locate, path), diagnostics };
}

export async function loadBindingsFile(path: string): Promise<LoadResult> {
  const problem = (message: string): LoadResult => ({
    // No position: the problem is the file as a whole.
    diagnostics: [{ severity: 'error', file: path, line: 0, col: 0, message }],
  });
  try {
    const info = await stat(path);
    if (info.isDirectory())
      return problem(
        `"${path}" is a directory, not a bindings file — point --file (CLI) or the bindings-file input (action) at the YAML file`,
      );
    // Checked before reading so a huge file is never loaded into memory.
    if (info.size > MAX_FILE_BYTES) return { diagnostics: [fileTooLarge(info.size, path)] };
    return loadBindingsText(await readFile(path), path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return problem(
        `bindings file not found: tried "${path}" — create it, or set its path with --file (CLI) or the bindings-file input (action)`,
      );
    }
    if (code === 'EACCES' || code === 'EPERM')
      return problem(`cannot read "${path}": permission denied — make the file readable`);
    throw e;
  }
}

export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.line - b.d.line || a.d.col - b.d.col || a.i - b.i)
    .map(({ d }) => d);
}
