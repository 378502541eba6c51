// Pull request comments from the action: the sticky plan comment and apply result comments. A token
// that may not write (a pull request from a fork gets a read-only GITHUB_TOKEN) is not an error:
// the result is in the job summary, and a warning says why there is no comment.
import * as core from '@actions/core';
import { GitHubApiError } from '../github/errors.js';
import { APPLY_MARKER, MARKER_VERSION, PLAN_MARKER, renderMarker } from '../github/marker.js';
import {
  createComment,
  findStickyComment,
  upsertStickyComment,
  type FoundComment,
} from '../github/sticky-comment.js';
import type { Runtime } from './runtime.js';

export interface PlanCommentMetadata {
  planId?: string;
  truncated: boolean;
}

function isReadOnly(error: unknown): error is GitHubApiError {
  return error instanceof GitHubApiError && error.status === 403 && !/rate limit/i.test(error.message);
}

function warnReadOnly(error: GitHubApiError, pullNumber: number): void {
  core.warning(
    `Could not comment on pull request #${pullNumber}: ${error.message}. The token is read-only here (pull requests from forks get a read-only GITHUB_TOKEN; otherwise grant \`pull-requests: write\`). The result is in the job summary.`,
  );
}

/** Creates or updates the sticky plan comment; false when the token may not write. */
export async function postPlanComment(
  rt: Runtime,
  pullNumber: number,
  markdown: string,
  metadata: PlanCommentMetadata,
): Promise<boolean> {
  const { owner, repo } = rt.context.repository;
  const headSha = rt.context.pullRequest?.headSha || rt.context.sha || undefined;
  const marker = renderMarker({
    file: rt.inputs.bindingsFile,
    planId: metadata.planId,
    headSha,
    version: MARKER_VERSION,
    truncated: metadata.truncated,
  });
  try {
    const author = await rt.commentAuthor();
    const { outcome, htmlUrl } = await upsertStickyComment(
      rt.github(),
      { owner, repo, issueNumber: pullNumber, file: rt.inputs.bindingsFile, author },
      `${marker}\n${markdown}`,
      rt.retry,
    );
    core.info(`Plan comment ${outcome}: ${htmlUrl}`);
    return true;
  } catch (error) {
    if (!isReadOnly(error)) throw error;
    warnReadOnly(error, pullNumber);
    return false;
  }
}

/** Our last plan comment for this file on the pull request (the one whose planId was reviewed). */
export async function findPlanComment(rt: Runtime, pullNumber: number): Promise<FoundComment | undefined> {
  const { owner, repo } = rt.context.repository;
  const author = await rt.commentAuthor();
  return findStickyComment(
    rt.github(),
    { owner, repo, issueNumber: pullNumber, file: rt.inputs.bindingsFile, author, marker: PLAN_MARKER },
    rt.retry,
  );
}

/** A new comment with an apply result (each apply keeps its own record). */
export async function postApplyComment(
  rt: Runtime,
  pullNumber: number,
  markdown: string,
  planId?: string,
): Promise<boolean> {
  const marker = renderMarker(
    {
      file: rt.inputs.bindingsFile,
      planId,
      headSha: rt.context.sha || undefined,
      version: MARKER_VERSION,
      truncated: false,
    },
    APPLY_MARKER,
  );
  try {
    const { htmlUrl } = await createComment(
      rt.github(),
      { ...rt.context.repository, issueNumber: pullNumber },
      `${marker}\n${markdown}`,
      rt.retry,
    );
    core.info(`Apply comment created: ${htmlUrl}`);
    return true;
  } catch (error) {
    if (!isReadOnly(error)) throw error;
    warnReadOnly(error, pullNumber);
    return false;
  }
}
