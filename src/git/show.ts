// A file as it is at a git ref: `git show REF:./NAME`, run in the file's own directory so the path
// resolves inside whichever repository holds it. Used for the base branch's bindings file (drift
// labels). A file missing at the ref is reported as such (the change under review adds it).
import { execFile } from 'node:child_process';
import { basename, dirname } from 'node:path';

export type FileAtRef = { found: true; text: string } | { found: false };

export function gitShowFile(ref: string, file: string): Promise<FileAtRef> {
  const spec = `${ref}:./${basename(file)}`;
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['show', spec],
      { cwd: dirname(file), maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve({ found: true, text: stdout });
        // git says "exists on disk, but not in 'REF'" or "does not exist in 'REF'" for a new file.
        if (/does not exist in|exists on disk, but not in/.test(stderr)) return resolve({ found: false });
        const detail = stderr.trim().split('\n')[0] || error.message;
        reject(new Error(`git show ${spec} failed in ${dirname(file)}: ${detail}`));
      },
    );
  });
}
