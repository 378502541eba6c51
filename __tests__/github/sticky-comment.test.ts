// The sticky plan comment, the comment author, the merged pull request lookup and the retries,
// against the GitHub emulator through the real Octokit from @actions/github.
import { getOctokit } from '@actions/github';
import { GITHUB_TOKENS, GitHubEmulator } from '../../sandbox/github/emulator.js';
import { GITHUB_ACTIONS_BOT, resolveCommentAuthor } from '../../src/github/author.js';
import { GitHubApiError } from '../../src/github/errors.js';
import { APPLY_MARKER, parseMarker, renderMarker } from '../../src/github/marker.js';
import { findMergedPullRequest, pullLinkDelays } from '../../src/github/pulls.js';
import { retryDelay, withGitHubRetry } from '../../src/github/retry.js';
import {
  capCommentBody,
  createComment,
  findStickyComment,
  MAX_COMMENT_LENGTH,
  upsertStickyComment,
} from '../../src/github/sticky-comment.js';

const emulator = new GitHubEmulator({ now: () => new Date('2025-03-01T10:00:00Z') });
const OWNER = 'acme';
const REPO = 'infra';
const FILE = 'workload-identity.yaml';
let url = '';
let nextPull = 100;
const sleeps: number[] = [];
const retry = { sleep: async (ms: number) => void sleeps.push(ms) };
const octokit = (token: string = GITHUB_TOKENS.write) => getOctokit(token, { baseUrl: url });

function newPull(): number {
  const number = nextPull++;
  emulator.addPullRequest(OWNER, REPO, { number, headSha: number.toString(16).padStart(40, 'a') });
  return number;
}

function body(planId: string, text: string, file = FILE): string {
  return `${renderMarker({ file, planId, headSha: 'a'.repeat(40), version: 1, truncated: false })}\n${text}`;
}

const target = (issueNumber: number, author = GITHUB_ACTIONS_BOT) => ({
  owner: OWNER,
  repo: REPO,
  issueNumber,
  file: FILE,
  author,
});

beforeAll(async () => {
  url = await emulator.start();
  emulator.addRepo(OWNER, REPO);
});

afterAll(async () => {
  await emulator.stop();
});

beforeEach(() => {
  sleeps.length = 0;
  emulator.resetCounters();
  emulator.setFaults({});
});

describe('marker', () => {
  test('round-trips the metadata and cannot be closed early by a file path', () => {
    const meta = {
      file: 'a --> b <!-- c.yaml',
      planId: '0123456789abcdef',
      headSha: 'f'.repeat(40),
      version: 1 as const,
      truncated: true,
    };
    const marker = renderMarker(meta);
    expect(marker.startsWith('<!-- workload-identity-bindings:{"file":')).toBe(true);
    expect(marker.indexOf('-->')).toBe(marker.length - 3);
    expect(parseMarker(`${marker}\nbody`)).toEqual(meta);
  });

  test('ignores other markers, broken JSON and wrong versions', () => {
    expect(parseMarker('<!-- workload-identity-bindings:{"file":"x"} -->')).toBeUndefined();
    expect(parseMarker('<!-- workload-identity-bindings:{not json} -->')).toBeUndefined();
    expect(
      parseMarker('<!-- workload-identity-bindings:{"file":"x","version":2,"truncated":false} -->'),
    ).toBeUndefined();
    expect(
      parseMarker('text\n<!-- workload-identity-bindings:{"file":"x","version":1,"truncated":false} -->'),
    ).toBeUndefined();
    const apply = renderMarker({ file: 'x', version: 1, truncated: false }, APPLY_MARKER);
    expect(parseMarker(apply)).toBeUndefined();
    expect(parseMarker(apply, APPLY_MARKER)).toEqual({ file: 'x', version: 1, truncated: false });
  });
});

