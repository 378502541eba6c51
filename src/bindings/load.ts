// Entry point for the bindings file: bytes → parse with positions → schema → semantic checks →
// typed BindingsFile with defaults. Pure apart from reading the file; no network, no environment.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { buildBindingsFile } from './build.js';
import { capDiagnostics, hasErrors, type Diagnostic } from './diagnostics.js';
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
    return { diagnostics: capDiagnostics(sortDiagnostics([...parsed.diagnostics, ...more])) };
  }
  if (!parsed.value) return { diagnostics: capDiagnostics(sortDiagnostics(parsed.diagnostics)) };
  const diagnostics = capDiagnostics(
    sortDiagnostics([
      ...parsed.diagnostics,
      ...checkSchema(parsed.value, parsed.locate, path),
      ...checkSemantics(parsed.value, parsed.locate, path),
    ]),
  );
  if (hasErrors(diagnostics)) return { diagnostics };
  return { file: buildBindingsFile(parsed.value, parsed.locate, path), diagnostics };
}

export async function loadBindingsFile(path: string): Promise<LoadResult> {
  const problem = (message: string): LoadResult => ({
    // No position: the problem is the file as a whole.
    diagnostics: [{ severity: 'error', file: path, line: 0, col: 0, message }],
  });
  try {
    const read = await readRegularFile(path, MAX_FILE_BYTES);
    if (read.kind === 'directory')
      return problem(
        `"${path}" is a directory, not a bindings file — point --file (CLI) or the bindings-file input (action) at the YAML file`,
      );
    if (read.kind !== 'file')
      return problem(
        `"${path}" is ${read.kind}, not a regular file — a bindings file is read only from a regular file (symbolic links to one are followed); point --file (CLI) or the bindings-file input (action) at the YAML file`,
      );
    if (read.tooLarge) return { diagnostics: [fileTooLarge(read.size, path)] };
    return loadBindingsText(read.bytes, path);
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

export type RegularFileRead =
  | { kind: 'file'; tooLarge: false; bytes: Uint8Array }
  | { kind: 'file'; tooLarge: true; size: number }
  | { kind: 'directory' | 'a FIFO (named pipe)' | 'a device' | 'a socket' | 'not a regular file' };

/**
 * Reads a file only if, once opened, it is a regular file, and never more than `limit` + 1 bytes.
 * A size from stat() says nothing for /dev/zero or a FIFO (both 0), and the path can change between
 * a stat and an open, so the kind is checked on the open handle and the read itself is bounded.
 * O_NONBLOCK makes opening a FIFO return at once instead of waiting forever for a writer.
 */
export async function readRegularFile(path: string, limit: number): Promise<RegularFileRead> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      if (info.isDirectory()) return { kind: 'directory' };
      if (info.isFIFO()) return { kind: 'a FIFO (named pipe)' };
      if (info.isCharacterDevice() || info.isBlockDevice()) return { kind: 'a device' };
      if (info.isSocket()) return { kind: 'a socket' };
      return { kind: 'not a regular file' };
    }
    if (info.size > limit) return { kind: 'file', tooLarge: true, size: info.size };
    const buffer = Buffer.alloc(Math.min(limit + 1, Math.max(info.size + 1, 64 * 1024)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > limit) break;
        return readRest(handle, buffer, length, limit);
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > limit) return { kind: 'file', tooLarge: true, size: length };
    return { kind: 'file', tooLarge: false, bytes: buffer.subarray(0, length) };
  } finally {
    await handle.close();
  }
}

/** The file grew after stat(): keep reading into a buffer of the full bound. */
async function readRest(
  handle: FileHandle,
  start: Buffer,
  length: number,
  limit: number,
): Promise<RegularFileRead> {
  const buffer = Buffer.alloc(limit + 1);
  start.copy(buffer, 0, 0, length);
  while (length < buffer.length) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  if (length > limit) return { kind: 'file', tooLarge: true, size: length };
  return { kind: 'file', tooLarge: false, bytes: buffer.subarray(0, length) };
}

export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.line - b.d.line || a.d.col - b.d.col || a.i - b.i)
    .map(({ d }) => d);
}
