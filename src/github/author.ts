// Whose comments are ours. Sticky comments are matched by marker AND author, so nobody can plant a
// look-alike comment that the action then trusts (its planId gates the apply) or tries to edit.
// GitHub answers `GET /user` with 403 for installation tokens such as GITHUB_TOKEN, so those are
// taken to be github-actions[bot] without asking; a personal access token names its user; a GitHub
// App's own installation token needs the `comment-author` input (`my-app[bot]`).
import type { GitHubClient } from './client.js';
import { GitHubApiError } from './errors.js';
import { withGitHubRetry, type GitHubRetryOptions } from './retry.js';

export const GITHUB_ACTIONS_BOT = 'github-actions[bot]';

export interface CommentAuthor {
  login: string;
  /** How the login was found (for the log). */
  source: 'input' | 'installation-token' | 'authenticated-user' | 'default';
}

export interface ResolveAuthorOptions {
  token: string;
  /** The `comment-author` input; wins when set. */
  override?: string;
  retry?: GitHubRetryOptions;
}

export async function resolveCommentAuthor(
  octokit: GitHubClient,
  options: ResolveAuthorOptions,
): Promise<CommentAuthor> {
  if (options.override) return { login: options.override, source: 'input' };
  // GITHUB_TOKEN and other installation tokens start with ghs_; GET /user would only answer 403.
  if (options.token.startsWith('ghs_')) return { login: GITHUB_ACTIONS_BOT, source: 'installation-token' };
  try {
    const { data } = await withGitHubRetry(
      'GET /user',
      () => octokit.rest.users.getAuthenticated(),
      options.retry,
    );
    return { login: data.login, source: 'authenticated-user' };
  } catch (error) {
    if (error instanceof GitHubApiError && error.status === 403)
      return { login: GITHUB_ACTIONS_BOT, source: 'default' };
    throw error;
  }
}

export function sameLogin(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}