describe('sticky comment', () => {
  test('created once, then edited in place, never duplicated', async () => {
    const pr = newPull();
    const first = await upsertStickyComment(
      octokit(),
      target(pr),
      body('1111111111111111', 'plan one'),
      retry,
    );
    expect(first.outcome).toBe('created');
    const second = await upsertStickyComment(
      octokit(),
      target(pr),
      body('2222222222222222', 'plan two'),
      retry,
    );
    expect(second).toMatchObject({ outcome: 'updated', id: first.id });
    const comments = emulator.comments(OWNER, REPO, pr);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toBe(body('2222222222222222', 'plan two'));
    expect(emulator.count('create comment')).toBe(1);
    expect(emulator.count('update comment')).toBe(1);
  });

  test('an unchanged body is not edited', async () => {
    const pr = newPull();
    await upsertStickyComment(octokit(), target(pr), body('1111111111111111', 'same'), retry);
    emulator.resetCounters();
    const again = await upsertStickyComment(octokit(), target(pr), body('1111111111111111', 'same'), retry);
    expect(again.outcome).toBe('unchanged');
    expect(emulator.totalCalls({ mutating: true })).toBe(0);
  });

  test('recreated when someone deleted it', async () => {
    const pr = newPull();
    const first = await upsertStickyComment(octokit(), target(pr), body('1111111111111111', 'plan'), retry);
    await octokit().rest.issues.deleteComment({ owner: OWNER, repo: REPO, comment_id: first.id });
    const again = await upsertStickyComment(octokit(), target(pr), body('1111111111111111', 'plan'), retry);
    expect(again.outcome).toBe('created');
    expect(again.id).not.toBe(first.id);
    expect(emulator.comments(OWNER, REPO, pr)).toHaveLength(1);
  });

  test('look-alike comments by other users are ignored: never trusted, never edited', async () => {
    const pr = newPull();
    emulator.addComment(OWNER, REPO, pr, { body: body('bad0bad0bad0bad0', 'forged plan'), user: 'octocat' });
    expect(await findStickyComment(octokit(), target(pr), retry)).toBeUndefined();
    const ours = await upsertStickyComment(
      octokit(),
      target(pr),
      body('1111111111111111', 'real plan'),
      retry,
    );
    expect(ours.outcome).toBe('created');
    const comments = emulator.comments(OWNER, REPO, pr);
    expect(comments.map((c) => [c.user.login, c.body.split('\n')[1]])).toEqual([
      ['octocat', 'forged plan'],
      [GITHUB_ACTIONS_BOT, 'real plan'],
    ]);
    // Even a forged comment posted after ours does not count.
    emulator.addComment(OWNER, REPO, pr, { body: body('bad1bad1bad1bad1', 'forged again'), user: 'octocat' });
    expect((await findStickyComment(octokit(), target(pr), retry))?.metadata.planId).toBe('1111111111111111');
  });

  test('one comment per bindings file; our other comments are not matched', async () => {
    const pr = newPull();
    await upsertStickyComment(octokit(), target(pr), body('1111111111111111', 'file one'), retry);
    await upsertStickyComment(
      octokit(),
      { ...target(pr), file: 'other.yaml' },
      body('2222222222222222', 'file two', 'other.yaml'),
      retry,
    );
    await createComment(
      octokit(),
      { owner: OWNER, repo: REPO, issueNumber: pr },
      `${renderMarker({ file: FILE, version: 1, truncated: false }, APPLY_MARKER)}\napplied`,
      retry,
    );
    emulator.addComment(OWNER, REPO, pr, { body: 'LGTM', user: 'octocat' });
    expect((await findStickyComment(octokit(), target(pr), retry))?.metadata.planId).toBe('1111111111111111');
    expect(
      (await findStickyComment(octokit(), { ...target(pr), file: 'other.yaml' }, retry))?.metadata.planId,
    ).toBe('2222222222222222');
  });

  test('found among many comments (pagination)', async () => {
    const pr = newPull();
    await upsertStickyComment(octokit(), target(pr), body('1111111111111111', 'early'), retry);
    for (let i = 0; i < 230; i++)
      emulator.addComment(OWNER, REPO, pr, { body: `chatter ${i}`, user: 'octocat' });
    emulator.resetCounters();
    const found = await findStickyComment(octokit(), target(pr), retry);
    expect(found?.metadata.planId).toBe('1111111111111111');
    expect(emulator.count('list comments')).toBe(3);
  });

  test('a read-only token (fork) gets 403 naming the call', async () => {
    const pr = newPull();
    const error = await upsertStickyComment(
      octokit(GITHUB_TOKENS.forkRead),
      target(pr),
      body('1', 'x'),
      retry,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).status).toBe(403);
    expect((error as GitHubApiError).readOnlyToken).toBe(true);
    expect((error as Error).message).toBe(
      `GitHub POST /repos/${OWNER}/${REPO}/issues/${pr}/comments failed: 403 Resource not accessible by integration`,
    );
    expect(emulator.comments(OWNER, REPO, pr)).toHaveLength(0);
  });

  test('the secondary rate limit is waited out as retry-after asks', async () => {
    const pr = newPull();
    emulator.secondaryRateLimit({ next: 2, retryAfterSeconds: 3 });
    const result = await upsertStickyComment(octokit(), target(pr), body('1111111111111111', 'plan'), retry);
    expect(result.outcome).toBe('created');
    expect(sleeps).toEqual([3000, 3000]);
    expect(emulator.comments(OWNER, REPO, pr)).toHaveLength(1);
  });

  test('bodies over GitHub’s limit are cut on a line boundary', () => {
    const long = Array.from({ length: 10_000 }, (_, i) => `line ${i}`).join('\n');
    const capped = capCommentBody(long);
    expect(capped.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(capped).toContain('exceeded GitHub’s 65,536-character limit');
    expect(capCommentBody('short')).toBe('short');
  });
});

