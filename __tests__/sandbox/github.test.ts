// The GitHub emulator checked with the client the action uses: Octokit from @actions/github.
import { getOctokit } from '@actions/github';
import { GITHUB_TOKENS, GitHubEmulator } from '../../sandbox/github/emulator.js';

const emulator = new GitHubEmulator({ now: () => new Date('2025-03-01T10:20:30.456Z') });
let url = '';
const OWNER = 'acme';
const REPO = 'infra';
const writer = () => getOctokit(GITHUB_TOKENS.write, { baseUrl: url });

interface HttpError {
  name: string;
  status: number;
  message: string;
  response?: { headers: Record<string, string | undefined>; data: unknown };
}

/** Runs a call that must fail and returns Octokit's RequestError (name HttpError). */
async function rejection(call: Promise<unknown>): Promise<HttpError> {
  try {
    await call;
  } catch (error) {
    const e = error as HttpError;
    expect(e.name).toBe('HttpError');
    return e;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  url = await emulator.start();
  emulator.addRepo(OWNER, REPO);
  emulator.addPullRequest(OWNER, REPO, { number: 1, headSha: 'a'.repeat(40), headRef: 'bindings' });
});

afterAll(async () => {
  await emulator.stop();
});

beforeEach(() => {
  emulator.setFaults({});
  emulator.resetCounters();
});

test('lists comments page by page with the Link header GitHub sends', async () => {
  emulator.addPullRequest(OWNER, REPO, { number: 10, headSha: 'b'.repeat(40) });
  for (let i = 0; i < 250; i++) emulator.addComment(OWNER, REPO, 10, { body: `comment ${i}` });
  const repoId = emulator.state.repo(OWNER, REPO)!.id;
  const octokit = writer();

  const first = await octokit.rest.issues.listComments({
    owner: OWNER,
    repo: REPO,
    issue_number: 10,
    per_page: 100,
  });
  expect(first.data).toHaveLength(100);
  const base = `${url}/repositories/${repoId}/issues/10/comments?per_page=100`;
  expect(first.headers.link).toBe(`<${base}&page=2>; rel="next", <${base}&page=3>; rel="last"`);

  const second = await octokit.rest.issues.listComments({
    owner: OWNER,
    repo: REPO,
    issue_number: 10,
    per_page: 100,
    page: 2,
  });
  expect(second.headers.link).toBe(
    `<${base}&page=1>; rel="prev", <${base}&page=3>; rel="next", <${base}&page=3>; rel="last", <${base}&page=1>; rel="first"`,
  );
  expect(second.data[0].body).toBe('comment 100');

  const defaults = await octokit.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 10 });
  expect(defaults.data).toHaveLength(30);
  expect(defaults.headers.link).toContain('page=9>; rel="last"');

  emulator.resetCounters();
  const all = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: OWNER,
    repo: REPO,
    issue_number: 10,
    per_page: 100,
  });
  expect(all.map((c) => c.body)).toEqual(Array.from({ length: 250 }, (_, i) => `comment ${i}`));
  expect(new Set(all.map((c) => c.id)).size).toBe(250);
  expect(emulator.count('list comments')).toBe(3);
});

