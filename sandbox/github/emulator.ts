// The GitHub REST emulator tests and the demo start: an EmulatorServer (counters, faults) with the
// GitHub handler and a state API to set up repositories, pull requests, commits, comments and
// tokens. Point Octokit at it with `getOctokit(token, { baseUrl: emulator.url })`.
import { EmulatorServer } from '../core/server.js';
import { GitHubHandler, type SecondaryRateLimitOptions } from './handler.js';
import { GITHUB_ACTIONS_BOT, GitHubState, OCTOCAT } from './state.js';
import type {
  GitHubUser,
  PullRequestInput,
  StoredComment,
  StoredIssue,
  StoredPull,
  StoredRepo,
  TokenGrant,
} from './types.js';

/** Tokens every emulator knows unless `defaultTokens: false`. */
export const GITHUB_TOKENS = {
  /** GITHUB_TOKEN of a same-repository pull request or a push: github-actions[bot], may write. */
  write: 'ghs_emulatorWriteToken000000000000000000',
  /** GITHUB_TOKEN of a pull request from a fork: github-actions[bot], read-only. */
  forkRead: 'ghs_emulatorForkReadToken00000000000000',
  /** A personal access token of octocat (GET /user works with it). */
  personal: 'ghp_emulatorOctocatToken000000000000000',
} as const;

export interface GitHubEmulatorOptions {
  /** Clock for created_at/updated_at (default: the real clock). */
  now?: () => Date;
  /** Register GITHUB_TOKENS (default true). */
  defaultTokens?: boolean;
}

export class GitHubEmulator extends EmulatorServer {
  readonly state: GitHubState;
  private readonly github: GitHubHandler;

  constructor(options: GitHubEmulatorOptions = {}) {
    const now = options.now;
    const state = new GitHubState(now);
    const handler = new GitHubHandler(state, now ? () => now().getTime() : undefined);
    super('github', handler);
    this.state = state;
    this.github = handler;
    if (options.defaultTokens ?? true) {
      state.addToken(GITHUB_TOKENS.write, {
        login: GITHUB_ACTIONS_BOT.login,
        kind: 'installation',
        permission: 'write',
      });
      state.addToken(GITHUB_TOKENS.forkRead, {
        login: GITHUB_ACTIONS_BOT.login,
        kind: 'installation',
        permission: 'read',
      });
      state.addToken(GITHUB_TOKENS.personal, { login: OCTOCAT.login, kind: 'personal', permission: 'write' });
    }
  }

  addUser(user: GitHubUser): GitHubUser {
    return this.state.addUser(user);
  }

  addToken(token: string, grant: TokenGrant): void {
    this.state.addToken(token, grant);
  }

  removeToken(token: string): void {
    this.state.removeToken(token);
  }

  addRepo(owner: string, repo: string, options?: { private?: boolean; defaultBranch?: string }): StoredRepo {
    return this.state.addRepo(owner, repo, options);
  }

  /** A file at a ref (a commit SHA or branch), served by the contents API. */
  setFile(owner: string, repo: string, ref: string, path: string, text: string): void {
    const stored = this.state.addRepo(owner, repo);
    stored.files ??= new Map();
    stored.files.set(`${ref}:${path}`, text);
  }

  addIssue(
    owner: string,
    repo: string,
    number: number,
    options?: { title?: string; user?: string },
  ): StoredIssue {
    return this.state.addIssue(owner, repo, number, options);
  }

  addPullRequest(owner: string, repo: string, pull: PullRequestInput): StoredPull {
    return this.state.addPullRequest(owner, repo, pull);
  }

  associateCommit(owner: string, repo: string, sha: string, pullNumbers: number[]): void {
    this.state.associateCommit(owner, repo, sha, pullNumbers);
  }

  comments(owner: string, repo: string, issueNumber: number): StoredComment[] {
    return this.state.comments(owner, repo, issueNumber);
  }

  addComment(
    owner: string,
    repo: string,
    issueNumber: number,
    input: { body: string; user?: string },
  ): StoredComment {
    return this.state.addComment(owner, repo, issueNumber, input);
  }

  /**
   * GitHub's secondary rate limit: `next` answers the next N requests with 403 + retry-after;
   * `share` (0..1) answers that share of requests the same way through the fault core.
   */
  secondaryRateLimit(options: SecondaryRateLimitOptions & { share?: number }): void {
    this.github.secondaryRateLimit(options);
    if (options.share !== undefined) this.setFaults({ ...this.faults, throttleRate: options.share });
  }

  /** The next `requests` calls to commits/{sha}/pulls list no pull request (GitHub's link lag after a merge). */
  delayPullLinks(requests: number): void {
    this.github.delayPullLinks(requests);
  }

  /** Requests answered with the secondary rate limit by the `next` knob (shares are in injected().throttled). */
  secondaryLimited(): number {
    return this.github.secondaryLimited();
  }

  /** Status of injected server errors (`setFaults({ errorRate })`): 502 (default) or 500. */
  setServerErrorStatus(status: 500 | 502): void {
    this.github.setServerErrorStatus(status);
  }
}
