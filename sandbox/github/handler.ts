// Routes GitHub REST requests to the emulator's state and answers like api.github.com: token auth,
// repository visibility (404), write permission (403 "Resource not accessible by integration"),
// validation (422), page/per_page pagination with GitHub's Link header, rate-limit headers and the
// secondary rate limit answer. Repository paths work both as /repos/{owner}/{repo} and as
// /repositories/{id}, the form GitHub puts in Link headers.
import type { EmulatorRequest, EmulatorResponse, Route, ServiceHandler } from '../core/server.js';
import type { GitHubState } from './state.js';
import type { GitHubUser, StoredRepo, TokenGrant } from './types.js';
import { commentJson, DOCS, errorBody, issueJson, pullJson, userJson } from './wire.js';

/** GitHub's limit on an issue comment body, in characters. */
export const MAX_COMMENT_LENGTH = 65536;

export interface SecondaryRateLimitOptions {
  /** Answer the next N requests with the secondary rate limit error. */
  next?: number;
  /**
   * Value of the `retry-after` header in seconds (default 1); `null` sends none — GitHub does not
   * always send one, and its docs then say to wait at least a minute.
   */
  retryAfterSeconds?: number | null;
  /** GitHub answers 403 (documented) and sometimes 429; default 403. */
  status?: 403 | 429;
}

interface Call {
  req: EmulatorRequest;
  api: string;
  grant: TokenGrant;
  user: GitHubUser;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

interface Endpoint {
  operation: string;
  mutating: boolean;
  run: (call: Call) => Answer;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return { status, body, headers };
}

function fail(status: number, message: string, docs: string, extra: object = {}): Answer {
  return { status, body: errorBody(status, message, docs, extra) };
}

function positiveInt(value: string | null, fallback: number): number {
  const n = value === null ? NaN : Number(value);
  return Number.isInteger(n) && n >= 1 ? n : fallback;
}

export class GitHubHandler implements ServiceHandler {
  readonly state: GitHubState;
  private pendingSecondary = 0;
  private retryAfterSeconds: number | null = 1;
  /** Requests to commits/{sha}/pulls still answered `[]` (the link GitHub builds after a merge lags). */
  private pendingLinkDelay = 0;
  private secondaryStatus: 403 | 429 = 403;
  private serverErrorStatus: 500 | 502 = 502;
  private requestSeq = 0;
  private secondaryAnswered = 0;
  private readonly usage = new Map<string, { used: number; resetAt: number }>();
  private readonly nowMs: () => number;

  constructor(state: GitHubState, nowMs: () => number = () => Date.now()) {
    this.state = state;
    this.nowMs = nowMs;
  }

  secondaryRateLimit(options: SecondaryRateLimitOptions): void {
    this.pendingSecondary = options.next ?? this.pendingSecondary;
    this.retryAfterSeconds =
      options.retryAfterSeconds === undefined ? this.retryAfterSeconds : options.retryAfterSeconds;
    this.secondaryStatus = options.status ?? this.secondaryStatus;
  }

  /**
   * Right after a merge, `GET /repos/{owner}/{repo}/commits/{sha}/pulls` can list no pull request
   * for a while (GitHub links merge commits asynchronously): the next `requests` such calls answer
   * `[]` whatever the commit's pull requests are.
   */
  delayPullLinks(requests: number): void {
    this.pendingLinkDelay = requests;
  }

  /** How many requests the `next` knob answered with the secondary rate limit. */
  secondaryLimited(): number {
    return this.secondaryAnswered;
  }

  setServerErrorStatus(status: 500 | 502): void {
    this.serverErrorStatus = status;
  }

  route(req: EmulatorRequest): Route | EmulatorResponse {
    const endpoint = this.match(req);
    if (!endpoint) return this.respond(fail(404, 'Not Found', DOCS.rest));
    return {
      operation: endpoint.operation,
      mutating: endpoint.mutating,
      handle: () => this.handle(req, endpoint),
    };
  }

