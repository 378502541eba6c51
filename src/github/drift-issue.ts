// One GitHub issue per bindings file that drifted, sticky like the plan comment: found by our marker
// (for this file) and our author, its body replaced by the latest drift plan, and closed with a
// comment once a scheduled run finds no drift. Nobody else's issue is ever edited or closed.
import { sameLogin } from './author.js';
import type { GitHubClient, Repository } from './client.js';
import { DRIFT_MARKER, MARKER_VERSION, parseMarker, renderMarker } from './marker.js';
import { capCommentBody, createComment } from './sticky-comment.js';
import { withGitHubRetry, type GitHubRetryOptions } from './retry.js';

export interface DriftIssueTarget extends Repository {
  /** The bindings file, as the workflow names it. */
  file: string;
  /** Login of the issues that count as ours. */
  author: string;
}

export interface OpenDriftIssue {
  number: number;
  body: string;
  htmlUrl: string;
}

export type DriftIssueOutcome =
  | { action: 'created' | 'updated' | 'unchanged'; number: number; htmlUrl: string }
  | { action: 'closed'; number: number; htmlUrl: string }
  | { action: 'none' };

/** Our open drift issue for `target.file`, if any (the newest, should there be several). */
export async function findDriftIssue(
  octokit: GitHubClient,
  target: DriftIssueTarget,
  retry?: GitHubRetryOptions,
): Promise<OpenDriftIssue | undefined> {
  const { owner, repo } = target;
  const issues = await withGitHubRetry(
    `GET /repos/${owner}/${repo}/issues`,
    () => octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, state: 'open', per_page: 100 }),
    retry,
  );
  for (const issue of issues) {
    // The list holds pull requests too; their bodies are anybody's.
    if (issue.pull_request || !sameLogin(issue.user?.login, target.author)) continue;
    const metadata = parseMarker(issue.body, DRIFT_MARKER);
    if (metadata?.file === target.file)
      return { number: issue.number, body: issue.body ?? '', htmlUrl: issue.html_url };
  }
  return undefined;
}

export function driftIssueBody(file: string, markdown: string): string {
  const marker = renderMarker({ file, version: MARKER_VERSION, truncated: false }, DRIFT_MARKER);
  return capCommentBody(`${marker}\n${markdown}`);
}

export function driftIssueTitle(file: string): string {
  return `Drift: IAM or Kubernetes differ from ${file}`;
}

/**
 * Opens or updates the drift issue when `markdown` is given (there is drift), closes it with
 * `closingComment` when it is not (no drift any more).
 */
export async function syncDriftIssue(
  octokit: GitHubClient,
  target: DriftIssueTarget,
  drift: { markdown: string } | { closingComment: string },
  retry?: GitHubRetryOptions,
): Promise<DriftIssueOutcome> {
  const { owner, repo } = target;
  const open = await findDriftIssue(octokit, target, retry);
  if ('closingComment' in drift) {
    if (!open) return { action: 'none' };
    await createComment(octokit, { owner, repo, issueNumber: open.number }, drift.closingComment, retry);
    await withGitHubRetry(
      `PATCH /repos/${owner}/${repo}/issues/${open.number}`,
      () =>
        octokit.rest.issues.update({
          owner,
          repo,
          issue_number: open.number,
          state: 'closed',
          state_reason: 'completed',
        }),
      retry,
    );
    return { action: 'closed', number: open.number, htmlUrl: open.htmlUrl };
  }
  const body = driftIssueBody(target.file, drift.markdown);
  if (open) {
    if (open.body === body) return { action: 'unchanged', number: open.number, htmlUrl: open.htmlUrl };
    await withGitHubRetry(
      `PATCH /repos/${owner}/${repo}/issues/${open.number}`,
      () => octokit.rest.issues.update({ owner, repo, issue_number: open.number, body }),
      retry,
    );
    return { action: 'updated', number: open.number, htmlUrl: open.htmlUrl };
  }
  // A 5xx on create may still have created the issue: only the rate limit answers are retried.
  const created = await withGitHubRetry(
    `POST /repos/${owner}/${repo}/issues`,
    () => octokit.rest.issues.create({ owner, repo, title: driftIssueTitle(target.file), body }),
    { ...retry, idempotent: false },
  );
  return { action: 'created', number: created.data.number, htmlUrl: created.data.html_url };
}
