// Every change kind through the real pipeline (load → compile → observe → plan) and apply against the
// IAM and Kubernetes emulators; after each apply a fresh plan must have no changes.
import type { Plan } from '../../src/plan/types.js';
import {
  CREATED_ANNOTATION,
  MANAGED_BY_LABEL,
  OWNER_ANNOTATION,
  OWNER_TAG,
  ROLE_ARN_ANNOTATION,
} from '../../src/support/ownership.js';
import { bindingsYaml, noSleep, OWNER, startSandbox, tagsOf, type ApplySandbox } from './sandbox.js';

let sandbox: ApplySandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

const READ_ASSETS = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::assets/*' }],
};
const s3Reader = (over: object = {}) => ({
  role: 's3-reader',
  description: 'Reads the assets bucket',
  serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: 'app' }],
  managedPolicies: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
  inlinePolicies: { 'read-assets': READ_ASSETS },
  ...over,
});

const actions = (plan: Plan) => plan.changes.map((c) => `${c.action} ${c.address}`);

/** Applies the plan, expects every change to succeed, and expects a fresh plan to be empty. */
async function applyAndConverge(yaml: string): Promise<Plan> {
  const plan = await sandbox.plan(yaml);
  const report = await sandbox.apply(plan, { sleep: noSleep });
  expect(report.changes.filter((c) => c.status !== 'ok')).toEqual([]);
  expect(report.ok).toBe(true);
  const again = await sandbox.plan(yaml);
  expect(actions(again)).toEqual([]);
  return plan;
}

const role = (name: string) => sandbox.iamEmulator.getRoleState(name);
const sa = (name: string, namespace = 'default') => sandbox.kubeEmulator.getServiceAccount(namespace, name);

test('create: OIDC provider, role with policies, ServiceAccount', async () => {
  const plan = await applyAndConverge(bindingsYaml([s3Reader()]));
  expect(actions(plan)).toEqual([
    'create oidc-provider.oidc.example.com/id/ABC',
    'create role.s3-reader',
    'create service-account.prod/default/app',
  ]);
  const created = role('s3-reader')!;
  expect(created.path).toBe('/workload-identity/');
  expect(created.attachedPolicyArns).toEqual(['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']);
  expect(JSON.parse(created.inlinePolicies['read-assets'])).toEqual(READ_ASSETS);
  expect(tagsOf(created.tags)[OWNER_TAG]).toBe(OWNER);
  const provider = sandbox.iamEmulator.getOidcProviderState('https://oidc.example.com/id/ABC')!;
  expect(provider.clientIds).toEqual(['sts.amazonaws.com']);
  expect(tagsOf(provider.tags)[OWNER_TAG]).toBe(OWNER);
  const account = sa('app')!;
  expect(account.metadata.annotations).toMatchObject({
    [ROLE_ARN_ANNOTATION]: created.arn,
    [OWNER_ANNOTATION]: OWNER,
    [CREATED_ANNOTATION]: 'true',
  });
  expect(account.metadata.labels?.[MANAGED_BY_LABEL]).toBe('workload-identity-bindings');
});

test('update: every role attribute and the ServiceAccount annotations, then take them back out', async () => {
  const changed = s3Reader({
    description: 'Reads assets and reports',
    maxSessionDuration: 7200,
    permissionsBoundary: 'arn:aws:iam::aws:policy/PowerUserAccess',
    serviceAccounts: [
      { cluster: 'prod', namespace: 'default', name: 'app' },
      { cluster: 'prod', namespace: 'default', name: 'worker' },
    ],
    managedPolicies: ['arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess'],
    inlinePolicies: {
      'read-assets': {
        ...READ_ASSETS,
        Statement: [{ ...READ_ASSETS.Statement[0], Action: ['s3:GetObject', 's3:ListBucket'] }],
      },
      'read-reports': READ_ASSETS,
    },
    tags: { team: 'data' },
    serviceAccountAnnotations: { 'eks.amazonaws.com/token-expiration': '3600' },
  });
  const plan = await applyAndConverge(bindingsYaml([changed]));
  expect(actions(plan)).toEqual([
    'update role.s3-reader',
    'update service-account.prod/default/app',
    'create service-account.prod/default/worker',
  ]);
  let state = role('s3-reader')!;
  expect(state.description).toBe('Reads assets and reports');
  expect(state.maxSessionDuration).toBe(7200);
  expect(state.permissionsBoundary).toBe('arn:aws:iam::aws:policy/PowerUserAccess');
  expect(state.attachedPolicyArns).toEqual(['arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess']);
  expect(Object.keys(state.inlinePolicies).sort()).toEqual(['read-assets', 'read-reports']);
  expect(tagsOf(state.tags)).toEqual({ [OWNER_TAG]: OWNER, team: 'data' });
  expect(state.assumeRolePolicyDocument).toContain('system:serviceaccount:default:worker');
  expect(sa('app')!.metadata.annotations).toMatchObject({
    'eks.amazonaws.com/token-expiration': '3600',
    [CREATED_ANNOTATION]: 'true',
  });

  // Back to the original: boundary, tag, inline policy, annotation and second subject removed.
  await applyAndConverge(
    bindingsYaml([
      s3Reader({
        serviceAccounts: [
          { cluster: 'prod', namespace: 'default', name: 'app' },
          { cluster: 'prod', namespace: 'default', name: 'worker' },
        ],
      }),
    ]),
  );
  state = role('s3-reader')!;
  expect(state.permissionsBoundary).toBeUndefined();
  expect(state.maxSessionDuration).toBe(3600);
  expect(Object.keys(state.inlinePolicies)).toEqual(['read-assets']);
  expect(tagsOf(state.tags)).toEqual({ [OWNER_TAG]: OWNER });
  expect(sa('app')!.metadata.annotations).not.toHaveProperty(['eks.amazonaws.com/token-expiration']);
  expect(sa('app')!.metadata.annotations).toHaveProperty([CREATED_ANNOTATION], 'true');
});