test('creates, updates and deletes a comment as github-actions[bot]', async () => {
  const octokit = writer();
  const created = await octokit.rest.issues.createComment({
    owner: OWNER,
    repo: REPO,
    issue_number: 1,
    body: 'plan v1',
  });
  expect(created.status).toBe(201);
  expect(created.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(created.data).toMatchObject({
    body: 'plan v1',
    user: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
    created_at: '2025-03-01T10:20:30Z',
    updated_at: '2025-03-01T10:20:30Z',
    html_url: `https://github.com/${OWNER}/${REPO}/pull/1#issuecomment-${created.data.id}`,
  });
  expect(created.data.node_id).toMatch(/^IC_/);
  expect(emulator.comments(OWNER, REPO, 1).map((c) => c.body)).toEqual(['plan v1']);

  const id = created.data.id;
  const updated = await octokit.rest.issues.updateComment({
    owner: OWNER,
    repo: REPO,
    comment_id: id,
    body: 'plan v2',
  });
  expect(updated.status).toBe(200);
  expect(updated.data).toMatchObject({ id, body: 'plan v2' });
  expect(emulator.comments(OWNER, REPO, 1).map((c) => c.body)).toEqual(['plan v2']);

  const deleted = await octokit.rest.issues.deleteComment({ owner: OWNER, repo: REPO, comment_id: id });
  expect(deleted.status).toBe(204);
  expect(emulator.comments(OWNER, REPO, 1)).toEqual([]);
  const gone = await rejection(
    octokit.rest.issues.updateComment({ owner: OWNER, repo: REPO, comment_id: id, body: 'x' }),
  );
  expect(gone.status).toBe(404);
  expect(gone.response?.data).toMatchObject({ message: 'Not Found', status: '404' });
});

test('comments by other authors keep their own user', async () => {
  emulator.addPullRequest(OWNER, REPO, { number: 11, headSha: 'c'.repeat(40) });
  emulator.addComment(OWNER, REPO, 11, {
    body: '<!-- workload-identity-bindings {"planId":"fake"} -->',
    user: 'octocat',
  });
  await writer().rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 11, body: 'real' });
  const { data } = await writer().rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 11 });
  expect(data.map((c) => [c.user?.login, c.user?.type, c.body])).toEqual([
    ['octocat', 'User', '<!-- workload-identity-bindings {"planId":"fake"} -->'],
    ['github-actions[bot]', 'Bot', 'real'],
  ]);
});

test('finds the merged pull request of a merge commit, including one from a fork', async () => {
  emulator.addPullRequest(OWNER, REPO, {
    number: 20,
    headSha: 'd'.repeat(40),
    headRef: 'fix-roles',
    headRepo: 'contributor/infra',
    baseRef: 'main',
    merged: true,
    mergeCommitSha: 'e'.repeat(40),
    user: 'octocat',
  });
  const octokit = writer();
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: OWNER,
    repo: REPO,
    commit_sha: 'e'.repeat(40),
  });
  expect(data).toHaveLength(1);
  expect(data[0]).toMatchObject({
    number: 20,
    state: 'closed',
    merge_commit_sha: 'e'.repeat(40),
    merged_at: '2025-03-01T10:20:30Z',
    head: { sha: 'd'.repeat(40), ref: 'fix-roles', repo: { full_name: 'contributor/infra', fork: true } },
    base: { ref: 'main', repo: { full_name: `${OWNER}/${REPO}`, fork: false } },
    user: { login: 'octocat' },
  });

  const pull = await octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 20 });
  expect(pull.data).toMatchObject({
    number: 20,
    merged: true,
    state: 'closed',
    head: { label: 'contributor:fix-roles' },
  });

  emulator.associateCommit(OWNER, REPO, 'f'.repeat(40), [20, 1]);
  const two = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: OWNER,
    repo: REPO,
    commit_sha: 'f'.repeat(40),
  });
  expect(two.data.map((p) => p.number)).toEqual([20, 1]);

  emulator.associateCommit(OWNER, REPO, '1'.repeat(40), []);
  const none = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: OWNER,
    repo: REPO,
    commit_sha: '1'.repeat(40),
  });
  expect(none.data).toEqual([]);
  const unknown = await rejection(
    octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      owner: OWNER,
      repo: REPO,
      commit_sha: '2'.repeat(40),
    }),
  );
  expect(unknown.status).toBe(422);
  expect(unknown.message).toContain(`No commit found for SHA: ${'2'.repeat(40)}`);
  const missingPull = await rejection(octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 999 }));
  expect(missingPull.status).toBe(404);
});

