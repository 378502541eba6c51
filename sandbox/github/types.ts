// The GitHub emulator's own model: users, tokens, repositories, issues/pull requests, comments and
// commit→pull-request associations. Kept apart from the wire shapes (wire.ts) so tests can read
// stored state without parsing GitHub's JSON.

export type GitHubUserType = 'User' | 'Bot' | 'Organization';

export interface GitHubUser {
  login: string;
  id: number;
  type: GitHubUserType;
}

/**
 * What a token may do. `installation` tokens behave like GITHUB_TOKEN: GitHub answers `GET /user`
 * with 403 "Resource not accessible by integration" for them. `personal` tokens (a PAT) read their
 * user. `read` tokens are what a pull request from a fork gets: every write answers 403.
 */
export interface TokenGrant {
  login: string;
  kind: 'installation' | 'personal';
  permission: 'read' | 'write';
  /** Full names (`owner/repo`) the token can see; every repository when absent. Others answer 404. */
  repos?: string[];
  /** Requests per hour before GitHub's primary rate limit answers 403 (default 1000 installation, 5000 personal). */
  rateLimit?: number;
}

export interface StoredRepo {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  private: boolean;
  defaultBranch: string;
  /** File contents by `ref:path` (GET /repos/{owner}/{repo}/contents/{path}?ref=). */
  files?: Map<string, string>;
}

export interface StoredIssue {
  number: number;
  title: string;
  user: string;
  /** Issues only (a pull request's state is its pull's). Default open. */
  state?: 'open' | 'closed';
  stateReason?: 'completed' | 'not_planned' | 'reopened' | null;
  body?: string;
  createdAt?: string;
  updatedAt?: string;
  /** Present when the issue is a pull request. */
  pull?: StoredPull;
}

export interface StoredPull {
  id: number;
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommitSha: string | null;
  headSha: string;
  headRef: string;
  /** Full name of the repository the head branch lives in; differs from the base for forks. */
  headRepo: string;
  baseRef: string;
  baseSha: string;
  draft: boolean;
  title: string;
  body: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
}

export interface StoredComment {
  id: number;
  nodeId: string;
  owner: string;
  repo: string;
  issueNumber: number;
  user: GitHubUser;
  body: string;
  createdAt: string;
  updatedAt: string;
}

export interface PullRequestInput {
  number: number;
  headSha: string;
  headRef?: string;
  /** `owner/repo` of the head branch: set it to another repository for a pull request from a fork. */
  headRepo?: string;
  baseRef?: string;
  baseSha?: string;
  state?: 'open' | 'closed';
  /** A merged pull request is closed; give `mergeCommitSha` too. */
  merged?: boolean;
  mergeCommitSha?: string;
  /** Login of the author (default `octocat`). */
  user?: string;
  title?: string;
  body?: string;
  draft?: boolean;
  /** Associate the head commit (and the merge commit) with the pull request, as GitHub does; default true. */
  associateCommits?: boolean;
}
