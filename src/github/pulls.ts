// The pull request a push to the default branch came from: GitHub lists the pull requests a commit
// belongs to; the merged one whose merge commit is this SHA is the one that was reviewed.
//
// GitHub links a merge commit to its pull request asynchronously, so right after a merge the list
// can be empty for a few seconds. An empty list is therefore asked again with backoff, for a
// bounded time (5 attempts over 30 s), and each wait is logged, before concluding that no pull
// request contains the commit (a direct push). A list that names pull requests, none merged, is
// final at once. WIB_PULL_REQUEST_WAIT sets another total wait (`0` asks once).
import { parseDuration } from '../support/deadline.js';
import { realSleep } from '../support/retry.js';
import type { GitHubClient, Repository } from './client.js';
import { withGitHubRetry, type GitHubRetryOptions } from './retry.js';

/** Waits between attempts while GitHub lists no pull request: 5 attempts, 30 s in all. */
export const PULL_LINK_DELAYS_MS: readonly number[] = [2000, 4000, 8000, 16000];

/** Overrides the 30 s in all (a duration such as `10s` or `2m`, or `0` to ask once). */
export const PULL_REQUEST_WAIT_ENV = 'WIB_PULL_REQUEST_WAIT';

/** The waits in force: PULL_LINK_DELAYS_MS, or the same schedule scaled to WIB_PULL_REQUEST_WAIT. */
export function pullLinkDelays(env: NodeJS.ProcessEnv = process.env): readonly number[] {
  const raw = env[PULL_REQUEST_WAIT_ENV]?.trim();
  if (!raw) return PULL_LINK_DELAYS_MS;
  if (/^0+\s*[smh]?$/i.test(raw)) return [];
  const total = parseDuration(raw);
  if (total === undefined)
    throw new Error(
      `${PULL_REQUEST_WAIT_ENV}=${JSON.stringify(raw)} is not a duration: write 0, or 1s to 6h such as 10s or 2m.`,
    );
  const full = PULL_LINK_DELAYS_MS.reduce((a, b) => a + b, 0);
  return PULL_LINK_DELAYS_MS.map((d) => Math.round((d * total) / full));
}

const seconds = (ms: number): string => `${ms < 10_000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000)} s`;

export interface PullLinkOptions {
  /** Waits between attempts (default pullLinkDelays()); `[]` asks once. */
  delaysMs?: readonly number[];
  /** Told before each wait and when giving up, for the log. */
  log?: (message: string) => void;
}

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
  options: PullLinkOptions = {},
): Promise<MergedPullRequest | undefined> {
  const { owner, repo } = repository;
  const call = `GET /repos/${owner}/${repo}/commits/${sha}/pulls`;
  const list = () =>
    withGitHubRetry(
      call,
      () =>
        octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, {
          owner,
          repo,
          commit_sha: sha,
          per_page: 100,
        }),
      retry,
    );
  const delays = options.delaysMs ?? pullLinkDelays();
  const sleep = retry?.sleep ?? realSleep;
  let pulls = await list();
  for (let i = 0; pulls.length === 0 && i < delays.length; i++) {
    options.log?.(
      `GitHub lists no pull request for commit ${sha} yet (the link can lag a merge); asking again in ${seconds(delays[i])} (attempt ${i + 2} of ${delays.length + 1}).`,
    );
    await sleep(delays[i]);
    pulls = await list();
  }
  if (pulls.length === 0 && delays.length > 0) {
    const total = delays.reduce((a, b) => a + b, 0);
    options.log?.(`GitHub still lists no pull request for commit ${sha} after ${seconds(total)}.`);
  }
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
