// The base branch's bindings file for drift labels: a file given as is (--base-file), or the file
// at a git ref (--base-ref). A file missing there is one the change under review adds: every change
// is then the change's own.
import { readFile } from 'node:fs/promises';
import type { BaseBindings } from '../engine/base-plan.js';
import { gitShowFile } from '../git/show.js';
import { errorMessage } from '../support/errors.js';
import { UsageError } from './io.js';

export async function readBase(
  file: string,
  base: { file: string } | { ref: string },
): Promise<BaseBindings> {
  if ('file' in base) {
    try {
      return { text: await readFile(base.file, 'utf8'), source: base.file };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: undefined, source: base.file };
      throw error;
    }
  }
  const source = `${base.ref}:${file}`;
  try {
    const shown = await gitShowFile(base.ref, file);
    return { text: shown.found ? shown.text : undefined, source };
  } catch (error) {
    throw new UsageError(
      `--base-ref ${base.ref}: ${errorMessage(error)}. Give a ref git knows (fetch it first, e.g. git fetch origin main) or use --base-file.`,
    );
  }
}
