// Loads the bindings file for the action and turns every diagnostic into a GitHub annotation on the
// file, line and column it is about. An invalid file stops the run before any service is contacted.
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import * as core from '@actions/core';
import { errorCount, hasErrors, type Diagnostic } from '../bindings/diagnostics.js';
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

export async function loadBindingsForAction(
  path: string,
  workspace = process.env.GITHUB_WORKSPACE ?? process.cwd(),
): Promise<LoadedBindings> {
  const outside = await outsideWorkspace(path, workspace);
  if (outside) {
    const diagnostics: Diagnostic[] = [{ severity: 'error', file: path, line: 0, col: 0, message: outside }];
    annotate(diagnostics);
    return { ok: false, diagnostics };
  }
  const { file, diagnostics } = await loadBindingsFile(path);
  annotate(diagnostics);
  if (!file || hasErrors(diagnostics)) return { ok: false, diagnostics };
  return { ok: true, file, diagnostics };
}

export function invalidFileMessage(path: string, diagnostics: readonly Diagnostic[]): string {
  const errors = errorCount(diagnostics);
  return `${path} has ${errors} problem${errors === 1 ? '' : 's'} (see the annotations); nothing was planned or changed.`;
}

/**
 * Why the action will not read `path`: it resolves (symbolic links followed) to a place outside the
 * checked-out repository. A pull request can add a symlink named like the bindings file that points
 * at /etc/shadow or a runner credential; the action reads only files of the workspace.
 */
export async function outsideWorkspace(path: string, workspace: string): Promise<string | undefined> {
  let real: string;
  let root: string;
  try {
    root = await realpath(workspace);
    real = await realpath(resolve(path));
  } catch {
    return undefined; // missing: the loader says "not found"
  }
  const rel = relative(root, real);
  if (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)) return undefined;
  return `"${path}" resolves to ${real}, outside the workspace (${root}) — the action reads bindings files only from the checked-out repository; replace the symbolic link with the file itself`;
}