describe('comment author', () => {
  test('GITHUB_TOKEN (ghs_) is github-actions[bot] without calling GET /user', async () => {
    const author = await resolveCommentAuthor(octokit(), { token: GITHUB_TOKENS.write, retry });
    expect(author).toEqual({ login: GITHUB_ACTIONS_BOT, source: 'installation-token' });
    expect(emulator.count('get user')).toBe(0);
  });

  test('a personal access token is its user', async () => {
    const author = await resolveCommentAuthor(octokit(GITHUB_TOKENS.personal), {
      token: GITHUB_TOKENS.personal,
      retry,
    });
    expect(author).toEqual({ login: 'octocat', source: 'authenticated-user' });
  });

  test('an installation token without the ghs_ prefix: GET /user answers 403, github-actions[bot] is assumed', async () => {
    const token = 'v1.installation-token-without-prefix';
    emulator.addToken(token, { login: GITHUB_ACTIONS_BOT, kind: 'installation', permission: 'write' });
    const author = await resolveCommentAuthor(octokit(token), { token, retry });
    expect(author).toEqual({ login: GITHUB_ACTIONS_BOT, source: 'default' });
    expect(emulator.count('get user')).toBe(1);
  });

  test('the comment-author input wins', async () => {
    expect(
      await resolveCommentAuthor(octokit(), { token: GITHUB_TOKENS.write, override: 'my-app[bot]' }),
    ).toEqual({
      login: 'my-app[bot]',
      source: 'input',
    });
  });

  test('a bad token is an error, not a silent fallback', async () => {
    await expect(resolveCommentAuthor(octokit('ghp_wrong'), { token: 'ghp_wrong', retry })).rejects.toThrow(
      'GitHub GET /user failed: 401 Bad credentials',
    );
  });
});

describe('merged pull request', () => {
  test('the merged pull request whose merge commit is the SHA', async () => {
    const merge = 'c'.repeat(40);
    emulator.addPullRequest(OWNER, REPO, {
      number: 300,
      headSha: 'd'.repeat(40),
      state: 'closed',
      merged: true,
      mergeCommitSha: 'e'.repeat(40),
    });
    emulator.addPullRequest(OWNER, REPO, {
      number: 301,
      headSha: 'f'.repeat(40),
      state: 'closed',
      merged: true,
      mergeCommitSha: merge,
    });
    emulator.addPullRequest(OWNER, REPO, { number: 302, headSha: '9'.repeat(40) });
    emulator.associateCommit(OWNER, REPO, merge, [302, 300, 301]);
    expect(await findMergedPullRequest(octokit(), { owner: OWNER, repo: REPO }, merge, retry)).toMatchObject({
      number: 301,
      headSha: 'f'.repeat(40),
      mergeCommitSha: merge,
    });
  });

  test('a pull request GitHub links late (#20) is found after bounded, logged waits', async () => {
    const merge = '6'.repeat(40);
    emulator.addPullRequest(OWNER, REPO, {
      number: 310,
      headSha: '5'.repeat(40),
      state: 'closed',
      merged: true,
      mergeCommitSha: merge,
    });
    emulator.delayPullLinks(3);
    const waits: number[] = [];
    const log: string[] = [];
    const found = await findMergedPullRequest(
      octokit(),
      { owner: OWNER, repo: REPO },
      merge,
      { sleep: async (ms) => void waits.push(ms) },
      { log: (m) => log.push(m) },
    );
    expect(found).toMatchObject({ number: 310, mergeCommitSha: merge });
    expect(waits).toEqual([2000, 4000, 8000]);
    expect(log[0]).toBe(
      `GitHub lists no pull request for commit ${merge} yet (the link can lag a merge); asking again in 2.0 s (attempt 2 of 5).`,
    );
    expect(log).toHaveLength(3);
  });

  test('a commit no pull request ever contains: undefined after 5 attempts over 30 s, said in the log', async () => {
    const direct = '3'.repeat(40);
    emulator.associateCommit(OWNER, REPO, direct, []);
    const waits: number[] = [];
    const log: string[] = [];
    const before = emulator.count('list pulls for commit');
    const found = await findMergedPullRequest(
      octokit(),
      { owner: OWNER, repo: REPO },
      direct,
      { sleep: async (ms) => void waits.push(ms) },
      { log: (m) => log.push(m) },
    );
    expect(found).toBeUndefined();
    expect(waits).toEqual([2000, 4000, 8000, 16000]);
    expect(emulator.count('list pulls for commit') - before).toBe(5);
    expect(log.at(-1)).toBe(`GitHub still lists no pull request for commit ${direct} after 30 s.`);
  });

  test('WIB_PULL_REQUEST_WAIT scales the waits to its total, 0 asks once, anything else is refused', () => {
    expect(pullLinkDelays({})).toEqual([2000, 4000, 8000, 16000]);
    expect(pullLinkDelays({ WIB_PULL_REQUEST_WAIT: '2m' })).toEqual([8000, 16000, 32000, 64000]);
    expect(pullLinkDelays({ WIB_PULL_REQUEST_WAIT: '0' })).toEqual([]);
    expect(() => pullLinkDelays({ WIB_PULL_REQUEST_WAIT: 'soon' })).toThrow(
      'WIB_PULL_REQUEST_WAIT="soon" is not a duration: write 0, or 1s to 6h such as 10s or 2m.',
    );
  });

  test('a secondary rate limit without retry-after is waited out for a minute', async () => {
    const merge = '2'.repeat(40);
    emulator.addPullRequest(OWNER, REPO, {
      number: 311,
      headSha: '1'.repeat(40),
      state: 'closed',
      merged: true,
      mergeCommitSha: merge,
    });
    emulator.secondaryRateLimit({ next: 1, retryAfterSeconds: null });
    const waits: number[] = [];
    const found = await findMergedPullRequest(octokit(), { owner: OWNER, repo: REPO }, merge, {
      sleep: async (ms) => void waits.push(ms),
    });
    emulator.secondaryRateLimit({ retryAfterSeconds: 1 });
    expect(found?.number).toBe(311);
    expect(waits).toEqual([60_000]);
  });

  test('no merged pull request: undefined; an unknown commit: an error naming the call', async () => {
    const sha = '8'.repeat(40);
    emulator.addPullRequest(OWNER, REPO, { number: 303, headSha: sha });
    expect(await findMergedPullRequest(octokit(), { owner: OWNER, repo: REPO }, sha, retry)).toBeUndefined();
    await expect(
      findMergedPullRequest(octokit(), { owner: OWNER, repo: REPO }, '7'.repeat(40), retry),
    ).rejects.toThrow(`GitHub GET /repos/${OWNER}/${REPO}/commits/${'7'.repeat(40)}/pulls failed: 422`);
  });
});

