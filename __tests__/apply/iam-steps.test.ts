// Apply's IAM steps through the real SDK against the IAM emulator, with hand-built plans for the
// situations a fresh plan rarely produces: eventual consistency right after a create, a role that
// appeared between plan and apply, a delete that IAM refuses, work that is already done.
import { IAMClient } from '@aws-sdk/client-iam';
import { applyPlan } from '../../src/apply/executor.js';
import type { ApplyEvent } from '../../src/apply/types.js';
import { OWNER_TAG } from '../../src/support/ownership.js';
import { IamEmulator } from '../../sandbox/iam/index.js';
import {
  desiredProvider,
  desiredRole,
  observedProvider,
  observedRole,
  OWNER,
  planOf,
  providerChange,
  PROVIDER_ARN,
  roleChange,
} from '../builders.js';

let now = 1_700_000_000_000;
const emulator = new IamEmulator({
  clock: () => now,
  newRoleInvisibleForMs: 4000,
  newOidcProviderInvisibleForMs: 6000,
});
let iam: IAMClient;
/** Sleeping advances the emulator's clock: eventual consistency passes without waiting. */
const clockSleep = async (ms: number): Promise<void> => {
  now += ms;
};

beforeAll(async () => {
  const endpoint = await emulator.start();
  iam = new IAMClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  iam.destroy();
  await emulator.stop();
});

const tagsOf = (name: string) =>
  Object.fromEntries((emulator.getRoleState(name)?.tags ?? []).map((t) => [t.Key, t.Value]));

test('waits out eventual consistency of a new provider and a new role, then converges', async () => {
  const role = desiredRole('ec-app', {
    description: 'reads assets',
    managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    inlinePolicies: {
      assets: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      },
    },
  });
  const events: ApplyEvent[] = [];
  const report = await applyPlan(
    planOf([providerChange('create', null, desiredProvider()), roleChange('create', null, role)]),
    { iam, kube: new Map() },
    {
      sleep: clockSleep,
      onEvent: (e) => events.push(e),
    },
  );
  expect(report.changes.map((c) => c.status)).toEqual(['ok', 'ok']);
  const retried = events.flatMap((e) => (e.type === 'retry' ? [e.call] : []));
  expect(retried).toContain('CreateRole');
  expect(retried).toContain('AttachRolePolicy');
  const state = emulator.getRoleState('ec-app')!;
  expect(state.attachedPolicyArns).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
  expect(Object.keys(state.inlinePolicies)).toEqual(['assets']);
  expect(state.description).toBe('reads assets');
  expect(tagsOf('ec-app')[OWNER_TAG]).toBe(OWNER);
  expect(emulator.getOidcProviderState(PROVIDER_ARN)?.tags).toEqual([{ Key: OWNER_TAG, Value: OWNER }]);
});

test('gives up after a bounded wait and reports the call, the resource and the code', async () => {
  emulator.seedOidcProvider({ url: 'https://never.example.com', clientIds: ['sts.amazonaws.com'] });
  emulator.deleteRoleState('never');
  const role = desiredRole('never', {
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/missing.example.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
        },
      ],
    },
  });
  let slept = 0;
  const report = await applyPlan(
    planOf([roleChange('create', null, role)]),
    { iam, kube: new Map() },
    {
      sleep: async (ms) => void (slept += ms),
      iamConsistencyPolicy: { firstDelayMs: 100, maxDelayMs: 400, budgetMs: 2000 },
    },
  );
  expect(report.ok).toBe(false);
  expect(report.changes[0].error).toMatchObject({
    call: 'CreateRole',
    resource: 'role never',
    code: 'MalformedPolicyDocument',
  });
  expect(report.changes[0].error?.message).toMatch(/Invalid principal/);
  expect(slept).toBeGreaterThan(0);
  expect(slept).toBeLessThanOrEqual(2000);
});