test('GET /user: the token user for personal tokens, 403 for installation tokens like GITHUB_TOKEN', async () => {
  const me = await getOctokit(GITHUB_TOKENS.personal, { baseUrl: url }).rest.users.getAuthenticated();
  expect(me.data).toMatchObject({ login: 'octocat', id: 583231, type: 'User' });

  emulator.addToken('ghp_botPat', { login: 'github-actions[bot]', kind: 'personal', permission: 'write' });
  const bot = await getOctokit('ghp_botPat', { baseUrl: url }).rest.users.getAuthenticated();
  expect(bot.data).toMatchObject({ login: 'github-actions[bot]', id: 41898282, type: 'Bot' });

  const installation = await rejection(writer().rest.users.getAuthenticated());
  expect(installation.status).toBe(403);
  expect(installation.response?.data).toEqual({
    message: 'Resource not accessible by integration',
    documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
    status: '403',
  });
});

test('rejects missing and unknown tokens with 401, accepts token and Bearer schemes', async () => {
  const path = `${url}/repos/${OWNER}/${REPO}/issues/1/comments`;
  const missing = await fetch(path);
  expect(missing.status).toBe(401);
  expect(await missing.json()).toMatchObject({ message: 'Requires authentication', status: '401' });

  const bad = await rejection(
    getOctokit('ghs_nope', { baseUrl: url }).rest.issues.listComments({
      owner: OWNER,
      repo: REPO,
      issue_number: 1,
    }),
  );
  expect(bad.status).toBe(401);
  expect(bad.response?.data).toMatchObject({ message: 'Bad credentials', status: '401' });

  for (const scheme of ['token', 'Bearer']) {
    const ok = await fetch(path, { headers: { authorization: `${scheme} ${GITHUB_TOKENS.write}` } });
    expect(ok.status).toBe(200);
  }
});

test('a fork pull request token reads but every write answers 403', async () => {
  const fork = getOctokit(GITHUB_TOKENS.forkRead, { baseUrl: url });
  const list = await fork.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 1 });
  expect(list.status).toBe(200);
  const denied = await rejection(
    fork.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 1, body: 'hi' }),
  );
  expect(denied.status).toBe(403);
  expect(denied.response?.data).toEqual({
    message: 'Resource not accessible by integration',
    documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
    status: '403',
  });
  const existing = emulator.addComment(OWNER, REPO, 1, { body: 'by octocat' });
  // Calls are thunks so each starts only when awaited (no rejection waits unhandled).
  for (const call of [
    () => fork.rest.issues.updateComment({ owner: OWNER, repo: REPO, comment_id: existing.id, body: 'x' }),
    () => fork.rest.issues.deleteComment({ owner: OWNER, repo: REPO, comment_id: existing.id }),
  ]) {
    expect((await rejection(call())).status).toBe(403);
  }
  expect(emulator.comments(OWNER, REPO, 1).find((c) => c.id === existing.id)?.body).toBe('by octocat');
});

test('answers 404 for unknown repositories, issues, comments and repositories the token cannot see', async () => {
  const octokit = writer();
  for (const call of [
    () => octokit.rest.issues.listComments({ owner: OWNER, repo: 'missing', issue_number: 1 }),
    () => octokit.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 4040 }),
    () => octokit.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 4040, body: 'x' }),
    () => octokit.rest.issues.updateComment({ owner: OWNER, repo: REPO, comment_id: 1, body: 'x' }),
    () => octokit.rest.issues.deleteComment({ owner: OWNER, repo: REPO, comment_id: 1 }),
  ]) {
    const e = await rejection(call());
    expect(e.status).toBe(404);
    expect(e.response?.data).toMatchObject({ message: 'Not Found', status: '404' });
  }
  emulator.addRepo(OWNER, 'other');
  emulator.addIssue(OWNER, 'other', 1);
  const elsewhere = emulator.addComment(OWNER, 'other', 1, { body: 'x' });
  const wrongRepo = await rejection(
    octokit.rest.issues.deleteComment({ owner: OWNER, repo: REPO, comment_id: elsewhere.id }),
  );
  expect(wrongRepo.status).toBe(404);

  emulator.addToken('ghs_scoped', {
    login: 'github-actions[bot]',
    kind: 'installation',
    permission: 'write',
    repos: ['acme/other'],
  });
  const scoped = getOctokit('ghs_scoped', { baseUrl: url });
  expect(
    (await rejection(scoped.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 1 }))).status,
  ).toBe(404);
  expect(
    (await scoped.rest.issues.listComments({ owner: 'ACME', repo: 'Other', issue_number: 1 })).data,
  ).toHaveLength(1);
});

