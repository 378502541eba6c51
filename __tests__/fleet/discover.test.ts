// Discovery over a repository of many bindings files: the matrix, the changed-files filter, and the
// cross-file checks (shared owner, shared role in one account) that keep one file's apply from
// deleting another file's roles.
import { runCli } from '../../src/cli/main.js';
import { discoverCommand } from '../../src/commands/discover.js';
import { discoverRepository } from '../../src/engine/discover.js';
import { captureIo } from '../cli/io.js';
import { ACCOUNTS, bindingsYaml, fleetRepo, FixtureRepo, TEAMS } from './fixture-repo.js';

const PLAN = 'arn:aws:iam::{accountId}:role/workload-identity-plan';
const APPLY = 'arn:aws:iam::{accountId}:role/workload-identity-apply';
const all = ['**/workload-identity.yaml'];

let repo: FixtureRepo;
beforeEach(() => {
  repo = fleetRepo();
});
afterEach(() => repo.dispose());

const discover = (extra: Partial<Parameters<typeof discoverRepository>[0]> = {}) =>
  discoverRepository({
    root: repo.root,
    patterns: all,
    planRoleTemplate: PLAN,
    applyRoleTemplate: APPLY,
    ...extra,
  });

test('30 files over 6 accounts become 30 matrix entries, each with its own account roles', async () => {
  const found = await discover();
  expect(found.diagnostics).toEqual([]);
  expect(found.problems).toEqual([]);
  expect(found.entries).toHaveLength(30);
  expect(found.files).toHaveLength(30); // node_modules/ is ignored by git, docs/*.md is no match
  expect(found.entries.map((e) => e.path)).toEqual([...found.entries.map((e) => e.path)].sort());
  const first = found.entries[0];
  expect(first).toEqual({
    path: `accounts/${ACCOUNTS[0]}/teams/checkout/workload-identity.yaml`,
    owner: `acme/checkout-${ACCOUNTS[0]}`,
    accountId: ACCOUNTS[0],
    planRoleArn: `arn:aws:iam::${ACCOUNTS[0]}:role/workload-identity-plan`,
    applyRoleArn: `arn:aws:iam::${ACCOUNTS[0]}:role/workload-identity-apply`,
  });
  expect(new Set(found.entries.map((e) => e.accountId))).toEqual(new Set(ACCOUNTS));
});

test('the CLI prints {"include": [...]} for strategy.matrix and exits 0', async () => {
  const io = captureIo();
  const code = await discoverCommand(
    { root: repo.root, patterns: all, planRoleTemplate: PLAN, applyRoleTemplate: APPLY, format: 'json' },
    io,
  );
  expect(io.stderr()).toBe('');
  expect(code).toBe(0);
  const matrix = JSON.parse(io.stdout()) as { include: Array<{ path: string }> };
  expect(matrix.include).toHaveLength(30);
});

