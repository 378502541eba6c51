// The pull request's base bindings file, for drift labels: from the checkout's git history when the
// base commit is there (actions/checkout with fetch-depth: 0, or a fetched base), otherwise from the
// contents API at the base commit. A 404 there means the pull request adds the file. When neither
// source answers, the plan is shown without drift labels and the log says why.
import * as core from '@actions/core';
import { relative, resolve, sep } from 'node:path';
import type { BaseBindings } from '../engine/base-plan.js';
import { gitShowFile } from '../git/show.js';
import { errorMessage } from '../support/errors.js';
import type { Runtime } from './runtime.js';

function repoPath(file: string, workspace: string): string {
  return relative(workspace, resolve(file)).split(sep).join('/');
}

export async function readBaseBindings(rt: Runtime, baseSha: string): Promise<BaseBindings | undefined> {
  const file = rt.inputs.bindingsFile;
  const source = `${baseSha.slice(0, 12)}:${file}`;
  try {
    const shown = await gitShowFile(baseSha, file);
    return { text: shown.found ? shown.text : undefined, source };
  } catch (error) {
    core.info(
      `The base commit is not in the checkout (${errorMessage(error)}); reading it through the contents API.`,
    );
  }
  const path = repoPath(file, process.env.GITHUB_WORKSPACE ?? process.cwd());
  try {
    const { data } = await rt.github().rest.repos.getContent({
      ...rt.context.repository,
      path,
      ref: baseSha,
    });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) {
      core.warning(`${path} at the base commit is not a file; changes are not labelled as drift.`);
      return undefined;
    }
    return { text: Buffer.from(data.content, 'base64').toString('utf8'), source };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return { text: undefined, source };
    core.warning(
      `Could not read ${path} at the base commit ${baseSha.slice(0, 12)} (${errorMessage(error)}); changes are not labelled as drift. Give the workflow contents: read, or check out with fetch-depth: 0.`,
    );
    return undefined;
  }
}
