// Control Plane clusters end to end through the real CLI: no kubeconfig and no kubernetes.context —
// the issuer comes from GET /org/{org}/mk8s/{cluster}, and ServiceAccounts reach each cluster's
// https API (a Kubernetes emulator that only accepts the Control Plane token) through
// status.serverUrl, trusting only the CA from /-cacerts. Also: one lookup per cluster per run, all
// lookups in flight together, the token never printed, and `kubernetes: false` meaning IAM only.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/main.js';
import { startControlPlaneCluster } from '../../sandbox/controlplane/cluster.js';
import { ControlPlaneEmulator } from '../../sandbox/controlplane/emulator.js';
import { IamEmulator } from '../../sandbox/iam/emulator.js';
import type { KubeEmulator } from '../../sandbox/kube/emulator.js';
import { captureIo } from '../cli/io.js';
import { setProcessEnv } from '../safety/harness.js';

const TOKEN = 'cpln-key-PLANAPPLY-3e9a7c5b1d2f4a6c';
const OTHER_TOKEN = 'cpln-key-NOTTHECLUSTERS-8b1d3f5a7c9e';
const ORG = 'acme';
const ACCOUNT = '123456789012';
const ROLE_PATH = '/workload-identity/';
const ISSUERS = {
  prod: 'https://oidc.cpln.io/acme/prod-4f1c',
  stage: 'https://oidc.cpln.io/acme/stage-9b2e',
  edge: 'https://oidc.cpln.io/acme/edge-77aa',
  badca: 'https://oidc.cpln.io/acme/badca-0c0c',
  badtoken: 'https://oidc.cpln.io/acme/badtoken-1d1d',
};
/** A real CA certificate that did not sign the emulators' server certificate. */
const UNRELATED_CA = `-----BEGIN CERTIFICATE-----
MIIB1TCCAXugAwIBAgIUXoqnLBYtdLp01IzAzpGUmFfN20owCgYIKoZIzj0EAwIw
NzE1MDMGA1UEAwwsd29ya2xvYWQtaWRlbnRpdHktYmluZGluZ3MgdW5yZWxhdGVk
IHRlc3QgQ0EwIBcNMjYxMTI2MDY1NjAxWhgPMjEyNjExMDIwNjU2MDFaMDcxNTAz
BgNVBAMMLHdvcmtsb2FkLWlkZW50aXR5LWJpbmRpbmdzIHVucmVsYXRlZCB0ZXN0
IENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEMNDY00p8cVSK9vKaYw7AE70/
zd/FF6VF6WzDdR7Vbkc98K2IsBYF6IwR1InmBAHBxrU7ggW5+akyNEUJVcauAqNj
MGEwHQYDVR0OBBYEFD0WLESesReiiq3X9l2MK/k5K/mwMB8GA1UdIwQYMBaAFD0W
LESesReiiq3X9l2MK/k5K/mwMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQD
AgEGMAoGCCqGSM49BAMCA0gAMEUCIQCiG05f6hhw0e0mqeYa8z0eFEESey6joTMu
KaURqWXuaQIgRnFOWZgnzdyadh+Tjfqt1BagzuTVvS4/Wf722MzYZV4=
-----END CERTIFICATE-----
`;

const iam = new IamEmulator();
const cp = new ControlPlaneEmulator({ tokens: { [TOKEN]: [ORG] } });
const kube = new Map<keyof typeof ISSUERS, KubeEmulator>();
let dir = '';
let env: Record<string, string> = {};
let restoreEnv = (): void => undefined;
/** Everything the CLI printed or wrote, searched for the token at the end. */
const outputs: string[] = [];

