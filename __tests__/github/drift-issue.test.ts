// The drift issue (one per bindings file, sticky by marker and author) and the GitHub emulator's
// issues endpoints it uses, through the real Octokit from @actions/github.
import { getOctokit } from '@actions/github';
import { GITHUB_TOKENS, GitHubEmulator } from '../../sandbox/github/emulator.js';
import { GITHUB_ACTIONS_BOT } from '../../src/github/author.js';
import { driftIssueBody, findDriftIssue, syncDriftIssue } from '../../src/github/drift-issue.js';
import { DRIFT_MARKER, parseMarker } from '../../src/github/marker.js';

const emulator = new GitHubEmulator({ now: () => new Date('2026-11-30T04:17:00Z') });
const OWNER = 'acme';
let repoCount = 0;
let REPO = '';
let url = '';
const octokit = (token: string = GITHUB_TOKENS.write) => getOctokit(token, { baseUrl: url });
const target = (file = 'accounts/prod/workload-identity.yaml') => ({
  owner: OWNER,
  repo: REPO,
  file,
  author: GITHUB_ACTIONS_BOT,
});
const retry = { sleep: async () => undefined };

beforeAll(async () => {
  url = await emulator.start();
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  REPO = `infra-${++repoCount}`;
  emulator.addRepo(OWNER, REPO);
});

describe('GitHub emulator: issues', () => {
  test('create, list (open/closed/all, with pull requests), get, update and close', async () => {
    emulator.addPullRequest(OWNER, REPO, { number: 1, headSha: 'a'.repeat(40) });
    const gh = octokit();
    const created = await gh.rest.issues.create({ owner: OWNER, repo: REPO, title: 'Drift', body: 'x' });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ number: 2, state: 'open', title: 'Drift', body: 'x' });
    expect(created.data.user?.login).toBe('github-actions[bot]');

    const open = await gh.rest.issues.listForRepo({ owner: OWNER, repo: REPO });
    expect(open.data.map((i) => [i.number, !!i.pull_request])).toEqual([
      [2, false],
      [1, true],
    ]);
    const closed = await gh.rest.issues.update({
      owner: OWNER,
      repo: REPO,
      issue_number: 2,
      state: 'closed',
      state_reason: 'completed',
    });
    expect(closed.data).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect((await gh.rest.issues.listForRepo({ owner: OWNER, repo: REPO })).data).toHaveLength(1);
    expect((await gh.rest.issues.listForRepo({ owner: OWNER, repo: REPO, state: 'all' })).data).toHaveLength(
      2,
    );
    expect((await gh.rest.issues.get({ owner: OWNER, repo: REPO, issue_number: 2 })).data.state).toBe(
      'closed',
    );
  });

  test('answers like GitHub: 422 without a title, 403 for a read-only token, 404 for a pull request update', async () => {
    const gh = octokit();
    await expect(gh.rest.issues.create({ owner: OWNER, repo: REPO, title: '' })).rejects.toMatchObject({
      status: 422,
    });
    await expect(
      octokit(GITHUB_TOKENS.forkRead).rest.issues.create({ owner: OWNER, repo: REPO, title: 't' }),
    ).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('Resource not accessible by integration'),
    });
    emulator.addPullRequest(OWNER, REPO, { number: 7, headSha: 'b'.repeat(40) });
    await expect(
      gh.rest.issues.update({ owner: OWNER, repo: REPO, issue_number: 7, body: 'x' }),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  test('pages with a Link header that Octokit follows', async () => {
    const gh = octokit();
    for (let i = 0; i < 130; i++)
      emulator.state.createIssue(OWNER, REPO, { title: `i${i}`, user: 'octocat' });
    const all = await gh.paginate(gh.rest.issues.listForRepo, { owner: OWNER, repo: REPO, per_page: 100 });
    expect(all).toHaveLength(130);
  });
});

describe('drift issue', () => {
  test('opened on drift, left alone when unchanged, updated when the drift changes, closed with a comment when gone', async () => {
    const gh = octokit();
    const first = await syncDriftIssue(gh, target(), { markdown: '## Drift\n- 1 to change' }, retry);
    expect(first).toMatchObject({ action: 'created' });
    const number = (first as { number: number }).number;
    const stored = emulator.state.issue(OWNER, REPO, number)!;
    expect(stored.title).toBe('Drift: IAM or Kubernetes differ from accounts/prod/workload-identity.yaml');
    expect(parseMarker(stored.body, DRIFT_MARKER)).toMatchObject({
      file: 'accounts/prod/workload-identity.yaml',
    });

    expect(await syncDriftIssue(gh, target(), { markdown: '## Drift\n- 1 to change' }, retry)).toMatchObject({
      action: 'unchanged',
      number,
    });
    expect(await syncDriftIssue(gh, target(), { markdown: '## Drift\n- 2 to change' }, retry)).toMatchObject({
      action: 'updated',
      number,
    });
    expect(emulator.state.issue(OWNER, REPO, number)!.body).toContain('2 to change');

    expect(await syncDriftIssue(gh, target(), { closingComment: 'No drift any more.' }, retry)).toMatchObject(
      {
        action: 'closed',
        number,
      },
    );
    expect(emulator.state.issue(OWNER, REPO, number)).toMatchObject({
      state: 'closed',
      stateReason: 'completed',
    });
    expect(emulator.comments(OWNER, REPO, number).map((c) => c.body)).toEqual(['No drift any more.']);
    // Nothing open any more: a clean run does nothing; a new drift opens a new issue.
    expect(await syncDriftIssue(gh, target(), { closingComment: 'again' }, retry)).toEqual({
      action: 'none',
    });
    expect(await syncDriftIssue(gh, target(), { markdown: 'drift again' }, retry)).toMatchObject({
      action: 'created',
    });
  });

  test('one issue per file; look-alikes by someone else and pull requests are never touched', async () => {
    const gh = octokit();
    const prod = target('accounts/prod/workload-identity.yaml');
    const dev = target('accounts/dev/workload-identity.yaml');
    // A human copies our marker into their own issue, and into a pull request.
    const fake = emulator.state.createIssue(OWNER, REPO, {
      title: 'fake',
      body: driftIssueBody(prod.file, 'copied'),
      user: 'octocat',
    });
    emulator.addPullRequest(OWNER, REPO, { number: 900, headSha: 'c'.repeat(40) });
    emulator.state.issue(OWNER, REPO, 900)!.body = driftIssueBody(prod.file, 'in a PR');
    expect(await findDriftIssue(gh, prod, retry)).toBeUndefined();

    const a = await syncDriftIssue(gh, prod, { markdown: 'prod drift' }, retry);
    const b = await syncDriftIssue(gh, dev, { markdown: 'dev drift' }, retry);
    expect(a).toMatchObject({ action: 'created' });
    expect(b).toMatchObject({ action: 'created' });
    expect((a as { number: number }).number).not.toBe((b as { number: number }).number);

    await syncDriftIssue(gh, prod, { closingComment: 'prod clean' }, retry);
    expect(emulator.state.issue(OWNER, REPO, (b as { number: number }).number)?.state).toBe('open');
    expect(emulator.state.issue(OWNER, REPO, fake.number)).toMatchObject({
      state: 'open',
      body: expect.stringContaining('copied'),
    });
    expect(emulator.comments(OWNER, REPO, fake.number)).toEqual([]);
  });
});
