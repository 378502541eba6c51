// The action's GitHub client is built from @octokit/core and its plugins, no longer through
// @actions/github (whose import evaluates a proxy agent and the npm undici): it must be configured
// as getOctokit configured it — auth, base URL, user agent, REST methods, pagination — and it talks
// to the GitHub emulator.
import { getOctokit } from '@actions/github';
import { GITHUB_TOKENS, GitHubEmulator } from '../../sandbox/github/emulator.js';
import { createGitHubClient, orchestrationUserAgent } from '../../src/github/client.js';

const emulator = new GitHubEmulator();
let url = '';

beforeAll(async () => {
  url = await emulator.start();
  emulator.addRepo('acme', 'infra', { private: true, defaultBranch: 'main' });
  emulator.addPullRequest('acme', 'infra', { number: 7, headSha: 'a'.repeat(40) });
});
afterAll(() => emulator.stop());

const saved = { ...process.env };
afterEach(() => {
  for (const name of ['ACTIONS_ORCHESTRATION_ID', 'GITHUB_API_URL']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

/** What a client sends: its endpoint defaults and its auth. */
async function configuration(client: ReturnType<typeof getOctokit>) {
  const { baseUrl, headers } = client.request.endpoint.DEFAULTS;
  return { baseUrl, userAgent: headers['user-agent'], auth: await client.auth() };
}

test.each([
  ['no orchestration id, GITHUB_API_URL unset', {}, undefined],
  ['an orchestration id with characters to replace', { ACTIONS_ORCHESTRATION_ID: ' run 42/a:b ' }, undefined],
  ['GITHUB_API_URL (Enterprise Server)', { GITHUB_API_URL: 'https://ghe.example.com/api/v3' }, undefined],
  ['an explicit base URL', {}, 'http://127.0.0.1:9/api'],
])('configured as getOctokit configures it: %s', async (_name, vars: Record<string, string>, baseUrl) => {
  delete process.env.ACTIONS_ORCHESTRATION_ID;
  delete process.env.GITHUB_API_URL;
  Object.assign(process.env, vars);
  const ours = await configuration(createGitHubClient('ghs_token', baseUrl));
  // getOctokit reads GITHUB_API_URL when its module loads, so its default is given explicitly here.
  const expectedBase = baseUrl ?? (vars.GITHUB_API_URL || 'https://api.github.com');
  const theirs = await configuration(getOctokit('ghs_token', { baseUrl: expectedBase }));
  expect(ours).toEqual(theirs);
  expect(ours.baseUrl).toBe(expectedBase);
  if (vars.ACTIONS_ORCHESTRATION_ID) expect(ours.userAgent).toContain('actions_orchestration_id/run_42_a_b');
});

test('orchestration id in the user agent: trimmed, other characters as _, none when blank', () => {
  expect(orchestrationUserAgent(undefined)).toBeUndefined();
  expect(orchestrationUserAgent('  ')).toBeUndefined();
  expect(orchestrationUserAgent('a.b-c_D/é')).toBe('actions_orchestration_id/a.b-c_D__');
});

test('REST methods and pagination against the emulator, authenticated by the token', async () => {
  const client = createGitHubClient(GITHUB_TOKENS.write, url);
  await client.rest.issues.createComment({ owner: 'acme', repo: 'infra', issue_number: 7, body: 'one' });
  await client.rest.issues.createComment({ owner: 'acme', repo: 'infra', issue_number: 7, body: 'two' });
  const all = await client.paginate(client.rest.issues.listComments, {
    owner: 'acme',
    repo: 'infra',
    issue_number: 7,
    per_page: 1,
  });
  expect(all.map((c) => c.body)).toEqual(['one', 'two']);
  await expect(
    createGitHubClient('ghs_nope', url).rest.issues.listComments({
      owner: 'acme',
      repo: 'infra',
      issue_number: 7,
    }),
  ).rejects.toMatchObject({ status: 401 });
});
