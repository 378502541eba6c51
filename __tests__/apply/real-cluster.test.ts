// What a real cluster shows on day one (#20), through the real pipeline against a Kubernetes
// emulator that fails the way an API server does: Helm-owned ServiceAccounts (annotations only),
// fields owned by another manager or by `before-first-apply` (a positioned plan conflict, or an
// explicit `takeOver: true`), namespaces being deleted, and deletes guarded by preconditions.
import {
  FIELD_MANAGER,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  OWNER_ANNOTATION,
  ROLE_ARN_ANNOTATION,
} from '../../src/support/ownership.js';
import type { Plan, ServiceAccountChange } from '../../src/plan/types.js';
import { ACCOUNT, bindingsYaml, noSleep, OWNER, startSandbox, type ApplySandbox } from './sandbox.js';

let sandbox: ApplySandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/workload-identity/${name}`;
const binding = (role: string, namespace: string, name: string, over: object = {}) => ({
  role,
  serviceAccounts: [{ cluster: 'prod', namespace, name }],
  ...over,
});
const saChange = (plan: Plan, address: string) =>
  plan.changes.find((c) => c.address === address) as ServiceAccountChange | undefined;
const managers = (namespace: string, name: string) =>
  (sandbox.kubeEmulator.getServiceAccount(namespace, name)?.metadata.managedFields ?? []).map(
    (m) => `${m.manager}/${m.operation}`,
  );

const HELM_LABELS = {
  'app.kubernetes.io/managed-by': 'Helm',
  'app.kubernetes.io/name': 'web',
  'helm.sh/chart': 'web-0.1.0',
};
const HELM_ANNOTATIONS = { 'meta.helm.sh/release-name': 'web', 'meta.helm.sh/release-namespace': 'charts' };

test('a Helm-installed ServiceAccount is annotated and later released without touching a label', async () => {
  sandbox.kubeEmulator.seedServiceAccount({
    namespace: 'charts',
    name: 'web',
    labels: HELM_LABELS,
    annotations: HELM_ANNOTATIONS,
    fieldManager: 'helm',
  });
  const yaml = bindingsYaml([binding('web', 'charts', 'web')]);
  const plan = await sandbox.plan(yaml);
  const change = saChange(plan, 'service-account.prod/charts/web')!;
  expect(change).toMatchObject({ action: 'update', created: false });
  expect(change.fields.map((f) => f.field)).toEqual([
    `annotations.${ROLE_ARN_ANNOTATION}`,
    `annotations.${OWNER_ANNOTATION}`,
  ]);

  const report = await sandbox.apply(plan, { sleep: noSleep });
  expect(report.changes.find((c) => c.address === 'service-account.prod/charts/web')?.error).toBeUndefined();
  expect(report.ok).toBe(true);
  const annotated = sandbox.kubeEmulator.getServiceAccount('charts', 'web')!;
  expect(annotated.metadata.labels).toEqual(HELM_LABELS);
  expect(annotated.metadata.annotations).toEqual({
    ...HELM_ANNOTATIONS,
    [ROLE_ARN_ANNOTATION]: roleArn('web'),
    [OWNER_ANNOTATION]: OWNER,
  });
  expect(await sandbox.plan(yaml)).toMatchObject({ changes: [] });

  // The binding leaves the file: the ServiceAccount (no label to list it by) is found through the
  // role that still trusts it, and released: our annotations go, Helm's keys stay.
  const other = bindingsYaml([binding('other', 'default', 'other')]);
  const release = await sandbox.plan(other);
  expect(saChange(release, 'service-account.prod/charts/web')).toMatchObject({
    action: 'delete',
    created: false,
  });
  expect((await sandbox.apply(release, { sleep: noSleep })).ok).toBe(true);
  const released = sandbox.kubeEmulator.getServiceAccount('charts', 'web')!;
  expect(released.metadata.labels).toEqual(HELM_LABELS);
  expect(released.metadata.annotations).toEqual(HELM_ANNOTATIONS);
  expect((await sandbox.plan(other)).changes).toEqual([]);
});

test('the managed-by label an earlier version put on a ServiceAccount it did not create is removed', async () => {
  // What an earlier version left: it annotated and labelled an existing ServiceAccount by
  // server-side apply, without the created marker.
  sandbox.kubeEmulator.seedServiceAccount({
    namespace: 'legacy',
    name: 'api',
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
    annotations: { [ROLE_ARN_ANNOTATION]: roleArn('api'), [OWNER_ANNOTATION]: OWNER },
    fieldManager: FIELD_MANAGER,
    operation: 'Apply',
  });
  const yaml = bindingsYaml([binding('api', 'legacy', 'api')]);
  const plan = await sandbox.plan(yaml);
  const change = saChange(plan, 'service-account.prod/legacy/api')!;
  expect(change).toMatchObject({ action: 'update', created: false });
  expect(change.fields).toEqual([{ field: `labels.${MANAGED_BY_LABEL}`, before: MANAGED_BY_VALUE }]);
  expect((await sandbox.apply(plan, { sleep: noSleep })).ok).toBe(true);
  const sa = sandbox.kubeEmulator.getServiceAccount('legacy', 'api')!;
  expect(sa.metadata.labels ?? {}).toEqual({});
  expect(sa.metadata.annotations).toEqual({
    [ROLE_ARN_ANNOTATION]: roleArn('api'),
    [OWNER_ANNOTATION]: OWNER,
  });
  expect((await sandbox.plan(yaml)).changes.filter((c) => c.kind === 'service-account')).toEqual([]);
});

describe('a role-arn annotation another manager owns', () => {
  test('without managedFields it belongs to before-first-apply: a conflict at the binding, not a 409 at apply', async () => {
    sandbox.kubeEmulator.seedServiceAccount({
      namespace: 'old',
      name: 'worker',
      fieldManager: null, // no managedFields at all
      annotations: { [ROLE_ARN_ANNOTATION]: 'arn:aws:iam::123456789012:role/hand-made' },
    });
    const yaml = bindingsYaml([binding('worker', 'old', 'worker')]);
    const { plan, conflicts } = await sandbox.planRun(yaml);
    expect(saChange(plan, 'service-account.prod/old/worker')).toBeUndefined();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0].address).toBe('service-account.prod/old/worker');
    expect(conflicts[0].location).toMatchObject({ file: 'workload-identity.yaml', line: expect.any(Number) });
    expect(conflicts[0].message).toMatch(
      /^workload-identity\.yaml:\d+:\d+: ServiceAccount old\/worker on cluster "prod": /,
    );
    expect(conflicts[0].message).toContain(
      'annotation eks.amazonaws.com/role-arn is written by `before-first-apply` with another value; take it over with `takeOver: true` on the binding, or remove it (`kubectl annotate serviceaccount -n old worker eks.amazonaws.com/role-arn-`)',
    );
    expect(sandbox.kubeEmulator.getServiceAccount('old', 'worker')?.metadata.annotations).toEqual({
      [ROLE_ARN_ANNOTATION]: 'arn:aws:iam::123456789012:role/hand-made',
    });
  });

  test('takeOver: true forces exactly the planned fields, and apply succeeds', async () => {
    sandbox.kubeEmulator.seedServiceAccount({
      namespace: 'old',
      name: 'annotated',
      annotations: { [ROLE_ARN_ANNOTATION]: 'arn:aws:iam::123456789012:role/by-hand' },
      fieldManager: 'kubectl-annotate',
    });
    const yaml = bindingsYaml([binding('annotated', 'old', 'annotated', { takeOver: true })]);
    const plan = await sandbox.plan(yaml);
    const change = saChange(plan, 'service-account.prod/old/annotated')!;
    expect(change.takeOver).toEqual([`annotations.${ROLE_ARN_ANNOTATION}`]);
    expect(change.reason).toContain(
      'takes over annotation eks.amazonaws.com/role-arn from `kubectl-annotate` (takeOver: true)',
    );
    const report = await sandbox.apply(plan, { sleep: noSleep });
    expect(report.ok).toBe(true);
    expect(sandbox.kubeEmulator.getServiceAccount('old', 'annotated')?.metadata.annotations).toEqual({
      [ROLE_ARN_ANNOTATION]: roleArn('annotated'),
      [OWNER_ANNOTATION]: OWNER,
    });
    expect(managers('old', 'annotated')).toEqual([`${FIELD_MANAGER}/Apply`]);
    expect((await sandbox.plan(yaml)).changes.filter((c) => c.kind === 'service-account')).toEqual([]);
  });

  test('takeOver never forces a field the plan did not list', async () => {
    sandbox.kubeEmulator.seedServiceAccount({
      namespace: 'old',
      name: 'racing',
      annotations: { [ROLE_ARN_ANNOTATION]: 'arn:aws:iam::123456789012:role/by-hand' },
      fieldManager: 'kubectl-annotate',
    });
    const yaml = bindingsYaml([
      binding('racing', 'old', 'racing', {
        takeOver: true,
        serviceAccountAnnotations: { 'eks.amazonaws.com/token-expiration': '86400' },
      }),
    ]);
    const plan = await sandbox.plan(yaml);
    expect(saChange(plan, 'service-account.prod/old/racing')?.takeOver).toEqual([
      `annotations.${ROLE_ARN_ANNOTATION}`,
    ]);
    // After the plan, someone else writes the other annotation the binding sets.
    sandbox.kubeEmulator.seedServiceAccount({
      namespace: 'old',
      name: 'racing',
      annotations: {
        [ROLE_ARN_ANNOTATION]: 'arn:aws:iam::123456789012:role/by-hand',
        'eks.amazonaws.com/token-expiration': '3600',
      },
      fieldManager: 'kubectl-annotate',
    });
    const report = await sandbox.apply(plan, { sleep: noSleep });
    const failed = report.changes.find((c) => c.address === 'service-account.prod/old/racing')!;
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('409 Conflict');
    expect(sandbox.kubeEmulator.getServiceAccount('old', 'racing')?.metadata.annotations).toEqual({
      [ROLE_ARN_ANNOTATION]: 'arn:aws:iam::123456789012:role/by-hand',
      'eks.amazonaws.com/token-expiration': '3600',
    });
  });
});

test('a namespace being deleted is said so in the plan and in apply’s hint', async () => {
  sandbox.kubeEmulator.seedNamespace('going');
  sandbox.kubeEmulator.terminateNamespace('going');
  const yaml = bindingsYaml([binding('going', 'going', 'app')]);
  const plan = await sandbox.plan(yaml);
  expect(plan.warnings).toContainEqual({
    code: 'namespace-terminating',
    address: 'service-account.prod/going/app',
    message: expect.stringContaining('namespace "going" on cluster "prod" is being deleted (Terminating)'),
  });
  const report = await sandbox.apply(plan, { sleep: noSleep });
  const failed = report.changes.find((c) => c.address === 'service-account.prod/going/app')!;
  expect(failed.status).toBe('failed');
  expect(failed.error?.code).toBe('403 Forbidden');
  expect(failed.error?.message).toContain('namespace "going" on cluster "prod"');
  expect(failed.error?.message).toContain('is being deleted');
  expect(failed.error?.message).not.toMatch(/grant/);
});

test('a ServiceAccount recreated between plan and apply is not deleted: "changed since the plan"', async () => {
  const yaml = bindingsYaml([binding('short-lived', 'default', 'short-lived')]);
  expect((await sandbox.apply(await sandbox.plan(yaml), { sleep: noSleep })).ok).toBe(true);
  const before = sandbox.kubeEmulator.getServiceAccount('default', 'short-lived')!;

  const plan = await sandbox.plan(bindingsYaml([]));
  expect(saChange(plan, 'service-account.prod/default/short-lived')).toMatchObject({
    action: 'delete',
    created: true,
  });
  // Someone deletes it and creates it again under the same name (same marks, new uid).
  sandbox.kubeEmulator.state.deleteServiceAccount('default', 'short-lived');
  sandbox.kubeEmulator.seedServiceAccount({
    namespace: 'default',
    name: 'short-lived',
    labels: before.metadata.labels,
    annotations: before.metadata.annotations,
    fieldManager: 'kubectl-create',
  });
  const report = await sandbox.apply(plan, { sleep: noSleep });
  const failed = report.changes.find((c) => c.address === 'service-account.prod/default/short-lived')!;
  expect(failed.status).toBe('failed');
  expect(failed.error?.code).toBe('409 Conflict');
  expect(failed.error?.message).toContain('changed since the plan');
  expect(sandbox.kubeEmulator.getServiceAccount('default', 'short-lived')?.metadata.uid).not.toBe(
    before.metadata.uid,
  );
});