describe('retry policy', () => {
  const error = (status: number, message: string, headers: Record<string, string> = {}) =>
    new GitHubApiError('GET /x', status, message, headers);

  test('secondary limits wait as asked; primary exhaustion and plain 403 do not retry', () => {
    expect(
      retryDelay(error(403, 'You have exceeded a secondary rate limit.', { 'retry-after': '5' }), 1, true),
    ).toBe(5000);
    expect(retryDelay(error(403, 'You have exceeded a secondary rate limit.'), 1, true)).toBe(60_000);
    expect(retryDelay(error(429, 'Too many', { 'retry-after': '2' }), 1, false)).toBe(2000);
    expect(
      retryDelay(
        error(403, 'API rate limit exceeded', { 'x-ratelimit-remaining': '0', 'retry-after': '3600' }),
        1,
        true,
      ),
    ).toBeUndefined();
    expect(retryDelay(error(403, 'Resource not accessible by integration'), 1, true)).toBeUndefined();
  });

  test('5xx is retried only for calls that are safe to repeat', () => {
    expect(retryDelay(error(502, 'Server Error'), 2, true)).toBe(2000);
    expect(retryDelay(error(502, 'Server Error'), 1, false)).toBeUndefined();
  });

  test('gives up after maxAttempts and on waits longer than maxDelayMs', async () => {
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(
        Object.assign(new Error('x'), {
          status: 502,
          request: { method: 'GET', url: 'http://h/repos/o/r' },
          response: { headers: {}, data: { message: 'Server Error' } },
        }),
      );
    };
    await expect(withGitHubRetry('GET /repos/o/r', failing, { ...retry, maxAttempts: 3 })).rejects.toThrow(
      'GitHub GET /repos/o/r failed: 502 Server Error',
    );
    expect(calls).toBe(3);
    calls = 0;
    const slow = () => {
      calls++;
      return Promise.reject(
        Object.assign(new Error('x'), { status: 429, response: { headers: { 'retry-after': '600' } } }),
      );
    };
    await expect(withGitHubRetry('GET /y', slow, retry)).rejects.toThrow('GitHub GET /y failed: 429');
    expect(calls).toBe(1);
  });
});
