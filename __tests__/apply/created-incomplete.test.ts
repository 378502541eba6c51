// A role that CreateRole made but a later step could not finish (here: its managed policy vanished
// between plan and apply) is reported as "created, incomplete" and counted as added — never
// "0 added" — and the next plan shows exactly what is left to do.
import { renderApplyText } from '../../src/render/apply-report.js';
import { renderApplyMarkdown } from '../../src/render/markdown.js';
import { bindingsYaml, noSleep, startSandbox, type ApplySandbox } from './sandbox.js';

let sandbox: ApplySandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

const POLICY = 'arn:aws:iam::123456789012:policy/team-orders';

test('created, incomplete: reported as such, counted as added, finished by the next plan', async () => {
  sandbox.iamEmulator.addManagedPolicy(POLICY);
  const yaml = bindingsYaml([
    {
      role: 'orders',
      serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: 'orders' }],
      managedPolicies: [POLICY],
    },
  ]);
  const plan = await sandbox.plan(yaml);
  sandbox.iamEmulator.removeManagedPolicy(POLICY);
  const report = await sandbox.apply(plan, { sleep: noSleep });

  const role = report.changes.find((c) => c.address === 'role.orders')!;
  expect(role).toMatchObject({ status: 'failed', incomplete: true, error: { call: 'AttachRolePolicy' } });
  expect(report.summary).toMatchObject({ added: 2, failed: 1, incomplete: 1, skipped: 1 });
  const text = renderApplyText(report);
  expect(text).toContain('✗ role.orders: created, incomplete — plan again to see what is left');
  expect(text).toContain(
    'Apply failed: 1 change failed, 1 skipped; 2 added (1 incomplete), 0 changed, 0 destroyed.',
  );
  expect(text).not.toContain('0 added');
  expect(renderApplyMarkdown(report, plan)).toContain('**created, incomplete**');
  expect(sandbox.iamEmulator.getRoleState('orders')).toBeDefined();

  // The policy is back: the next plan finishes the role and creates the skipped ServiceAccount.
  sandbox.iamEmulator.addManagedPolicy(POLICY);
  const next = await sandbox.plan(yaml);
  expect(
    next.changes.map((c) => `${c.action} ${c.address} ${c.fields.map((f) => f.field).join(',')}`),
  ).toEqual([
    'update role.orders managedPolicies',
    expect.stringMatching(/^create service-account\.prod\/default\/orders /),
  ]);
  expect((await sandbox.apply(next, { sleep: noSleep })).ok).toBe(true);
  expect((await sandbox.plan(yaml)).changes).toEqual([]);
});
