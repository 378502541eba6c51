// Partial failure, interrupted applies and refusals, through the real pipeline and the emulators:
// exactly the failing change fails (with call, resource and code), what depends on it is skipped,
// everything else is applied, and planning and applying again converges.
import { createServer } from 'node:net';
import { applyPlan } from '../../src/apply/executor.js';
import { kubeTargetFromConfig, loadKubeConfig } from '../../src/kube/client.js';
import type { Plan } from '../../src/plan/types.js';
import { OWNER_ANNOTATION, ROLE_ARN_ANNOTATION } from '../../src/support/ownership.js';
import { kubeconfigFor } from '../../sandbox/kube/emulator.js';
import { desiredServiceAccount, planOf, saChange } from '../builders.js';
import { bindingsYaml, noSleep, startSandbox, type ApplySandbox } from './sandbox.js';

let sandbox: ApplySandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});
afterEach(() => {
  sandbox.iamEmulator.server.setFaults({});
  sandbox.kubeEmulator.server.setFaults({});
  sandbox.iamEmulator.allow('PutRolePolicy');
});

const INLINE = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }],
};
const binding = (name: string, over: object = {}) => ({
  role: name,
  serviceAccounts: [{ cluster: 'prod', namespace: 'default', name }],
  ...over,
});
const statusByAddress = (report: { changes: Array<{ address: string; status: string }> }) =>
  Object.fromEntries(report.changes.map((c) => [c.address, c.status]));
const actions = (plan: Plan) => plan.changes.map((c) => `${c.action} ${c.address}`);

test('an unknown managed policy fails exactly its role; its ServiceAccount is skipped; the rest is applied', async () => {
  const bad = 'arn:aws:iam::123456789012:policy/does-not-exist-reports';
  const yaml = bindingsYaml([
    binding('alpha'),
    binding('broken', { managedPolicies: [bad] }),
    binding('gamma'),
  ]);
  const report = await sandbox.apply(await sandbox.plan(yaml), { sleep: noSleep });
  expect(statusByAddress(report)).toEqual({
    'oidc-provider.oidc.example.com/id/ABC': 'ok',
    'role.alpha': 'ok',
    'role.broken': 'failed',
    'role.gamma': 'ok',
    'service-account.prod/default/alpha': 'ok',
    'service-account.prod/default/broken': 'skipped',
    'service-account.prod/default/gamma': 'ok',
  });
  const failed = report.changes.find((c) => c.address === 'role.broken')!;
  expect(failed.error).toEqual({
    call: 'AttachRolePolicy',
    resource: `role broken, policy ${bad}`,
    code: 'NoSuchEntity',
    message: expect.stringContaining(bad),
  });
  expect(report.changes.find((c) => c.address === 'service-account.prod/default/broken')!.reason).toBe(
    'depends on role.broken, which failed',
  );
  // role.broken was created before its attach failed: it exists, so it counts as added (incomplete).
  expect(report.summary).toEqual({
    added: 6,
    changed: 0,
    destroyed: 0,
    failed: 1,
    skipped: 1,
    incomplete: 1,
  });
  expect(failed.incomplete).toBe(true);
  expect(report.ok).toBe(false);
  expect(sandbox.kubeEmulator.getServiceAccount('default', 'broken')).toBeUndefined();

  // Fixing the file and applying again finishes the job.
  const fixed = bindingsYaml([binding('alpha'), binding('broken'), binding('gamma')]);
  const second = await sandbox.apply(await sandbox.plan(fixed), { sleep: noSleep });
  expect(second.ok).toBe(true);
  expect(actions(await sandbox.plan(fixed))).toEqual([]);
});

test('an apply interrupted midway (IAM refuses, then the API server fails) converges on the next run', async () => {
  const yaml = bindingsYaml([
    binding('alpha'),
    binding('broken'),
    binding('gamma'),
    binding('inline-a', { inlinePolicies: { send: INLINE } }),
    binding('inline-b', { inlinePolicies: { send: INLINE } }),
    binding('plain'),
  ]);
  const plan0 = await sandbox.plan(yaml);
  sandbox.iamEmulator.deny('PutRolePolicy');
  sandbox.kubeEmulator.server.setFaults({ errorRate: 1 });
  const first = await sandbox.apply(plan0, {
    sleep: noSleep,
    kubeRetryPolicy: { firstDelayMs: 1, maxDelayMs: 1, budgetMs: 3 },
  });
  const status = statusByAddress(first);
  expect(status['role.inline-a']).toBe('failed');
  expect(status['service-account.prod/default/inline-a']).toBe('skipped');
  expect(status['role.plain']).toBe('ok');
  expect(status['service-account.prod/default/plain']).toBe('failed');
  expect(first.changes.find((c) => c.address === 'service-account.prod/default/plain')!.error).toMatchObject({
    call: 'patch serviceaccount (server-side apply)',
    resource: 'prod/default/plain',
    code: '500 InternalError',
  });
  // The half-made roles already carry our owner tag, so the next plan updates them instead of conflicting.
  expect(sandbox.iamEmulator.getRoleState('inline-a')?.tags).toContainEqual({
    Key: 'workload-identity-bindings/owner',
    Value: 'acme/platform-iam',
  });

  sandbox.iamEmulator.allow('PutRolePolicy');
  sandbox.kubeEmulator.server.setFaults({});
  const plan = await sandbox.plan(yaml);
  expect(actions(plan)).toEqual(
    expect.arrayContaining([
      'update role.inline-a',
      'update role.inline-b',
      'create service-account.prod/default/inline-a',
      'create service-account.prod/default/plain',
    ]),
  );
  const second = await sandbox.apply(plan, { sleep: noSleep });
  expect(second.ok).toBe(true);
  expect(actions(await sandbox.plan(yaml))).toEqual([]);
});