test('validates comment bodies like GitHub: 65,536 characters at most', async () => {
  const octokit = writer();
  emulator.addPullRequest(OWNER, REPO, { number: 30, headSha: '3'.repeat(40) });
  const tooLong = await rejection(
    octokit.rest.issues.createComment({
      owner: OWNER,
      repo: REPO,
      issue_number: 30,
      body: 'x'.repeat(65537),
    }),
  );
  expect(tooLong.status).toBe(422);
  expect(tooLong.response?.data).toEqual({
    message: 'Validation Failed',
    errors: [
      {
        resource: 'IssueComment',
        code: 'custom',
        field: 'body',
        message: 'body is too long (maximum is 65536 characters)',
      },
    ],
    documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
    status: '422',
  });
  const fits = await octokit.rest.issues.createComment({
    owner: OWNER,
    repo: REPO,
    issue_number: 30,
    body: 'x'.repeat(65536),
  });
  expect(fits.status).toBe(201);
  const longEdit = await rejection(
    octokit.rest.issues.updateComment({
      owner: OWNER,
      repo: REPO,
      comment_id: fits.data.id,
      body: 'é'.repeat(65537),
    }),
  );
  expect(longEdit.status).toBe(422);

  const path = `${url}/repos/${OWNER}/${REPO}/issues/30/comments`;
  const headers = { authorization: `token ${GITHUB_TOKENS.write}`, 'content-type': 'application/json' };
  const broken = await fetch(path, { method: 'POST', headers, body: '{"body":' });
  expect(broken.status).toBe(400);
  expect(await broken.json()).toMatchObject({ message: 'Problems parsing JSON' });
  const missing = await fetch(path, { method: 'POST', headers, body: '{}' });
  expect(missing.status).toBe(422);
  expect(await missing.json()).toMatchObject({ message: 'Invalid request.\n\n"body" wasn\'t supplied.' });
});

test('secondary rate limit: 403 with retry-after, surfaced by Octokit as a RequestError', async () => {
  const octokit = writer();
  emulator.secondaryRateLimit({ next: 1 });
  const limited = await rejection(
    octokit.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 1, body: 'x' }),
  );
  expect(limited.status).toBe(403);
  expect(limited.response?.headers['retry-after']).toBe('1');
  expect(limited.message).toContain('You have exceeded a secondary rate limit');
  expect(limited.response?.headers['x-github-request-id']).toBeTruthy();
  expect(emulator.secondaryLimited()).toBe(1);
  // Only the next request was limited: the retry succeeds.
  const retried = await octokit.rest.issues.createComment({
    owner: OWNER,
    repo: REPO,
    issue_number: 1,
    body: 'x',
  });
  expect(retried.status).toBe(201);
  expect(emulator.count('create comment')).toBe(2);

  emulator.secondaryRateLimit({ share: 1, retryAfterSeconds: 3 });
  const shared = await rejection(
    octokit.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 1 }),
  );
  expect(shared.status).toBe(403);
  expect(shared.response?.headers['retry-after']).toBe('3');
  expect(emulator.injected().throttled).toBe(1);
  emulator.secondaryRateLimit({ share: 0, retryAfterSeconds: 1 });
  expect((await octokit.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 1 })).status).toBe(
    200,
  );
});

test('secondary rate limit without retry-after (#20): GitHub does not always send one', async () => {
  const octokit = writer();
  emulator.secondaryRateLimit({ next: 1, retryAfterSeconds: null });
  const limited = await rejection(
    octokit.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 1 }),
  );
  expect(limited.status).toBe(403);
  expect(limited.message).toContain('You have exceeded a secondary rate limit');
  expect(limited.response?.headers['retry-after']).toBeUndefined();
  emulator.secondaryRateLimit({ retryAfterSeconds: 1 });
});

