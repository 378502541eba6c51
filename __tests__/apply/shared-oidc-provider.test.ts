// An OIDC provider belongs to the account, not to one bindings file: owner A creates it for an
// issuer, owner B's role trusts the same issuer. When A's file drops the issuer, A's plan must keep
// the provider (B's role would trust a provider that no longer exists) and say why, naming B's role;
// once no role outside A's file trusts it any more, A's next plan deletes it. Through the real CLI
// against the IAM emulator.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../cli/io.js';
import { setProcessEnv, startSafetySandbox, type SafetySandbox } from '../safety/harness.js';

const SHARED = 'https://oidc.shared.example.com/id/SHARED';
const OTHER = 'https://oidc.other.example.com/id/OTHER';

function file(owner: string, clusters: Record<string, string>, bindings: Array<[string, string]>): string {
  return stringify({
    version: 1,
    owner,
    aws: { accountId: '123456789012' },
    clusters: Object.fromEntries(
      Object.entries(clusters).map(([key, issuer]) => [key, { issuer, kubernetes: false }]),
    ),
    bindings: bindings.map(([role, cluster]) => ({
      role,
      serviceAccounts: [{ cluster, namespace: 'default', name: role }],
      managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    })),
  });
}

let sandbox: SafetySandbox;
let restoreEnv: () => void;

beforeAll(async () => {
  sandbox = await startSafetySandbox();
  restoreEnv = setProcessEnv(sandbox.env);
});

afterAll(async () => {
  restoreEnv();
  await sandbox.stop();
});

interface PlanJson {
  changes: Array<{ action: string; address: string }>;
  warnings: Array<{ code: string; message: string }>;
}

const SHARED_ADDRESS = 'oidc-provider.oidc.shared.example.com/id/SHARED';

/** Runs plan (as JSON) or apply --auto-approve (whose JSON report lists the plan's changes). */
async function cli(name: string, yaml: string, command: 'plan' | 'apply'): Promise<PlanJson> {
  const path = join(sandbox.dir, name);
  writeFileSync(path, yaml);
  const io = captureIo(sandbox.env);
  const argv =
    command === 'plan'
      ? ['plan', '--file', path, '--format', 'json']
      : ['apply', '--file', path, '--auto-approve', '--format', 'json'];
  const code = await runCli(argv, io);
  expect({ code, err: code === 0 ? '' : io.stderr() }).toEqual({ code: 0, err: '' });
  return JSON.parse(io.stdout()) as PlanJson;
}

const deletesShared = (plan: PlanJson) =>
  plan.changes.some((c) => c.address === SHARED_ADDRESS && /delete|destroy/.test(c.action));
const providerExists = () => sandbox.iam.getOidcProviderState(SHARED) !== undefined;

test("a provider another owner's role still trusts is kept, with the role named; deleted once nobody does", async () => {
  // A creates the provider; B's role trusts the same issuer.
  await cli('a.yaml', file('acme/team-a', { prod: SHARED }, [['a-reader', 'prod']]), 'apply');
  await cli('b.yaml', file('acme/team-b', { prod: SHARED }, [['b-writer', 'prod']]), 'apply');
  expect(providerExists()).toBe(true);

  // A drains its bindings from the cluster first (its roles stop trusting the issuer, so no cluster
  // of A's needs the provider any more): the provider stays...
  const drained = await cli(
    'a.yaml',
    file('acme/team-a', { prod: SHARED, other: OTHER }, [['a-other', 'other']]),
    'apply',
  );
  expect(deletesShared(drained)).toBe(false);
  expect(providerExists()).toBe(true);
  // ...and when A drops the cluster, the plan says which role needs it.
  const dropped = file('acme/team-a', { other: OTHER }, [['a-other', 'other']]);
  const plan = await cli('a.yaml', dropped, 'plan');
  expect(deletesShared(plan)).toBe(false);
  expect(plan.warnings).toContainEqual({
    code: 'oidc-provider-kept',
    address: SHARED_ADDRESS,
    message: expect.stringMatching(
      /oidc\.shared\.example\.com\/id\/SHARED .*kept: 1 role outside this file still trusts it \(b-writer\)/,
    ),
  });
  await cli('a.yaml', dropped, 'apply');
  expect(providerExists()).toBe(true);

  // B leaves too: now A's plan deletes the provider it created.
  await cli('b.yaml', file('acme/team-b', { prod: SHARED, other: OTHER }, [['b-other', 'other']]), 'apply');
  const last = await cli('a.yaml', dropped, 'plan');
  expect(deletesShared(last)).toBe(true);
  expect(last.warnings.filter((w) => w.code === 'oidc-provider-kept')).toEqual([]);
  await cli('a.yaml', dropped, 'apply');
  expect(providerExists()).toBe(false);
});