test('a ServiceAccount field another manager holds with another value is reported, not taken', async () => {
  const theirs = 'arn:aws:iam::123456789012:role/someone-elses';
  sandbox.kubeEmulator.seedServiceAccount({
    namespace: 'default',
    name: 'contested',
    fieldManager: 'kubectl-create',
  });
  const yaml = bindingsYaml([binding('contested')]);
  // #20: the plan sees a contested field itself (see real-cluster.test.ts); here someone writes the
  // annotation between plan and apply, so apply meets the 409.
  const plan = await sandbox.plan(yaml);
  sandbox.kubeEmulator.seedServiceAccount({
    namespace: 'default',
    name: 'contested',
    annotations: { [ROLE_ARN_ANNOTATION]: theirs },
    fieldManager: 'kubectl-edit',
  });
  const report = await sandbox.apply(plan, { sleep: noSleep });
  const result = report.changes.find((c) => c.address === 'service-account.prod/default/contested')!;
  expect(result.status).toBe('failed');
  expect(result.error).toMatchObject({
    call: 'patch serviceaccount (server-side apply)',
    code: '409 Conflict',
  });
  expect(result.error?.message).toMatch(/kubectl-edit/);
  expect(result.error?.message).toMatch(/does not take fields over/);
  const sa = sandbox.kubeEmulator.getServiceAccount('default', 'contested')!;
  expect(sa.metadata.annotations).toEqual({ [ROLE_ARN_ANNOTATION]: theirs });
  expect(sa.metadata.annotations).not.toHaveProperty([OWNER_ANNOTATION]);
});

test('a missing namespace fails its ServiceAccount with what to do', async () => {
  const yaml = bindingsYaml([
    { role: 'nowhere', serviceAccounts: [{ cluster: 'prod', namespace: 'missing-ns', name: 'app' }] },
  ]);
  const report = await sandbox.apply(await sandbox.plan(yaml), { sleep: noSleep });
  const result = report.changes.find((c) => c.address === 'service-account.prod/missing-ns/app')!;
  expect(result.status).toBe('failed');
  expect(result.error?.code).toMatch(/^404/);
  expect(result.error?.message).toMatch(/create namespace "missing-ns"/);
  expect(report.changes.find((c) => c.address === 'role.nowhere')!.status).toBe('ok');
});

test('an unreachable API server fails the ServiceAccount changes with the cause, after bounded retries', async () => {
  // A port that was just free: nothing listens there any more.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const text = kubeconfigFor(sandbox.kubeEmulator, { context: 'prod' }).replace(
    sandbox.kubeEmulator.url,
    `http://127.0.0.1:${port}`,
  );
  const dead = kubeTargetFromConfig('prod', loadKubeConfig({ kubeconfigText: text }), 'prod');
  let retries = 0;
  const report = await applyPlan(
    planOf([saChange('create', null, desiredServiceAccount('app', { role: 'app' }), true)]),
    { iam: sandbox.iam, kube: new Map([['prod', dead]]) },
    {
      sleep: noSleep,
      kubeRetryPolicy: { firstDelayMs: 10, maxDelayMs: 10, budgetMs: 30 },
      onEvent: (e) => void (e.type === 'retry' && retries++),
    },
  );
  // Delays of 5–10 ms within a 30 ms budget: three to six retries, then the failure.
  expect(retries).toBeGreaterThanOrEqual(3);
  expect(retries).toBeLessThanOrEqual(6);
  expect(report.changes[0].error).toMatchObject({
    call: 'patch serviceaccount (server-side apply)',
    code: 'ECONNREFUSED',
  });
  expect(report.changes[0].error?.message).toMatch(
    /cannot reach the Kubernetes API server of cluster "prod"/,
  );
});
