// One sticky comment per bindings file on a pull request, Atlantis/marocchino-style: found by our
// marker (for this file) and our author, edited in place, skipped when the body is unchanged, never
// duplicated, and created again when someone deleted it.
import { sameLogin } from './author.js';
import type { GitHubClient, Repository } from './client.js';
import { GitHubApiError } from './errors.js';
import { parseMarker, PLAN_MARKER, type CommentMetadata } from './marker.js';
import { withGitHubRetry, type GitHubRetryOptions } from './retry.js';

/** GitHub refuses longer comment bodies. */
export const MAX_COMMENT_LENGTH = 65_536;

export interface StickyTarget extends Repository {
  issueNumber: number;
  /** The bindings file the comment is about. */
  file: string;
  /** Login of the comments that count as ours. */
  author: string;
  /** Marker name (default the plan marker). */
  marker?: string;
}

export interface FoundComment {
  id: number;
  body: string;
  metadata: CommentMetadata;
  htmlUrl: string;
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

/** Our latest comment for `target.file`; look-alikes by anyone else are ignored. */
export async function findStickyComment(
  octokit: GitHubClient,
  target: StickyTarget,
  retry?: GitHubRetryOptions,
): Promise<FoundComment | undefined> {
  const { owner, repo, issueNumber } = target;
  const comments = await withGitHubRetry(
    `GET /repos/${owner}/${repo}/issues/${issueNumber}/comments`,
    () =>
      octokit.paginate(octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: issueNumber,
        per_page: 100,
      }),
    retry,
  );
  let found: FoundComment | undefined;
  for (const comment of comments) {
    if (!sameLogin(comment.user?.login, target.author)) continue;
    const metadata = parseMarker(comment.body, target.marker ?? PLAN_MARKER);
    if (!metadata || metadata.file !== target.file) continue;
    found = { id: comment.id, body: comment.body ?? '', metadata, htmlUrl: comment.html_url };
  }
  return found;
}

/** Cuts a body GitHub would refuse (the renderers keep a budget; this is the last guard). */
export function capCommentBody(body: string): string {
  if (body.length <= MAX_COMMENT_LENGTH) return body;
  const note = '\n\n… (cut: the comment exceeded GitHub’s 65,536-character limit)\n';
  const cut = body.lastIndexOf('\n', MAX_COMMENT_LENGTH - note.length);
  return body.slice(0, cut > 0 ? cut : MAX_COMMENT_LENGTH - note.length) + note;
}

export async function createComment(
  octokit: GitHubClient,
  target: Repository & { issueNumber: number },
  body: string,
  retry?: GitHubRetryOptions,
): Promise<{ id: number; htmlUrl: string }> {
  const { owner, repo, issueNumber } = target;
  // A 5xx on create may still have created the comment: only the rate limit answers are retried here.
  const { data } = await withGitHubRetry(
    `POST /repos/${owner}/${repo}/issues/${issueNumber}/comments`,
    () =>
      octokit.rest.issues.createComment({
        owner,
        repo,
        issue_number: issueNumber,
        body: capCommentBody(body),
      }),
    { ...retry, idempotent: false },
  );
  return { id: data.id, htmlUrl: data.html_url };
}

/** Creates or edits our comment so it shows `body` (which must start with the marker). */
export async function upsertStickyComment(
  octokit: GitHubClient,
  target: StickyTarget,
  body: string,
  retry?: GitHubRetryOptions,
): Promise<{ outcome: UpsertOutcome; id: number; htmlUrl: string }> {
  const capped = capCommentBody(body);
  const existing = await findStickyComment(octokit, target, retry);
  if (existing && existing.body === capped)
    return { outcome: 'unchanged', id: existing.id, htmlUrl: existing.htmlUrl };
  if (existing) {
    const { owner, repo } = target;
    try {
      const { data } = await withGitHubRetry(
        `PATCH /repos/${owner}/${repo}/issues/comments/${existing.id}`,
        () => octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body: capped }),
        retry,
      );
      return { outcome: 'updated', id: data.id, htmlUrl: data.html_url };
    } catch (error) {
      // Deleted between the lookup and the edit: create it again below.
      if (!(error instanceof GitHubApiError && error.status === 404)) throw error;
    }
  }
  const created = await createComment(octokit, target, capped, retry);
  return { outcome: 'created', ...created };
}
