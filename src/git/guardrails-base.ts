// The guardrails file as it was before the pull request, read from the git history of the action's
// checkout, so the plan comment can say which rules the pull request relaxes. On a pull_request
// event the checkout is GitHub's merge commit, whose first parent is the base branch it merges into:
// exactly "before this change". Otherwise the payload's base commit is used. Needs the parent in the
// clone (actions/checkout with fetch-depth: 2; the reusable workflow sets it).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BaseGuardrails } from '../guardrails/check.js';

const run = promisify(execFile);

async function git(args: string[], cwd: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', args, { cwd, encoding: 'utf8', maxBuffer: 4 * 1024 * 1024 });
    return stdout;
  } catch {
    return undefined;
  }
}

export type BaseLookup =
  { found: true; base: BaseGuardrails; commit: string } | { found: false; why: string };

/**
 * Reads the base version of the first of `paths` that exists in the base commit (null when none
 * does: the base had only the built-in defaults).
 */
export async function readBaseGuardrails(
  paths: readonly string[],
  options: { cwd: string; baseSha?: string },
): Promise<BaseLookup> {
  const { cwd } = options;
  if ((await git(['rev-parse', '--is-inside-work-tree'], cwd))?.trim() !== 'true')
    return { found: false, why: 'the workspace is not a git checkout' };
  const isMerge = (await git(['rev-parse', '--verify', '--quiet', 'HEAD^2'], cwd)) !== undefined;
  const candidate = isMerge ? 'HEAD^1' : options.baseSha;
  if (!candidate) return { found: false, why: 'the event names no base commit' };
  const commit = (await git(['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`], cwd))?.trim();
  if (!commit)
    return {
      found: false,
      why: `the base commit ${candidate} is not in the checkout (use actions/checkout with fetch-depth: 2)`,
    };
  for (const path of paths) {
    const rel = path.replace(/^\.\//, '');
    const listed = await git(['ls-tree', '--name-only', commit, '--', rel], cwd);
    if (!listed?.trim()) continue;
    const text = await git(['show', `${commit}:./${rel}`], cwd);
    if (text !== undefined) return { found: true, base: { path: rel, text }, commit };
  }
  return { found: true, base: null, commit };
}