test('the commit → pull request link can lag a merge (#20): [] first, then the pull request', async () => {
  const merge = '4'.repeat(40);
  emulator.addPullRequest(OWNER, REPO, {
    number: 40,
    headSha: '5'.repeat(40),
    state: 'closed',
    merged: true,
    mergeCommitSha: merge,
  });
  emulator.delayPullLinks(2);
  const list = () =>
    writer().rest.repos.listPullRequestsAssociatedWithCommit({ owner: OWNER, repo: REPO, commit_sha: merge });
  expect((await list()).data).toEqual([]);
  expect((await list()).data).toEqual([]);
  const linked = await list();
  expect(linked.data.map((p) => [p.number, p.merge_commit_sha])).toEqual([[40, merge]]);
});

test('primary rate limit headers count down and run out with 403', async () => {
  emulator.addToken('ghs_tiny', {
    login: 'github-actions[bot]',
    kind: 'installation',
    permission: 'write',
    rateLimit: 2,
  });
  const octokit = getOctokit('ghs_tiny', { baseUrl: url });
  const first = await octokit.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 1 });
  expect(first.headers['x-ratelimit-limit']).toBe('2');
  expect(first.headers['x-ratelimit-remaining']).toBe('1');
  expect(first.headers['x-ratelimit-used']).toBe('1');
  expect(first.headers['x-ratelimit-resource']).toBe('core');
  expect(Number(first.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
  const second = await octokit.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 1 });
  expect(second.headers['x-ratelimit-remaining']).toBe('0');
  const out = await rejection(
    octokit.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 1 }),
  );
  expect(out.status).toBe(403);
  expect(out.message).toContain('API rate limit exceeded');
  expect(out.response?.headers['x-ratelimit-remaining']).toBe('0');
});

test('injected server errors answer 502 (or 500) JSON; dropped connections fail the request', async () => {
  const octokit = writer();
  emulator.setFaults({ errorRate: 1 });
  const bad = await rejection(octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 1 }));
  expect(bad.status).toBe(502);
  expect(bad.response?.data).toMatchObject({ message: 'Server Error', status: '502' });
  emulator.setServerErrorStatus(500);
  expect((await rejection(octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 1 }))).status).toBe(
    500,
  );
  emulator.setServerErrorStatus(502);
  expect(emulator.injected().errors).toBe(2);

  emulator.setFaults({ dropRate: 1 });
  const dropped = await rejection(octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 1 }));
  // Octokit reports a failed fetch as a RequestError with status 500 and no response.
  expect(dropped.status).toBe(500);
  expect(dropped.response).toBeUndefined();
  expect(emulator.injected().dropped).toBe(1);
});

test('counts requests per operation with the names the benchmark reads', async () => {
  const octokit = writer();
  const c = await octokit.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 1, body: 'a' });
  await octokit.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 1 });
  await octokit.rest.issues.updateComment({ owner: OWNER, repo: REPO, comment_id: c.data.id, body: 'b' });
  await octokit.rest.issues.deleteComment({ owner: OWNER, repo: REPO, comment_id: c.data.id });
  await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: OWNER,
    repo: REPO,
    commit_sha: 'a'.repeat(40),
  });
  await octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 1 });
  await getOctokit(GITHUB_TOKENS.personal, { baseUrl: url }).rest.users.getAuthenticated();
  await fetch(`${url}/nowhere`);
  expect(emulator.counters()).toEqual([
    { operation: 'create comment', mutating: true, count: 1 },
    { operation: 'delete comment', mutating: true, count: 1 },
    { operation: 'get pull', mutating: false, count: 1 },
    { operation: 'get user', mutating: false, count: 1 },
    { operation: 'list comments', mutating: false, count: 1 },
    { operation: 'list pulls for commit', mutating: false, count: 1 },
    { operation: 'update comment', mutating: true, count: 1 },
  ]);
  expect(emulator.totalCalls({ mutating: true })).toBe(3);
});
