// In-memory GitHub data behind the emulator: users, tokens, repositories, issues and pull requests,
// issue comments and which pull requests a commit belongs to. Lookups of owner/repo are
// case-insensitive like GitHub's. Setup mistakes throw; missing things return undefined so the
// handler can answer 404 the way GitHub does.
import type {
  GitHubUser,
  PullRequestInput,
  StoredComment,
  StoredIssue,
  StoredPull,
  StoredRepo,
  TokenGrant,
} from './types.js';

export const GITHUB_ACTIONS_BOT: GitHubUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
export const OCTOCAT: GitHubUser = { login: 'octocat', id: 583231, type: 'User' };

/** GitHub's timestamps have second precision: `2024-05-01T12:00:00Z`. */
export function githubTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function repoKey(owner: string, repo: string): string {
  return `${owner}/${repo}`.toLowerCase();
}

interface RepoData {
  repo: StoredRepo;
  issues: Map<number, StoredIssue>;
  /** sha → pull request numbers, in association order. */
  commits: Map<string, number[]>;
}

export class GitHubState {
  private readonly now: () => Date;
  private readonly users = new Map<string, GitHubUser>();
  private readonly tokens = new Map<string, TokenGrant>();
  private readonly repos = new Map<string, RepoData>();
  private readonly reposById = new Map<number, RepoData>();
  private readonly commentsById = new Map<number, StoredComment>();
  private nextRepoId = 700000001;
  private nextPullId = 1800000001;
  private nextCommentId = 2100000001;

  constructor(now: () => Date = () => new Date()) {
    this.now = now;
    this.addUser(GITHUB_ACTIONS_BOT);
    this.addUser(OCTOCAT);
  }

  timestamp(): string {
    return githubTime(this.now());
  }

  addUser(user: GitHubUser): GitHubUser {
    this.users.set(user.login.toLowerCase(), { ...user });
    return user;
  }

  user(login: string): GitHubUser | undefined {
    return this.users.get(login.toLowerCase());
  }

  private requireUser(login: string): GitHubUser {
    const user = this.user(login);
    if (!user)
      throw new Error(
        `GitHub emulator: unknown user "${login}"; add it first with addUser({ login, id, type }).`,
      );
    return user;
  }

  addToken(token: string, grant: TokenGrant): void {
    this.requireUser(grant.login);
    this.tokens.set(token, { ...grant, repos: grant.repos ? [...grant.repos] : undefined });
  }

  removeToken(token: string): void {
    this.tokens.delete(token);
  }

  grant(token: string): TokenGrant | undefined {
    return this.tokens.get(token);
  }

  canSee(grant: TokenGrant, repo: StoredRepo): boolean {
    return !grant.repos || grant.repos.some((r) => r.toLowerCase() === repo.fullName.toLowerCase());
  }

  addRepo(
    owner: string,
    name: string,
    options: { private?: boolean; defaultBranch?: string } = {},
  ): StoredRepo {
    const key = repoKey(owner, name);
    const existing = this.repos.get(key);
    if (existing) return existing.repo;
    const repo: StoredRepo = {
      id: this.nextRepoId++,
      owner,
      name,
      fullName: `${owner}/${name}`,
      private: options.private ?? true,
      defaultBranch: options.defaultBranch ?? 'main',
    };
    const data: RepoData = { repo, issues: new Map(), commits: new Map() };
    this.repos.set(key, data);
    this.reposById.set(repo.id, data);
    return repo;
  }

  repo(owner: string, name: string): StoredRepo | undefined {
    return this.repos.get(repoKey(owner, name))?.repo;
  }

  repoById(id: number): StoredRepo | undefined {
    return this.reposById.get(id)?.repo;
  }

  private requireRepo(owner: string, name: string): RepoData {
    const data = this.repos.get(repoKey(owner, name));
    if (!data) throw new Error(`GitHub emulator: unknown repository ${owner}/${name}; call addRepo first.`);
    return data;
  }

  addIssue(
    owner: string,
    repo: string,
    number: number,
    options: { title?: string; user?: string } = {},
  ): StoredIssue {
    const data = this.requireRepo(owner, repo);
    if (data.issues.has(number))
      throw new Error(`GitHub emulator: ${owner}/${repo}#${number} already exists.`);
    const issue: StoredIssue = {
      number,
      title: options.title ?? `Issue ${number}`,
      user: this.requireUser(options.user ?? OCTOCAT.login).login,
    };
    data.issues.set(number, issue);
    return issue;
  }

  addPullRequest(owner: string, repo: string, input: PullRequestInput): StoredPull {
    const data = this.requireRepo(owner, repo);
    if (data.issues.has(input.number)) {
      throw new Error(
        `GitHub emulator: ${owner}/${repo}#${input.number} already exists (issues and pulls share numbers).`,
      );
    }
    if (input.merged && !input.mergeCommitSha) {
      throw new Error(`GitHub emulator: merged pull request #${input.number} needs mergeCommitSha.`);
    }
    const user = this.requireUser(input.user ?? OCTOCAT.login);
    const headRepo = input.headRepo ?? data.repo.fullName;
    const [headOwner, headName] = headRepo.split('/');
    if (headOwner && headName && headRepo.toLowerCase() !== data.repo.fullName.toLowerCase()) {
      this.addRepo(headOwner, headName);
    }
    const at = this.timestamp();
    const state = input.merged ? 'closed' : (input.state ?? 'open');
    const pull: StoredPull = {
      id: this.nextPullId++,
      number: input.number,
      state,
      merged: input.merged ?? false,
      mergeCommitSha: input.mergeCommitSha ?? null,
      headSha: input.headSha,
      headRef: input.headRef ?? `feature-${input.number}`,
      headRepo,
      baseRef: input.baseRef ?? data.repo.defaultBranch,
      baseSha: input.baseSha ?? '0'.repeat(40),
      draft: input.draft ?? false,
      title: input.title ?? `Pull request ${input.number}`,
      body: input.body ?? null,
      createdAt: at,
      updatedAt: at,
      closedAt: state === 'closed' ? at : null,
      mergedAt: input.merged ? at : null,
    };
    data.issues.set(input.number, { number: input.number, title: pull.title, user: user.login, pull });
    if (input.associateCommits ?? true) {
      this.associateCommit(owner, repo, pull.headSha, [pull.number]);
      if (pull.merged && pull.mergeCommitSha)
        this.associateCommit(owner, repo, pull.mergeCommitSha, [pull.number]);
    }
    return pull;
  }

