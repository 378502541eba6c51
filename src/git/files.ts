// The repository's files, through git: which bindings files exist (tracked or new, never ignored
// ones such as node_modules/) and which paths changed since a ref. Outside a git repository the
// directory is walked instead, skipping dot-folders and node_modules.
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join, matchesGlob, posix, relative, sep } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MAX_OUTPUT = 64 * 1024 * 1024;

async function git(root: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd: root, maxBuffer: MAX_OUTPUT, encoding: 'utf8' });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; code?: string | number };
    if (e.code === 'ENOENT') throw new Error('git is not installed: discovery lists files with git');
    const detail = (e.stderr ?? '').trim().split('\n')[0] ?? '';
    throw new Error(`git ${args[0]} failed${detail ? `: ${detail}` : ''}`);
  }
}

async function isGitRepository(root: string): Promise<boolean> {
  try {
    return (await git(root, ['rev-parse', '--is-inside-work-tree'])).trim() === 'true';
  } catch {
    return false;
  }
}

async function walk(root: string, dir = root, into: string[] = []): Promise<string[]> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await walk(root, full, into);
    else if (entry.isFile()) into.push(relative(root, full).split(sep).join(posix.sep));
  }
  return into;
}

export function matchesAny(path: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => matchesGlob(path, p));
}

/** Paths (relative, with /) of the files matching any pattern, sorted. */
export async function listFiles(root: string, patterns: readonly string[]): Promise<string[]> {
  let all: string[];
  if (await isGitRepository(root)) {
    const out = await git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
    all = [...new Set(out.split('\0').filter(Boolean))];
  } else {
    all = await walk(root);
  }
  const matched: string[] = [];
  for (const path of all.filter((p) => matchesAny(p, patterns))) {
    // --cached still lists a file deleted from the work tree.
    const info = await stat(join(root, path)).catch(() => undefined);
    if (info?.isFile()) matched.push(path);
  }
  return matched.sort();
}

export interface ChangedPaths {
  /** Added, modified or renamed-to paths. */
  changed: Set<string>;
  /** Deleted (or renamed-from) paths. */
  deleted: Set<string>;
}

/** What changed between `ref` (its merge base with HEAD) and HEAD, renames as delete + add. */
export async function changedSince(root: string, ref: string): Promise<ChangedPaths> {
  if (!(await isGitRepository(root)))
    throw new Error(`--changed-from needs a git repository; ${root} is not one`);
  try {
    await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new Error(
      `cannot find the commit "${ref}" to compare with: fetch the history first (actions/checkout with fetch-depth: 0)`,
    );
  }
  const out = await git(root, ['diff', '--name-status', '--no-renames', '-z', `${ref}...HEAD`]);
  const fields = out.split('\0').filter(Boolean);
  const result: ChangedPaths = { changed: new Set(), deleted: new Set() };
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [status, path] = [fields[i], fields[i + 1]];
    (status.startsWith('D') ? result.deleted : result.changed).add(path);
  }
  return result;
}