beforeAll(async () => {
  await Promise.all([iam.start(), cp.start()]);
  const namespaces = ['default', 'kube-system', 'apps'];
  for (const name of Object.keys(ISSUERS) as Array<keyof typeof ISSUERS>) {
    const { kube: cluster } = await startControlPlaneCluster(cp, {
      org: ORG,
      name,
      oidcProviderUrl: ISSUERS[name],
      kubeToken: name === 'badtoken' ? OTHER_TOKEN : TOKEN,
      caPem: name === 'badca' ? UNRELATED_CA : undefined,
      namespaces,
    });
    kube.set(name, cluster);
  }
  dir = mkdtempSync(join(tmpdir(), 'wib-cp-plan-apply-'));
  env = {
    AWS_ENDPOINT_URL_IAM: iam.url,
    AWS_ENDPOINT_URL_STS: iam.url,
    AWS_ACCESS_KEY_ID: 'AKIACONTROLPLANETEST1',
    AWS_SECRET_ACCESS_KEY: 'control-plane-test-secret',
    AWS_REGION: 'us-east-1',
    // No kubeconfig anywhere: a Control Plane cluster must not need one.
    KUBECONFIG: join(dir, 'no-such-kubeconfig'),
    CPLN_ENDPOINT: cp.url,
    CPLN_TOKEN: TOKEN,
  };
  restoreEnv = setProcessEnv(env);
});

afterAll(async () => {
  restoreEnv();
  await Promise.all([iam.server.stop(), cp.stop(), ...[...kube.values()].map((k) => k.stop())]);
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  cp.resetCounters();
  iam.server.resetCounters();
  for (const k of kube.values()) k.resetCounters();
});

function bindingsFile(name: string, doc: object): string {
  const path = join(dir, name);
  writeFileSync(path, stringify({ version: 1, owner: 'acme/platform-iam', ...doc }));
  return path;
}

/** prod and stage: IAM and ServiceAccounts; edge: IAM only. No kubernetes.context anywhere. */
const mainFile = (): string =>
  bindingsFile('workload-identity.yaml', {
    clusters: {
      prod: { controlPlane: { org: ORG, cluster: 'prod' } },
      stage: { controlPlane: { org: ORG, cluster: 'stage' } },
      edge: { controlPlane: { org: ORG, cluster: 'edge' }, kubernetes: false },
    },
    bindings: [
      {
        role: 'orders-writer',
        serviceAccounts: [
          { cluster: 'prod', namespace: 'apps', name: 'orders' },
          { cluster: 'stage', namespace: 'apps', name: 'orders' },
          { cluster: 'edge', namespace: 'apps', name: 'orders' },
        ],
        managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      },
    ],
  });

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(env);
  const code = await runCli(argv, io);
  outputs.push(io.stdout(), io.stderr());
  return { code, out: io.stdout(), err: io.stderr() };
}

function kubeRequests(name: keyof typeof ISSUERS): number {
  const k = kube.get(name)!;
  return k.server.totalCalls() + k.unauthenticatedRequests();
}

/**
 * One cluster, account id given: no STS call, so a run that fails early leaves no AWS request
 * behind (runPlan does not wait for its sibling calls once one fails).
 */
const oneCluster = (name: string): string =>
  bindingsFile(`${name}.yaml`, {
    // Its own owner: a file of the main owner without the main file's clusters would be refused
    // (our roles still trust their issuers: removing a cluster must drain it first).
    owner: `acme/${name}`,
    aws: { accountId: ACCOUNT },
    clusters: { [name]: { controlPlane: { org: ORG, cluster: name } } },
    bindings: [{ role: `${name}-app`, serviceAccounts: [{ cluster: name, namespace: 'apps', name: 'app' }] }],
  });

