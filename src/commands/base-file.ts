// The base branch's bindings file for drift labels: a file given as is (--base-file), or the file
// at a git ref (--base-ref), read with `git show REF:./FILE` from the file's own directory so the
// path is resolved inside whichever repository holds it. A file missing at the ref is a file the
// change under review adds: every change is then the change's own.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { BaseBindings } from '../engine/base-plan.js';
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
  const spec = `${base.ref}:./${basename(file)}`;
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['show', spec],
      { cwd: dirname(file), maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve({ text: stdout, source: `${base.ref}:${file}` });
        // git says "exists on disk, but not in 'REF'" or "does not exist in 'REF'" for a new file.
        if (/does not exist in|exists on disk, but not in/.test(stderr))
          return resolve({ text: undefined, source: `${base.ref}:${file}` });
        reject(
          new UsageError(
            `--base-ref ${base.ref}: git show ${spec} failed in ${dirname(file)}: ${stderr.trim() || error.message}. Give a ref git knows (fetch it first, e.g. git fetch origin main) or use --base-file.`,
          ),
        );
      },
    );
  });
}
