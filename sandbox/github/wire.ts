// GitHub REST wire shapes: the JSON api.github.com returns for users, issue comments, pull requests
// and errors, built from the emulator's stored model. URLs point at the emulator (`api`) except
// html_url, which points at github.com as the real API does.
import type { GitHubUser, StoredComment, StoredIssue, StoredPull, StoredRepo } from './types.js';

export const HTML_BASE = 'https://github.com';

export const DOCS = {
  rest: 'https://docs.github.com/rest',
  listComments: 'https://docs.github.com/rest/issues/comments#list-issue-comments',
  getContent: 'https://docs.github.com/rest/repos/contents#get-repository-content',
  getComment: 'https://docs.github.com/rest/issues/comments#get-an-issue-comment',
  createComment: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
  updateComment: 'https://docs.github.com/rest/issues/comments#update-an-issue-comment',
  deleteComment: 'https://docs.github.com/rest/issues/comments#delete-an-issue-comment',
  pullsForCommit: 'https://docs.github.com/rest/commits/commits#list-pull-requests-associated-with-a-commit',
  getPull: 'https://docs.github.com/rest/pulls/pulls#get-a-pull-request',
  getUser: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
  listIssues: 'https://docs.github.com/rest/issues/issues#list-repository-issues',
  getIssue: 'https://docs.github.com/rest/issues/issues#get-an-issue',
  createIssue: 'https://docs.github.com/rest/issues/issues#create-an-issue',
  updateIssue: 'https://docs.github.com/rest/issues/issues#update-an-issue',
  secondaryRateLimit:
    'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
  primaryRateLimit: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
} as const;

export function userJson(user: GitHubUser, api: string): Record<string, unknown> {
  const prefix = user.type === 'Bot' ? 'MDM6Qm90' : 'MDQ6VXNlcj';
  return {
    login: user.login,
    id: user.id,
    node_id: `${prefix}${Buffer.from(String(user.id)).toString('base64')}`,
    avatar_url: `https://avatars.githubusercontent.com/${user.type === 'Bot' ? 'in/15368' : `u/${user.id}`}?v=4`,
    gravatar_id: '',
    url: `${api}/users/${encodeURIComponent(user.login)}`,
    html_url:
      user.type === 'Bot'
        ? `${HTML_BASE}/apps/${user.login.replace(/\[bot\]$/, '')}`
        : `${HTML_BASE}/${user.login}`,
    type: user.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

export function commentJson(comment: StoredComment, api: string, isPull: boolean): Record<string, unknown> {
  const repoPath = `${comment.owner}/${comment.repo}`;
  return {
    url: `${api}/repos/${repoPath}/issues/comments/${comment.id}`,
    html_url: `${HTML_BASE}/${repoPath}/${isPull ? 'pull' : 'issues'}/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${api}/repos/${repoPath}/issues/${comment.issueNumber}`,
    id: comment.id,
    node_id: comment.nodeId,
    user: userJson(comment.user, api),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    body: comment.body,
    author_association: comment.user.type === 'Bot' ? 'NONE' : 'MEMBER',
    reactions: {
      url: `${api}/repos/${repoPath}/issues/comments/${comment.id}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
    performed_via_github_app: null,
  };
}

export function repoJson(
  repo: StoredRepo,
  owner: GitHubUser,
  api: string,
  fork: boolean,
): Record<string, unknown> {
  return {
    id: repo.id,
    node_id: `R_kgDO${Buffer.from(String(repo.id)).toString('base64url')}`,
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    owner: userJson(owner, api),
    html_url: `${HTML_BASE}/${repo.fullName}`,
    fork,
    url: `${api}/repos/${repo.fullName}`,
    default_branch: repo.defaultBranch,
  };
}

export interface PullContext {
  api: string;
  base: StoredRepo;
  head: StoredRepo;
  author: GitHubUser;
  ownerOf: (repo: StoredRepo) => GitHubUser;
}

/** A pull request; `full` adds the fields only `GET /pulls/{n}` returns (merged, mergeable, …). */
export function pullJson(pull: StoredPull, ctx: PullContext, full: boolean): Record<string, unknown> {
  const { api, base, head } = ctx;
  const isFork = head.fullName.toLowerCase() !== base.fullName.toLowerCase();
  const json: Record<string, unknown> = {
    url: `${api}/repos/${base.fullName}/pulls/${pull.number}`,
    id: pull.id,
    node_id: `PR_kwDO${Buffer.from(String(pull.id)).toString('base64url')}`,
    html_url: `${HTML_BASE}/${base.fullName}/pull/${pull.number}`,
    issue_url: `${api}/repos/${base.fullName}/issues/${pull.number}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userJson(ctx.author, api),
    body: pull.body,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    draft: pull.draft,
    head: {
      label: `${head.owner}:${pull.headRef}`,
      ref: pull.headRef,
      sha: pull.headSha,
      user: userJson(ctx.ownerOf(head), api),
      repo: repoJson(head, ctx.ownerOf(head), api, isFork),
    },
    base: {
      label: `${base.owner}:${pull.baseRef}`,
      ref: pull.baseRef,
      sha: pull.baseSha,
      user: userJson(ctx.ownerOf(base), api),
      repo: repoJson(base, ctx.ownerOf(base), api, false),
    },
    author_association: 'MEMBER',
  };
  if (full) {
    Object.assign(json, {
      merged: pull.merged,
      mergeable: pull.state === 'open' ? true : null,
      mergeable_state: pull.state === 'open' ? 'clean' : 'unknown',
      merged_by: pull.merged ? userJson(ctx.author, api) : null,
      comments: 0,
      commits: 1,
    });
  }
  return json;
}

/** GitHub's error body: message, optional details (e.g. `errors`), documentation_url and the status as a string. */
export function errorBody(
  status: number,
  message: string,
  documentationUrl: string,
  extra: object = {},
): object {
  return { message, ...extra, documentation_url: documentationUrl, status: String(status) };
}

/** An issue as GET /repos/{owner}/{repo}/issues/{n} returns it; pull requests carry `pull_request`. */
export function issueJson(
  issue: StoredIssue,
  repo: StoredRepo,
  author: GitHubUser,
  api: string,
): Record<string, unknown> {
  const url = `${api}/repos/${repo.fullName}/issues/${issue.number}`;
  const state = issue.pull ? issue.pull.state : (issue.state ?? 'open');
  return {
    url,
    repository_url: `${api}/repos/${repo.fullName}`,
    comments_url: `${url}/comments`,
    html_url: `${HTML_BASE}/${repo.fullName}/${issue.pull ? 'pull' : 'issues'}/${issue.number}`,
    id: 1_000_000 + issue.number,
    node_id: `I_kwDO${Buffer.from(`Issue:${repo.id}:${issue.number}`).toString('base64url')}`,
    number: issue.number,
    title: issue.title,
    user: userJson(author, api),
    labels: [],
    state,
    state_reason: issue.pull ? null : (issue.stateReason ?? null),
    locked: false,
    assignee: null,
    assignees: [],
    comments: 0,
    created_at: issue.createdAt ?? null,
    updated_at: issue.updatedAt ?? null,
    closed_at: state === 'closed' ? (issue.updatedAt ?? null) : null,
    author_association: author.type === 'Bot' ? 'NONE' : 'MEMBER',
    body: issue.body ?? null,
    ...(issue.pull
      ? { pull_request: { url: `${api}/repos/${repo.fullName}/pulls/${issue.number}`, merged_at: null } }
      : {}),
  };
}