const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role${ROLE_PATH}orders-writer`;
const hostPath = (issuer: string): string => issuer.replace(/^https:\/\//, '');

interface PlanJson {
  summary: { add: number; change: number; destroy: number };
  warnings: Array<{ code: string }>;
  changes: Array<{ address: string; action: string }>;
}

test('plan shows the OIDC providers, the role and the ServiceAccounts; apply creates them; a second plan has none', async () => {
  const file = mainFile();
  const planPath = join(dir, 'plan.json');
  const plan = await cli(['plan', '--file', file, '--out', planPath]);
  expect(plan).toMatchObject({ code: 0, err: expect.stringContaining(`Saved the plan to ${planPath}`) });
  for (const issuer of Object.values(ISSUERS).slice(0, 3))
    expect(plan.out).toContain(`+ oidc-provider.${hostPath(issuer)}\n`);
  expect(plan.out).toContain('+ role.orders-writer\n');
  expect(plan.out).toContain('+ service-account.prod/apps/orders\n');
  expect(plan.out).toContain('+ service-account.stage/apps/orders\n');
  expect(plan.out).toMatch(new RegExp(`annotations\\.eks\\.amazonaws\\.com/role-arn +\\= "${ROLE_ARN}"`));
  expect(plan.out).not.toContain('service-account.edge/');
  expect(plan.out).toContain('Plan: 6 to add, 0 to change, 0 to destroy.');
  const saved = JSON.parse(readFileSync(planPath, 'utf8')) as PlanJson;
  outputs.push(readFileSync(planPath, 'utf8'));
  expect(saved.changes.map((c) => `${c.action} ${c.address}`).sort()).toEqual(
    [
      ...Object.values(ISSUERS)
        .slice(0, 3)
        .map((issuer) => `create oidc-provider.${hostPath(issuer)}`),
      'create role.orders-writer',
      'create service-account.prod/apps/orders',
      'create service-account.stage/apps/orders',
    ].sort(),
  );
  // The cluster publishes the default template: our trust policy agrees with it.
  expect(saved.warnings.map((w) => w.code)).not.toContain('trust-policy-template-mismatch');

  cp.resetCounters();
  const apply = await cli(['apply', '--auto-approve', '--file', file]);
  expect(apply.code).toBe(0);
  expect(apply.out).toMatch(/6 added, 0 changed, 0 destroyed/);
  // One cluster lookup each, one CA fetch for each cluster whose ServiceAccounts we manage.
  expect(cp.requests.map((r) => `${r.operation} ${r.cluster}`).sort()).toEqual([
    'get mk8s cacerts prod',
    'get mk8s cacerts stage',
    'get mk8s edge',
    'get mk8s prod',
    'get mk8s stage',
  ]);

  for (const name of ['prod', 'stage'] as const) {
    const sa = kube.get(name)!.getServiceAccount('apps', 'orders');
    expect(sa?.metadata.annotations?.['eks.amazonaws.com/role-arn']).toBe(ROLE_ARN);
  }
  const role = iam.getRoleState('orders-writer')!;
  const trust = JSON.stringify(JSON.parse(decodeURIComponent(role.assumeRolePolicyDocument)));
  for (const issuer of Object.values(ISSUERS).slice(0, 3)) {
    expect(iam.getOidcProviderState(issuer)).toBeDefined();
    expect(trust).toContain(`"${hostPath(issuer)}:sub"`);
  }

  const again = await cli(['plan', '--file', file, '--format', 'json']);
  expect(again.code).toBe(0);
  outputs.push(again.out);
  expect((JSON.parse(again.out) as PlanJson).changes).toEqual([]);
  // edge is `kubernetes: false`: its API was never called, nor its CA fetched, in three runs.
  expect(kubeRequests('edge')).toBe(0);
  expect(cp.countFor('get mk8s cacerts', ORG, 'edge')).toBe(0);
});

test('the cluster API was called over https, verified with the -cacerts CA, with the Control Plane token as bearer token', async () => {
  const file = mainFile();
  expect((await cli(['plan', '--file', file])).code).toBe(0);
  for (const name of ['prod', 'stage'] as const) {
    const k = kube.get(name)!;
    expect(k.url).toMatch(/^https:\/\//);
    expect(cp.state.cluster(ORG, name)?.serverUrl).toBe(k.url);
    // The emulator answers 401 to any other token (or none), and is served with a certificate that
    // only the CA from -cacerts (not the system store) verifies.
    expect(k.server.count('list serviceaccounts')).toBe(1);
    expect(k.unauthenticatedRequests()).toBe(0);
  }
});

test('a cluster API that refuses the token: a 401 naming the cluster and the call; nothing applied', async () => {
  const run = await cli(['apply', '--auto-approve', '--file', oneCluster('badtoken')]);
  expect(run.code).toBe(1);
  expect(run.err).toContain(
    `Kubernetes list serviceaccounts on cluster "badtoken" (${kube.get('badtoken')!.url}) failed: 401 Unauthorized`,
  );
  // The hint names where the token came from; no kubeconfig is involved.
  expect(run.err).toContain('the API server refused the token from Control Plane acme/badtoken');
  expect(run.err).not.toContain('kubeconfig');
  // The request reached the API server (TLS verified) and was refused for its token.
  expect(kube.get('badtoken')!.unauthenticatedRequests()).toBeGreaterThan(0);
  expect(kube.get('badtoken')!.server.totalCalls()).toBe(0);
  expect(iam.server.totalCalls({ mutating: true })).toBe(0);
  expect(iam.getRoleState('badtoken-app')).toBeUndefined();
});

test('a -cacerts bundle that did not sign the server certificate: a TLS error naming the cluster and the call; nothing applied', async () => {
  const run = await cli(['apply', '--auto-approve', '--file', oneCluster('badca')]);
  expect(run.code).toBe(1);
  expect(run.err).toMatch(
    /Kubernetes list serviceaccounts on cluster "badca" \(https:\/\/127\.0\.0\.1:\d+\) failed: TLS verification of the API server failed \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/,
  );
  expect(run.err).toContain('certificate-authority data in Control Plane acme/badca');
  expect(run.err).not.toContain('kubeconfig');
  expect(cp.countFor('get mk8s cacerts', ORG, 'badca')).toBe(1);
  expect(kubeRequests('badca')).toBe(0);
  expect(iam.server.totalCalls({ mutating: true })).toBe(0);
  expect(iam.getRoleState('badca-app')).toBeUndefined();
});

test('the Control Plane clusters are looked up together, once each', async () => {
  // Each lookup is held until three are in progress at once: sequential lookups cannot get there.
  cp.holdUntilConcurrent(3);
  const run = await cli(['plan', '--file', mainFile()]);
  expect(run.code).toBe(0);
  expect(cp.maxConcurrentRequests).toBeGreaterThanOrEqual(3);
  for (const name of ['prod', 'stage', 'edge']) expect(cp.countFor('get mk8s', ORG, name)).toBe(1);
});

test('one Control Plane cluster under two keys: one lookup and one CA fetch', async () => {
  const file = bindingsFile('two-keys.yaml', {
    owner: 'acme/blue-green',
    clusters: {
      blue: { controlPlane: { org: ORG, cluster: 'prod' } },
      green: { controlPlane: { org: ORG, cluster: 'prod' } },
    },
    bindings: [
      {
        role: 'blue-green',
        serviceAccounts: [
          { cluster: 'blue', namespace: 'apps', name: 'blue' },
          { cluster: 'green', namespace: 'apps', name: 'green' },
        ],
      },
    ],
  });
  const run = await cli(['plan', '--file', file]);
  expect(run.code).toBe(0);
  expect(cp.countFor('get mk8s', ORG, 'prod')).toBe(1);
  expect(cp.countFor('get mk8s cacerts', ORG, 'prod')).toBe(1);
});

describe('CPLN_TOKEN as people paste it', () => {
  afterEach(() => {
    env.CPLN_TOKEN = TOKEN;
  });

  test.each([
    ['with a Bearer prefix', `Bearer ${TOKEN}`],
    ['with a trailing newline', `${TOKEN}\n`],
    ['with spaces around a Bearer prefix', `  Bearer ${TOKEN}\n`],
  ])('%s works for Control Plane and the cluster API alike', async (_label, token) => {
    env.CPLN_TOKEN = token;
    const run = await cli(['plan', '--file', oneCluster('prod')]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(kube.get('prod')!.unauthenticatedRequests()).toBe(0);
  });

  test('blank: says to set it, without calling Control Plane', async () => {
    env.CPLN_TOKEN = '  \n';
    const run = await cli(['plan', '--file', oneCluster('prod')]);
    expect(run.code).toBe(1);
    expect(run.err).toContain('no Control Plane token was given: set the cpln-token input or the CPLN_TOKEN');
    expect(cp.totalCalls()).toBe(0);
  });
});

test('the token appears in nothing the CLI printed or saved', () => {
  // Successful plans and applies, saved and printed JSON plans, and the failures are all here.
  for (const seen of [
    'Apply complete',
    '"planId"',
    '401 Unauthorized',
    'TLS verification',
    'no Control Plane token',
  ])
    expect(outputs.some((text) => text.includes(seen))).toBe(true);
  const forms = [
    TOKEN,
    TOKEN.slice(0, 12),
    TOKEN.slice(-12),
    Buffer.from(TOKEN).toString('base64').slice(0, 16),
  ];
  for (const text of outputs) for (const form of forms) expect(text).not.toContain(form);
});