  /** Records a commit in the repository and the pull requests it belongs to (an empty list: a commit with none). */
  associateCommit(owner: string, repo: string, sha: string, pullNumbers: number[]): void {
    const data = this.requireRepo(owner, repo);
    for (const n of pullNumbers) {
      if (!data.issues.get(n)?.pull)
        throw new Error(`GitHub emulator: ${owner}/${repo} has no pull request #${n}.`);
    }
    const list = data.commits.get(sha) ?? [];
    for (const n of pullNumbers) if (!list.includes(n)) list.push(n);
    data.commits.set(sha, list);
  }

  issue(owner: string, repo: string, number: number): StoredIssue | undefined {
    return this.repos.get(repoKey(owner, repo))?.issues.get(number);
  }

  /** Opens an issue as `user` with the repository's next number (issues and pulls share numbers). */
  createIssue(
    owner: string,
    repo: string,
    input: { title: string; body?: string; user: string },
  ): StoredIssue {
    const data = this.requireRepo(owner, repo);
    const number = Math.max(0, ...data.issues.keys()) + 1;
    const at = this.timestamp();
    const issue: StoredIssue = {
      number,
      title: input.title,
      user: this.requireUser(input.user).login,
      state: 'open',
      stateReason: null,
      body: input.body ?? '',
      createdAt: at,
      updatedAt: at,
    };
    data.issues.set(number, issue);
    return issue;
  }

  updateIssue(
    owner: string,
    repo: string,
    number: number,
    change: Partial<Pick<StoredIssue, 'title' | 'body' | 'state' | 'stateReason'>>,
  ): StoredIssue | undefined {
    const issue = this.issue(owner, repo, number);
    if (!issue || issue.pull) return undefined;
    Object.assign(issue, change);
    issue.updatedAt = this.timestamp();
    return issue;
  }

  /** Issues and pull requests, newest first, as GET /repos/{owner}/{repo}/issues lists them. */
  issues(owner: string, repo: string): StoredIssue[] {
    const data = this.repos.get(repoKey(owner, repo));
    return data ? [...data.issues.values()].sort((a, b) => b.number - a.number) : [];
  }

  pull(owner: string, repo: string, number: number): StoredPull | undefined {
    return this.issue(owner, repo, number)?.pull;
  }

  /** Pull requests a commit belongs to; undefined when the repository has no such commit. */
  pullsForCommit(owner: string, repo: string, sha: string): StoredPull[] | undefined {
    const data = this.repos.get(repoKey(owner, repo));
    const numbers = data?.commits.get(sha);
    if (!data || !numbers) return undefined;
    return numbers.map((n) => data.issues.get(n)?.pull).filter((p): p is StoredPull => !!p);
  }

  /** Stored comments on an issue or pull request, oldest first (copies). */
  comments(owner: string, repo: string, issueNumber: number): StoredComment[] {
    const fullName = this.repo(owner, repo)?.fullName;
    return [...this.commentsById.values()]
      .filter((c) => `${c.owner}/${c.repo}` === fullName && c.issueNumber === issueNumber)
      .sort((a, b) => a.id - b.id)
      .map((c) => ({ ...c, user: { ...c.user } }));
  }

  comment(id: number): StoredComment | undefined {
    return this.commentsById.get(id);
  }

  /** Adds a comment as any user: how tests post look-alike comments by other authors. */
  addComment(
    owner: string,
    repo: string,
    issueNumber: number,
    input: { body: string; user?: string },
  ): StoredComment {
    const data = this.requireRepo(owner, repo);
    if (!data.issues.has(issueNumber)) {
      throw new Error(
        `GitHub emulator: ${owner}/${repo}#${issueNumber} does not exist; add the issue or pull request first.`,
      );
    }
    const user = this.requireUser(input.user ?? OCTOCAT.login);
    const id = this.nextCommentId++;
    const at = this.timestamp();
    const comment: StoredComment = {
      id,
      nodeId: `IC_kwDO${Buffer.from(`IssueComment:${id}`).toString('base64url')}`,
      owner: data.repo.owner,
      repo: data.repo.name,
      issueNumber,
      user: { ...user },
      body: input.body,
      createdAt: at,
      updatedAt: at,
    };
    this.commentsById.set(id, comment);
    return { ...comment, user: { ...user } };
  }

  updateComment(id: number, body: string): StoredComment | undefined {
    const comment = this.commentsById.get(id);
    if (!comment) return undefined;
    comment.body = body;
    comment.updatedAt = this.timestamp();
    return comment;
  }

  deleteComment(id: number): boolean {
    return this.commentsById.delete(id);
  }
}
