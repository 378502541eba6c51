// Two applies of one file at the same time (the CLI takes no lock; the reusable workflow's
// concurrency group is the lock): both planned before either applied, then run together through
// the real IAM client against the emulator. Each IAM resource is created by exactly one run; the
// other run's create is answered EntityAlreadyExists (a ServiceAccount's server-side apply: 200, not
// 201), finds the resource already there and reports it as "already done by another run", not as
// added — so the added counts of the two runs sum to the resources that exist.
import type { ApplyReport } from '../../src/apply/types.js';
import { renderApplyText } from '../../src/render/apply-report.js';
import { bindingsYaml, noSleep, startSandbox, type ApplySandbox } from './sandbox.js';

let sandbox: ApplySandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

const ROLES = 12;
const file = bindingsYaml(
  Array.from({ length: ROLES }, (_, i) => ({
    role: `race-${i}`,
    serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: `race-${i}` }],
    managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    inlinePolicies: {
      read: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      },
    },
  })),
);

const iamCreates = (report: ApplyReport) =>
  report.changes.filter((c) => c.kind !== 'service-account' && c.action === 'create');

test('two concurrent applies of one file (12 roles, 1 OIDC provider, 12 ServiceAccounts): each added once in total, the rest "already done by another run"', async () => {
  const [first, second] = [await sandbox.plan(file), await sandbox.plan(file)];
  expect(first.changes.filter((c) => c.kind !== 'service-account' && c.action === 'create')).toHaveLength(
    ROLES + 1,
  );
  // Latency keeps both runs' requests interleaved.
  sandbox.iamEmulator.server.setFaults({ latencyMs: 5 });
  const reports = await Promise.all([
    sandbox.apply(first, { maxConcurrency: 4, sleep: noSleep }),
    sandbox.apply(second, { maxConcurrency: 3, sleep: noSleep }),
  ]);
  sandbox.iamEmulator.server.setFaults({});
  for (const report of reports) expect(report.ok).toBe(true);

  const added = reports.flatMap((r) => iamCreates(r).filter((c) => !c.alreadyDone));
  const elsewhere = reports.flatMap((r) => iamCreates(r).filter((c) => c.alreadyDone));
  // Each of the 13 IAM resources was created by exactly one of the runs.
  expect(added.map((c) => c.address).sort()).toEqual(
    iamCreates(reports[0])
      .map((c) => c.address)
      .sort(),
  );
  expect(elsewhere.map((c) => c.address).sort()).toEqual(added.map((c) => c.address).sort());
  expect(sandbox.iamEmulator.server.count('CreateRole')).toBe(2 * ROLES);

  // The summaries say it too, ServiceAccounts included (server-side apply answers 201 to the run
  // that created one, 200 to the other): the two runs' adds sum to the 25 resources that exist.
  const serviceAccounts = reports.flatMap((r) => r.changes.filter((c) => c.kind === 'service-account'));
  expect(serviceAccounts.filter((c) => c.action === 'create' && !c.alreadyDone)).toHaveLength(ROLES);
  expect(reports.reduce((n, r) => n + r.summary.added, 0)).toBe(2 * ROLES + 1);
  expect(reports.reduce((n, r) => n + (r.summary.alreadyDone ?? 0), 0)).toBe(2 * ROLES + 1);

  const texts = reports.map((r) => renderApplyText(r));
  expect(texts.join('\n')).toMatch(/: already done by another run \(/);
  expect(texts.join('\n')).toMatch(/already done by another run\)\.$/m);
});