test('adopt: an existing untagged role gets our tag first, then the file’s settings', async () => {
  sandbox.iamEmulator.seedRole({
    roleName: 'legacy',
    path: '/workload-identity/',
    description: 'hand made',
    tags: { team: 'old' },
    attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
  });
  const legacy = {
    role: 'legacy',
    adopt: true,
    serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: 'legacy' }],
    managedPolicies: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
  };
  const plan = await applyAndConverge(bindingsYaml([s3Reader(), legacy]));
  expect(actions(plan)).toEqual(
    expect.arrayContaining(['adopt role.legacy', 'delete service-account.prod/default/worker']),
  );
  expect(sa('worker')).toBeUndefined();
  const state = role('legacy')!;
  expect(tagsOf(state.tags)).toEqual({ [OWNER_TAG]: OWNER });
  expect(state.attachedPolicyArns).toEqual(['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']);
  expect(state.description).toBeUndefined();
});

test('replace: a role of ours on another path is deleted and created again', async () => {
  sandbox.iamEmulator.seedRole({
    roleName: 'mover',
    path: '/old/',
    tags: { [OWNER_TAG]: OWNER },
    attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    inlinePolicies: { x: READ_ASSETS },
  });
  const mover = {
    role: 'mover',
    serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: 'mover' }],
  };
  const plan = await applyAndConverge(bindingsYaml([s3Reader(), mover]));
  expect(actions(plan)).toContain('replace role.mover');
  expect(role('mover')!.path).toBe('/workload-identity/');
  expect(role('mover')!.attachedPolicyArns).toEqual([]);
  expect(sa('mover')!.metadata.annotations?.[ROLE_ARN_ANNOTATION]).toBe(role('mover')!.arn);
});

test('add client id: a provider someone else made gains our audience and is never tagged or deleted', async () => {
  sandbox.iamEmulator.seedOidcProvider({
    url: 'https://issuer.shared.example',
    clientIds: ['other-audience'],
  });
  const shared = {
    role: 'shared',
    serviceAccounts: [{ cluster: 'iam-only', namespace: 'jobs', name: 'runner' }],
  };
  const clusters = { 'iam-only': { issuer: 'https://issuer.shared.example', kubernetes: false } };
  const plan = await applyAndConverge(bindingsYaml([s3Reader(), shared], { clusters }));
  expect(actions(plan)).toContain('update oidc-provider.issuer.shared.example');
  const provider = sandbox.iamEmulator.getOidcProviderState('https://issuer.shared.example')!;
  expect([...provider.clientIds].sort()).toEqual(['other-audience', 'sts.amazonaws.com']);
  expect(provider.tags).toEqual([]);
  // Dropping the binding deletes the role but leaves the provider we did not create.
  await applyAndConverge(bindingsYaml([s3Reader()], { clusters }));
  expect(role('shared')).toBeUndefined();
  expect(sandbox.iamEmulator.getOidcProviderState('https://issuer.shared.example')).toBeDefined();
});

test('annotate and later release a ServiceAccount we did not create, keeping everything else on it', async () => {
  sandbox.kubeEmulator.seedServiceAccount({
    namespace: 'default',
    name: 'helm-app',
    labels: { app: 'helm' },
    annotations: { 'meta.helm.sh/release-name': 'x' },
    fieldManager: 'helm',
  });
  const helm = {
    role: 'helm-app',
    serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: 'helm-app' }],
  };
  const plan = await applyAndConverge(bindingsYaml([s3Reader(), helm]));
  expect(plan.changes.find((c) => c.address === 'service-account.prod/default/helm-app')).toMatchObject({
    action: 'update',
    created: false,
  });
  expect(sa('helm-app')!.metadata.annotations).toMatchObject({
    [OWNER_ANNOTATION]: OWNER,
    'meta.helm.sh/release-name': 'x',
  });
  expect(sa('helm-app')!.metadata.annotations).not.toHaveProperty([CREATED_ANNOTATION]);

  const release = await applyAndConverge(bindingsYaml([s3Reader()]));
  expect(actions(release)).toEqual(
    expect.arrayContaining(['delete role.helm-app', 'delete service-account.prod/default/helm-app']),
  );
  const released = sa('helm-app')!;
  expect(released.metadata.annotations).toEqual({ 'meta.helm.sh/release-name': 'x' });
  expect(released.metadata.labels).toEqual({ app: 'helm' });
});

test('delete: created ServiceAccounts, roles with attached and inline policies, and our provider', async () => {
  const held = role('s3-reader')!;
  expect([held.attachedPolicyArns.length, Object.keys(held.inlinePolicies).length]).toEqual([1, 1]);
  const plan = await applyAndConverge(bindingsYaml([]));
  // Earlier tests' roles and ServiceAccounts left with their bindings; these are the last ones.
  expect(actions(plan)).toEqual([
    'delete oidc-provider.oidc.example.com/id/ABC',
    'delete role.s3-reader',
    'delete service-account.prod/default/app',
  ]);
  expect(sandbox.iamEmulator.listRoleNames()).toEqual([]);
  expect(sa('app')).toBeUndefined();

  expect(sandbox.iamEmulator.getOidcProviderState('https://oidc.example.com/id/ABC')).toBeUndefined();
});