  throttled(_operation: string): EmulatorResponse {
    const requestId = this.requestId();
    return this.respond(
      fail(
        this.secondaryStatus,
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
          `If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
        DOCS.secondaryRateLimit,
      ),
      this.retryAfterSeconds === null ? {} : { 'retry-after': String(this.retryAfterSeconds) },
      requestId,
    );
  }

  serverError(_operation: string): EmulatorResponse {
    const status = this.serverErrorStatus;
    return this.respond(fail(status, status === 502 ? 'Server Error' : 'Internal Server Error', DOCS.rest));
  }

  /** GitHub-style request ids (`C0DF:1F01:1A2B3D5:1B2C3F3:66000001`), deterministic per emulator. */
  private requestId(): string {
    const n = (this.requestSeq += 1);
    const hex = (v: number, width: number) => v.toString(16).toUpperCase().padStart(width, '0');
    return [
      hex(0xc0de + n, 4),
      hex(0x1f00 + (n % 256), 4),
      hex(0x1a2b3c4 + n * 17, 7),
      hex(0x1b2c3d4 + n * 31, 7),
      hex(0x66000000 + n, 8),
    ].join(':');
  }

  private respond(
    answer: Answer,
    extraHeaders: Record<string, string> = {},
    requestId = this.requestId(),
  ): EmulatorResponse {
    const headers: Record<string, string> = {
      'x-github-request-id': requestId,
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      ...answer.headers,
      ...extraHeaders,
    };
    if (answer.status === 204) return { status: 204, headers };
    return {
      status: answer.status,
      headers: { 'content-type': JSON_TYPE, ...headers },
      body: JSON.stringify(answer.body),
    };
  }

  private handle(req: EmulatorRequest, endpoint: Endpoint): EmulatorResponse {
    if (this.pendingSecondary > 0) {
      this.pendingSecondary -= 1;
      this.secondaryAnswered += 1;
      return this.throttled(endpoint.operation);
    }
    const header = req.headers.authorization ?? '';
    const token = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header)?.[1];
    if (!token) {
      return this.respond(
        fail(401, 'Requires authentication', DOCS.rest),
        this.countRequest('anonymous', 60).headers,
      );
    }
    const grant = this.state.grant(token);
    const user = grant && this.state.user(grant.login);
    if (!grant || !user) {
      return this.respond(
        fail(401, 'Bad credentials', DOCS.rest),
        this.countRequest('anonymous', 60).headers,
      );
    }

    const limit = grant.rateLimit ?? (grant.kind === 'installation' ? 1000 : 5000);
    const { headers: rate, exhausted } = this.countRequest(token, limit);
    if (exhausted) {
      const reason = grant.kind === 'installation' ? 'for installation ID 1' : `for user ID ${user.id}`;
      return this.respond(fail(403, `API rate limit exceeded ${reason}.`, DOCS.primaryRateLimit), rate);
    }
    const api = `http://${req.headers.host ?? '127.0.0.1'}`;
    return this.respond(endpoint.run({ req, api, grant, user }), rate);
  }

  /** Counts a request against the key's hourly budget (unless it is already spent) and returns GitHub's headers. */
  private countRequest(key: string, limit: number): { headers: Record<string, string>; exhausted: boolean } {
    const now = this.nowMs();
    let usage = this.usage.get(key);
    if (!usage || now >= usage.resetAt) {
      usage = { used: 0, resetAt: now + 3600_000 };
      this.usage.set(key, usage);
    }
    const exhausted = usage.used >= limit;
    if (!exhausted) usage.used += 1;
    const headers = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(limit - usage.used),
      'x-ratelimit-reset': String(Math.floor(usage.resetAt / 1000)),
      'x-ratelimit-used': String(usage.used),
      'x-ratelimit-resource': 'core',
    };
    return { headers, exhausted };
  }

  private match(req: EmulatorRequest): Endpoint | undefined {
    const parts = req.path.split('/').filter((p) => p !== '');
    const method = req.method.toUpperCase();
    if (parts.length === 1 && parts[0] === 'user' && method === 'GET') {
      return { operation: 'get user', mutating: false, run: (call) => this.getUser(call) };
    }
    let rest: string[];
    let findRepo: () => StoredRepo | undefined;
    if (parts[0] === 'repos' && parts.length >= 3) {
      const [, owner, name] = parts;
      findRepo = () => this.state.repo(owner, name);
      rest = parts.slice(3);
    } else if (parts[0] === 'repositories' && /^\d+$/.test(parts[1] ?? '')) {
      const id = Number(parts[1]);
      findRepo = () => this.state.repoById(id);
      rest = parts.slice(2);
    } else {
      return undefined;
    }
    const numeric = (s: string | undefined) => s !== undefined && /^\d+$/.test(s);
    const repoEndpoint = (
      operation: string,
      mutating: boolean,
      docs: string,
      run: (call: Call, repo: StoredRepo) => Answer,
    ): Endpoint => ({
      operation,
      mutating,
      run: (call) => {
        const repo = findRepo();
        if (!repo || !this.state.canSee(call.grant, repo)) return fail(404, 'Not Found', docs);
        if (mutating && call.grant.permission !== 'write') {
          return fail(403, 'Resource not accessible by integration', docs);
        }
        return run(call, repo);
      },
    });

    if (rest.length === 3 && rest[0] === 'issues' && numeric(rest[1]) && rest[2] === 'comments') {
      const n = Number(rest[1]);
      if (method === 'GET') {
        return repoEndpoint('list comments', false, DOCS.listComments, (c, r) => this.listComments(c, r, n));
      }
      if (method === 'POST') {
        return repoEndpoint('create comment', true, DOCS.createComment, (c, r) =>
          this.createComment(c, r, n),
        );
      }
    }
    if (rest.length === 3 && rest[0] === 'issues' && rest[1] === 'comments' && numeric(rest[2])) {
      const id = Number(rest[2]);
      if (method === 'GET') {
        return repoEndpoint('get comment', false, DOCS.getComment, (c, r) => this.getComment(c, r, id));
      }
      if (method === 'PATCH') {
        return repoEndpoint('update comment', true, DOCS.updateComment, (c, r) =>
          this.updateComment(c, r, id),
        );
      }
      if (method === 'DELETE') {
        return repoEndpoint('delete comment', true, DOCS.deleteComment, (_c, r) => this.deleteComment(r, id));
      }
    }
    if (rest.length === 1 && rest[0] === 'issues') {
      if (method === 'GET')
        return repoEndpoint('list issues', false, DOCS.listIssues, (c, r) => this.listIssues(c, r));
      if (method === 'POST')
        return repoEndpoint('create issue', true, DOCS.createIssue, (c, r) => this.createIssue(c, r));
    }
    if (rest.length === 2 && rest[0] === 'issues' && numeric(rest[1])) {
      const n = Number(rest[1]);
      if (method === 'GET')
        return repoEndpoint('get issue', false, DOCS.getIssue, (c, r) => this.getIssue(c, r, n));
      if (method === 'PATCH')
        return repoEndpoint('update issue', true, DOCS.updateIssue, (c, r) => this.updateIssue(c, r, n));
    }
    if (rest.length === 3 && rest[0] === 'commits' && rest[2] === 'pulls' && method === 'GET') {
      const sha = rest[1];
      return repoEndpoint('list pulls for commit', false, DOCS.pullsForCommit, (c, r) =>
        this.pullsForCommit(c, r, sha),
      );
    }
    if (rest.length >= 2 && rest[0] === 'contents' && method === 'GET') {
      const path = rest.slice(1).map(decodeURIComponent).join('/');
      return repoEndpoint('get content', false, DOCS.getContent, (c, r) => this.getContent(c, r, path));
    }
    if (rest.length === 2 && rest[0] === 'pulls' && numeric(rest[1]) && method === 'GET') {
      const n = Number(rest[1]);
      return repoEndpoint('get pull', false, DOCS.getPull, (c, r) => this.getPull(c, r, n));
    }
    return undefined;
  }

  private getUser(call: Call): Answer {
    // GitHub refuses GET /user for installation tokens such as GITHUB_TOKEN.
    if (call.grant.kind === 'installation')
      return fail(403, 'Resource not accessible by integration', DOCS.getUser);
    return json(200, { ...userJson(call.user, call.api), name: call.user.login });
  }

  private ownerOf(repo: StoredRepo): GitHubUser {
    return (
      this.state.user(repo.owner) ?? {
        login: repo.owner,
        id: 9000000 + (repo.id % 1000000),
        type: 'Organization',
      }
    );
  }

  /** One page of `items` plus GitHub's Link header (prev, next, last, first) pointing at /repositories/{id}. */
  private paginate<T>(
    call: Call,
    repo: StoredRepo,
    tail: string,
    items: T[],
  ): { page: T[]; headers: Record<string, string> } {
    const perPage = Math.min(100, positiveInt(call.req.query.get('per_page'), 30));
    const page = positiveInt(call.req.query.get('page'), 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number, rel: string) => {
      const query = new URLSearchParams(call.req.query);
      query.delete('page');
      query.append('page', String(p));
      return `<${call.api}/repositories/${repo.id}/${tail}?${query.toString()}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'));
    return {
      page: items.slice((page - 1) * perPage, page * perPage),
      headers: links.length > 0 ? { link: links.join(', ') } : {},
    };
  }

  private listComments(call: Call, repo: StoredRepo, n: number): Answer {
    const issue = this.state.issue(repo.owner, repo.name, n);
    if (!issue) return fail(404, 'Not Found', DOCS.listComments);
    const since = call.req.query.get('since');
    const sinceMs = since ? Date.parse(since) : NaN;
    const all = this.state
      .comments(repo.owner, repo.name, n)
      .filter((c) => Number.isNaN(sinceMs) || Date.parse(c.updatedAt) >= sinceMs);
    const { page, headers } = this.paginate(call, repo, `issues/${n}/comments`, all);
    return json(
      200,
      page.map((c) => commentJson(c, call.api, !!issue.pull)),
      headers,
    );
  }

  /** The `body` of a create/update request, or GitHub's 400/422 answer. */
  private commentBody(call: Call, docs: string): string | Answer {
    let parsed: unknown;
    try {
      parsed = call.req.body === '' ? {} : JSON.parse(call.req.body);
    } catch {
      return fail(400, 'Problems parsing JSON', docs);
    }
    const body = parsed && typeof parsed === 'object' ? (parsed as { body?: unknown }).body : undefined;
    if (body === undefined) return fail(422, 'Invalid request.\n\n"body" wasn\'t supplied.', docs);
    if (typeof body !== 'string') {
      return fail(
        422,
        `Invalid request.\n\nFor 'properties/body', ${JSON.stringify(body)} is not a string.`,
        docs,
      );
    }
    if ([...body].length > MAX_COMMENT_LENGTH) {
      return fail(422, 'Validation Failed', docs, {
        errors: [
          {
            resource: 'IssueComment',
            code: 'custom',
            field: 'body',
            message: `body is too long (maximum is ${MAX_COMMENT_LENGTH} characters)`,
          },
        ],
      });
    }
    return body;
  }

  private createComment(call: Call, repo: StoredRepo, n: number): Answer {
    const issue = this.state.issue(repo.owner, repo.name, n);
    if (!issue) return fail(404, 'Not Found', DOCS.createComment);
    const body = this.commentBody(call, DOCS.createComment);
    if (typeof body !== 'string') return body;
    const comment = this.state.addComment(repo.owner, repo.name, n, { body, user: call.user.login });
    return json(201, commentJson(comment, call.api, !!issue.pull), {
      location: `${call.api}/repos/${repo.fullName}/issues/comments/${comment.id}`,
    });
  }

  /** A comment that belongs to this repository, or undefined (GitHub answers 404 for others). */
  private repoComment(repo: StoredRepo, id: number) {
    const comment = this.state.comment(id);
    return comment && `${comment.owner}/${comment.repo}` === repo.fullName ? comment : undefined;
  }

  private getComment(call: Call, repo: StoredRepo, id: number): Answer {
    const comment = this.repoComment(repo, id);
    if (!comment) return fail(404, 'Not Found', DOCS.getComment);
    return json(
      200,
      commentJson(comment, call.api, !!this.state.pull(repo.owner, repo.name, comment.issueNumber)),
    );
  }

  private updateComment(call: Call, repo: StoredRepo, id: number): Answer {
    if (!this.repoComment(repo, id)) return fail(404, 'Not Found', DOCS.updateComment);
    const body = this.commentBody(call, DOCS.updateComment);
    if (typeof body !== 'string') return body;
    const comment = this.state.updateComment(id, body)!;
    return json(
      200,
      commentJson(comment, call.api, !!this.state.pull(repo.owner, repo.name, comment.issueNumber)),
    );
  }

  private deleteComment(repo: StoredRepo, id: number): Answer {
    if (!this.repoComment(repo, id)) return fail(404, 'Not Found', DOCS.deleteComment);
    this.state.deleteComment(id);
    return { status: 204 };
  }

  private issueAuthor(login: string): GitHubUser {
    return this.state.user(login) ?? { login, id: 0, type: 'User' };
  }

  private listIssues(call: Call, repo: StoredRepo): Answer {
    const state = call.req.query.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state))
      return fail(422, 'Validation Failed', DOCS.listIssues, {
        errors: [{ resource: 'Issue', field: 'state', code: 'invalid' }],
      });
    const creator = call.req.query.get('creator')?.toLowerCase();
    const all = this.state.issues(repo.owner, repo.name).filter((i) => {
      const s = i.pull ? i.pull.state : (i.state ?? 'open');
      return (state === 'all' || s === state) && (!creator || i.user.toLowerCase() === creator);
    });
    const { page, headers } = this.paginate(call, repo, 'issues', all);
    return json(
      200,
      page.map((i) => issueJson(i, repo, this.issueAuthor(i.user), call.api)),
      headers,
    );
  }

  private getIssue(call: Call, repo: StoredRepo, n: number): Answer {
    const issue = this.state.issue(repo.owner, repo.name, n);
    if (!issue) return fail(404, 'Not Found', DOCS.getIssue);
    return json(200, issueJson(issue, repo, this.issueAuthor(issue.user), call.api));
  }

  /** The JSON object of a create/update request, or GitHub's 400. */
  private jsonBody(call: Call, docs: string): { fields: Record<string, unknown> } | { answer: Answer } {
    try {
      const parsed: unknown = call.req.body === '' ? {} : JSON.parse(call.req.body);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        return { fields: parsed as Record<string, unknown> };
    } catch {
      // answered below
    }
    return { answer: fail(400, 'Problems parsing JSON', docs) };
  }

  private issueFields(body: Record<string, unknown>, docs: string): Answer | undefined {
    for (const field of ['title', 'body'] as const) {
      const value = body[field];
      if (value !== undefined && value !== null && typeof value !== 'string')
        return fail(
          422,
          `Invalid request.\n\nFor 'properties/${field}', ${JSON.stringify(value)} is not a string.`,
          docs,
        );
    }
    if (typeof body.body === 'string' && [...body.body].length > MAX_COMMENT_LENGTH)
      return fail(422, 'Validation Failed', docs, {
        errors: [
          {
            resource: 'Issue',
            code: 'custom',
            field: 'body',
            message: `body is too long (maximum is ${MAX_COMMENT_LENGTH} characters)`,
          },
        ],
      });
    if (body.state !== undefined && body.state !== 'open' && body.state !== 'closed')
      return fail(422, 'Validation Failed', docs, {
        errors: [{ resource: 'Issue', field: 'state', code: 'invalid' }],
      });
    return undefined;
  }

  private createIssue(call: Call, repo: StoredRepo): Answer {
    const body = this.jsonBody(call, DOCS.createIssue);
    if ('answer' in body) return body.answer;
    const { fields } = body;
    if (typeof fields.title !== 'string' || fields.title === '')
      return fail(422, 'Invalid request.\n\n"title" wasn\'t supplied.', DOCS.createIssue);
    const invalid = this.issueFields(fields, DOCS.createIssue);
    if (invalid) return invalid;
    const issue = this.state.createIssue(repo.owner, repo.name, {
      title: fields.title,
      body: typeof fields.body === 'string' ? fields.body : '',
      user: call.user.login,
    });
    return json(201, issueJson(issue, repo, call.user, call.api), {
      location: `${call.api}/repos/${repo.fullName}/issues/${issue.number}`,
    });
  }

  private updateIssue(call: Call, repo: StoredRepo, n: number): Answer {
    const existing = this.state.issue(repo.owner, repo.name, n);
    if (!existing || existing.pull) return fail(404, 'Not Found', DOCS.updateIssue);
    const body = this.jsonBody(call, DOCS.updateIssue);
    if ('answer' in body) return body.answer;
    const { fields } = body;
    const invalid = this.issueFields(fields, DOCS.updateIssue);
    if (invalid) return invalid;
    const change: Parameters<GitHubState['updateIssue']>[3] = {};
    if (typeof fields.title === 'string') change.title = fields.title;
    if (typeof fields.body === 'string') change.body = fields.body;
    if (fields.state === 'open' || fields.state === 'closed') {
      change.state = fields.state;
      change.stateReason =
        fields.state === 'closed'
          ? fields.state_reason === 'not_planned'
            ? 'not_planned'
            : 'completed'
          : existing.state === 'closed'
            ? 'reopened'
            : (existing.stateReason ?? null);
    }
    const issue = this.state.updateIssue(repo.owner, repo.name, n, change)!;
    return json(200, issueJson(issue, repo, this.issueAuthor(issue.user), call.api));
  }

  private pullContext(call: Call, base: StoredRepo, headRepo: string, author: string) {
    const [owner, name] = headRepo.split('/');
    return {
      api: call.api,
      base,
      head: this.state.repo(owner ?? '', name ?? '') ?? base,
      author: this.state.user(author) ?? { login: author, id: 0, type: 'User' as const },
      ownerOf: (r: StoredRepo) => this.ownerOf(r),
    };
  }

  /** A file as GitHub returns it: base64 in lines of 60 characters; 404 when absent at the ref. */
  private getContent(call: Call, repo: StoredRepo, path: string): Answer {
    const ref = call.req.query.get('ref') ?? repo.defaultBranch;
    const text = repo.files?.get(`${ref}:${path}`);
    if (text === undefined) return fail(404, 'Not Found', DOCS.getContent);
    const bytes = Buffer.from(text, 'utf8');
    const content = (bytes.toString('base64').match(/.{1,60}/g) ?? []).join('\n');
    return json(200, {
      type: 'file',
      encoding: 'base64',
      size: bytes.length,
      name: path.split('/').at(-1),
      path,
      content: `${content}\n`,
    });
  }

  private pullsForCommit(call: Call, repo: StoredRepo, sha: string): Answer {
    const known = this.state.pullsForCommit(repo.owner, repo.name, sha);
    if (!known) return fail(422, `No commit found for SHA: ${sha}`, DOCS.pullsForCommit);
    const lagging = this.pendingLinkDelay > 0;
    if (lagging) this.pendingLinkDelay -= 1;
    const pulls = lagging ? [] : known;
    const { page, headers } = this.paginate(call, repo, `commits/${sha}/pulls`, pulls);
    const body = page.map((p) => {
      const author = this.state.issue(repo.owner, repo.name, p.number)?.user ?? '';
      return pullJson(p, this.pullContext(call, repo, p.headRepo, author), false);
    });
    return json(200, body, headers);
  }

  private getPull(call: Call, repo: StoredRepo, n: number): Answer {
    const issue = this.state.issue(repo.owner, repo.name, n);
    if (!issue?.pull) return fail(404, 'Not Found', DOCS.getPull);
    return json(
      200,
      pullJson(issue.pull, this.pullContext(call, repo, issue.pull.headRepo, issue.user), true),
    );
  }
}