test('a role that already exists with our owner tag is converged (crash recovery)', async () => {
  emulator.seedRole({
    roleName: 'recovered',
    path: '/workload-identity/',
    description: 'stale',
    tags: { [OWNER_TAG]: OWNER, stale: 'yes' },
    attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
    inlinePolicies: {
      old: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
    },
  });
  const role = desiredRole('recovered', {
    managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    tags: { [OWNER_TAG]: OWNER, team: 'a' },
  });
  const report = await applyPlan(
    planOf([roleChange('create', null, role)]),
    { iam, kube: new Map() },
    { sleep: clockSleep },
  );
  expect(report.changes[0]).toMatchObject({ status: 'ok' });
  const state = emulator.getRoleState('recovered')!;
  expect(state.attachedPolicyArns).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
  expect(state.inlinePolicies).toEqual({});
  expect(state.description).toBeUndefined();
  expect(tagsOf('recovered')).toEqual({ [OWNER_TAG]: OWNER, team: 'a' });
  expect(JSON.parse(state.assumeRolePolicyDocument)).toEqual(role.trustPolicy);
});

test('a role that already exists without our tag is never taken over', async () => {
  emulator.seedRole({ roleName: 'theirs', path: '/workload-identity/', tags: { team: 'other' } });
  const before = emulator.getRoleState('theirs');
  const report = await applyPlan(
    planOf([roleChange('create', null, desiredRole('theirs'))]),
    { iam, kube: new Map() },
    { sleep: clockSleep },
  );
  expect(report.changes[0].status).toBe('failed');
  expect(report.changes[0].error).toMatchObject({ call: 'CreateRole', code: 'EntityAlreadyExists' });
  expect(report.changes[0].error?.message).toMatch(/not managed by workload-identity-bindings/);
  expect(emulator.getRoleState('theirs')).toEqual(before);
});

test('a delete IAM refuses because of policies attached after the plan empties the role and deletes it', async () => {
  emulator.seedRole({
    roleName: 'leaving',
    path: '/workload-identity/',
    tags: { [OWNER_TAG]: OWNER },
    attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    inlinePolicies: {
      late: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      },
    },
  });
  const planned = observedRole(desiredRole('leaving'), { tags: { [OWNER_TAG]: OWNER } });
  const report = await applyPlan(
    planOf([roleChange('delete', planned, null)]),
    { iam, kube: new Map() },
    { sleep: clockSleep },
  );
  expect(report.changes[0].status).toBe('ok');
  expect(emulator.getRoleState('leaving')).toBeUndefined();
  expect(emulator.server.count('DeleteRole')).toBeGreaterThanOrEqual(2);
});

test('already-done work is fine: deleting a missing role or provider, adding a present client id', async () => {
  emulator.seedOidcProvider({
    url: 'https://ids.example.com',
    clientIds: ['sts.amazonaws.com'],
    tags: { [OWNER_TAG]: OWNER },
  });
  const arn = 'arn:aws:iam::123456789012:oidc-provider/ids.example.com';
  const report = await applyPlan(
    planOf([
      providerChange(
        'update',
        observedProvider({ arn, clientIds: [] }),
        desiredProvider({ arn, url: 'https://ids.example.com', clientIds: ['extra', 'sts.amazonaws.com'] }),
      ),
      providerChange(
        'delete',
        observedProvider({ arn: 'arn:aws:iam::123456789012:oidc-provider/gone.example.com' }),
        null,
      ),
      roleChange(
        'delete',
        observedRole(desiredRole('gone-already'), {
          managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
          inlinePolicies: { x: {} },
        }),
        null,
      ),
    ]),
    { iam, kube: new Map() },
    { sleep: clockSleep },
  );
  expect(report.changes.map((c) => c.status)).toEqual(['ok', 'ok', 'ok']);
  expect(emulator.getOidcProviderState(arn)?.clientIds.sort()).toEqual(['extra', 'sts.amazonaws.com']);
});

test('creating a provider that appeared since the plan adds the missing client ids instead', async () => {
  emulator.seedOidcProvider({ url: 'https://raced.example.com', clientIds: ['a'] });
  const arn = 'arn:aws:iam::123456789012:oidc-provider/raced.example.com';
  const report = await applyPlan(
    planOf([
      providerChange(
        'create',
        null,
        desiredProvider({ arn, url: 'https://raced.example.com', clientIds: ['a', 'b'] }),
      ),
    ]),
    { iam, kube: new Map() },
    { sleep: clockSleep },
  );
  expect(report.changes[0].status).toBe('ok');
  expect(emulator.getOidcProviderState(arn)?.clientIds.sort()).toEqual(['a', 'b']);
});