test('two files with one owner fail discovery, each naming the other by file:line:col', async () => {
  const a = `accounts/${ACCOUNTS[0]}/teams/payments/workload-identity.yaml`;
  const b = `accounts/${ACCOUNTS[1]}/teams/search/workload-identity.yaml`;
  repo.write(
    b,
    bindingsYaml({ owner: `acme/payments-${ACCOUNTS[0]}`, accountId: ACCOUNTS[1], roles: ['search-api'] }),
  );
  const io = captureIo();
  const code = await discoverCommand(
    { root: repo.root, patterns: all, planRoleTemplate: PLAN, applyRoleTemplate: APPLY, format: 'json' },
    io,
  );
  expect(code).toBe(1);
  expect(io.stdout()).toBe('');
  const err = io.stderr();
  expect(err).toContain(`${a}:2:1: owner "acme/payments-${ACCOUNTS[0]}" is also the owner of ${b}:2:1`);
  expect(err).toContain(`${b}:2:1: owner "acme/payments-${ACCOUNTS[0]}" is also the owner of ${a}:2:1`);
  expect(err).toMatch(/delete each other's roles/);
  expect(err).toMatch(/no matrix written/);
});

test('one role bound by two files in one account fails; the same name in another account does not', async () => {
  const a = `accounts/${ACCOUNTS[2]}/teams/ledger/workload-identity.yaml`;
  const extra = `accounts/${ACCOUNTS[2]}/extra/workload-identity.yaml`;
  // Same account, same role name in another case: IAM role names are unique regardless of case.
  repo.write(
    extra,
    bindingsYaml({ owner: 'acme/extra', accountId: ACCOUNTS[2], roles: ['Ledger-Worker', 'extra-only'] }),
  );
  const found = await discover();
  const messages = found.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`);
  expect(messages).toEqual([
    `${extra}:10:5: role "Ledger-Worker" is also bound in ${a}:13:5 for the same AWS account ${ACCOUNTS[2]}: bind each role in one file only`,
    `${a}:13:5: role "ledger-worker" is also bound in ${extra}:10:5 for the same AWS account ${ACCOUNTS[2]}: bind each role in one file only`,
  ]);
});

test('a file without aws.accountId may be in any account: a shared role name is a problem', async () => {
  repo.write('loose/workload-identity.yaml', bindingsYaml({ owner: 'acme/loose', roles: ['payments-api'] }));
  const found = await discover({ planRoleTemplate: '', applyRoleTemplate: '' });
  expect(found.diagnostics.length).toBeGreaterThan(0);
  expect(found.diagnostics[0].message).toMatch(/account of one of the files is unknown: set aws\.accountId/);
});

test('a template with {accountId} needs the file to say its account', async () => {
  repo.write('loose/workload-identity.yaml', bindingsYaml({ owner: 'acme/loose', roles: ['loose-only'] }));
  const found = await discover();
  expect(found.diagnostics).toEqual([
    expect.objectContaining({
      file: 'loose/workload-identity.yaml',
      line: 2,
      col: 1,
      message: expect.stringMatching(/needs the file's account: set aws\.accountId/),
    }),
  ]);
});

test("a file's own aws.planRoleArn / applyRoleArn win over the workflow's template", async () => {
  const path = `accounts/${ACCOUNTS[3]}/teams/search/workload-identity.yaml`;
  repo.write(
    path,
    bindingsYaml({
      owner: `acme/search-${ACCOUNTS[3]}`,
      accountId: ACCOUNTS[3],
      roles: ['search-api'],
      extraAws: `  planRoleArn: arn:aws:iam::${ACCOUNTS[3]}:role/ci/search-plan\n  applyRoleArn: arn:aws:iam::${ACCOUNTS[3]}:role/ci/search-apply`,
    }),
  );
  const found = await discover();
  expect(found.diagnostics).toEqual([]);
  expect(found.entries.find((e) => e.path === path)).toMatchObject({
    planRoleArn: `arn:aws:iam::${ACCOUNTS[3]}:role/ci/search-plan`,
    applyRoleArn: `arn:aws:iam::${ACCOUNTS[3]}:role/ci/search-apply`,
  });
});

test('a role in another account than aws.accountId is refused', async () => {
  const path = `accounts/${ACCOUNTS[3]}/teams/search/workload-identity.yaml`;
  repo.write(
    path,
    bindingsYaml({
      owner: `acme/search-${ACCOUNTS[3]}`,
      accountId: ACCOUNTS[3],
      roles: ['search-api'],
      extraAws: `  planRoleArn: arn:aws:iam::${ACCOUNTS[4]}:role/plan`,
    }),
  );
  const found = await discover();
  expect(found.diagnostics.map((d) => d.message)).toEqual([
    expect.stringContaining(`is in account ${ACCOUNTS[4]}, but aws.accountId is ${ACCOUNTS[3]}`),
  ]);
});

test('--changed-from keeps only changed files (and those under a changed guardrails file) in the matrix', async () => {
  const base = repo.git('rev-parse', 'HEAD').trim();
  const changed = `accounts/${ACCOUNTS[0]}/teams/search/workload-identity.yaml`;
  repo.write(
    changed,
    bindingsYaml({ owner: `acme/search-${ACCOUNTS[0]}`, accountId: ACCOUNTS[0], roles: ['search-api'] }),
  );
  repo.write(
    'new-team/workload-identity.yaml',
    bindingsYaml({ owner: 'acme/new', accountId: ACCOUNTS[5], roles: ['new-api'] }),
  );
  repo.write('README.md', 'unrelated\n');
  repo.commit();
  let found = await discover({ changedFrom: base });
  expect(found.problems).toEqual([]);
  expect(found.entries.map((e) => e.path)).toEqual([changed, 'new-team/workload-identity.yaml']);
  expect(found.files).toHaveLength(31);

  const mid = repo.git('rev-parse', 'HEAD').trim();
  repo.write(`accounts/${ACCOUNTS[1]}/workload-identity.guardrails.yaml`, 'version: 1\n').commit();
  found = await discover({ changedFrom: mid });
  expect(found.entries.map((e) => e.path)).toEqual(
    TEAMS.map((t) => `accounts/${ACCOUNTS[1]}/teams/${t}/workload-identity.yaml`).sort(),
  );
});

test('a pull request that touches no bindings file gives an empty matrix, not an error', async () => {
  const base = repo.git('rev-parse', 'HEAD').trim();
  repo.write('README.md', 'docs only\n').commit();
  const io = captureIo();
  const code = await discoverCommand(
    {
      root: repo.root,
      patterns: all,
      changedFrom: base,
      planRoleTemplate: PLAN,
      applyRoleTemplate: APPLY,
      format: 'json',
    },
    io,
  );
  expect(io.stderr()).toBe('');
  expect(code).toBe(0);
  expect(io.stdout()).toBe('{"include":[]}\n');
});

test('a deleted bindings file stops discovery: its roles would be orphaned', async () => {
  const base = repo.git('rev-parse', 'HEAD').trim();
  const gone = `accounts/${ACCOUNTS[4]}/teams/identity/workload-identity.yaml`;
  repo.remove(gone).commit();
  const found = await discover({ changedFrom: base });
  expect(found.problems).toEqual([expect.stringContaining(`${gone} was deleted since ${base}`)]);
  expect(found.problems[0]).toMatch(/bindings: \[\]/);
});

test('an unknown ref says to fetch the history', async () => {
  await expect(discover({ changedFrom: 'deadbeef' })).rejects.toThrow(/fetch-depth: 0/);
});

test('an invalid file fails discovery with its positioned problems', async () => {
  repo.write('bad/workload-identity.yaml', 'version: 1\nowner: acme/bad\nclusters: {}\nbindings: []\n');
  const found = await discover();
  expect(found.diagnostics[0]).toMatchObject({ file: 'bad/workload-identity.yaml', severity: 'error' });
});

test('a bad role template is one clear problem', async () => {
  const found = await discover({ planRoleTemplate: 'arn:aws:iam::{account}:role/plan' });
  expect(found.problems).toEqual([expect.stringContaining('the only placeholder is {accountId}')]);
  const io = captureIo();
  expect(await runCli(['discover', '--format', 'yaml'], io)).toBe(1);
  expect(io.stderr()).toMatch(/--format must be one of json, text/);
});
