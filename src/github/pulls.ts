// The pull request a push to the default branch came from: GitHub lists the pull requests a commit
// belongs to; the merged one whose merge commit is this SHA is the one that was reviewed.
import type { GitHubClient, Repository } from './client.js';
import { withGitHubRetry, type GitHubRetryOptions } from './retry.js';

export interface MergedPullRequest {
  number: number;
  headSha: string;
  mergeCommitSha: string | null;
  htmlUrl: string;
}

export async function findMergedPullRequest(
  octokit: GitHubClient,
  repository: Repository,
  sha: string,
  retry?: GitHubRetryOptions,
): Promise<MergedPullRequest | undefined> {
  const { owner, repo } = repository;
  const pulls = await withGitHubRetry(
    `GET /repos/${owner}/${repo}/commits/${sha}/pulls`,
    () =>
      octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, {
        owner,
        repo,
        commit_sha: sha,
        per_page: 100,
      }),
    retry,
  );
  const merged = pulls.filter((p) => p.merged_at !== null && p.merged_at !== undefined);
  const pull = merged.find((p) => p.merge_commit_sha === sha) ?? merged[0];
  if (!pull) return undefined;
  return {
    number: pull.number,
    headSha: pull.head.sha,
    mergeCommitSha: pull.merge_commit_sha ?? null,
    htmlUrl: pull.html_url,
  };
}
