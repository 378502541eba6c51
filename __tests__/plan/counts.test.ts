// One definition of a plan's counts: an adopted role is counted once, and the text summary line, the
// Markdown header and summary line, and the JSON all say the same (real pipeline, IAM emulator).
import { changedResources, summaryLine } from '../../src/plan/counts.js';
import { renderPlanJson } from '../../src/render/json.js';
import { renderPlanMarkdown } from '../../src/render/markdown.js';
import { renderPlanText } from '../../src/render/text.js';
import { bindingsYaml, startSandbox, type ApplySandbox } from '../apply/sandbox.js';

let sandbox: ApplySandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

test('1 to add and 1 to adopt is two changes everywhere, never "1 to change" as well', async () => {
  sandbox.iamEmulator.seedRole({ roleName: 'legacy', path: '/workload-identity/' });
  const plan = await sandbox.plan(
    bindingsYaml(
      [
        { role: 'fresh', serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: 'fresh' }] },
        {
          role: 'legacy',
          adopt: true,
          serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: 'old' }],
        },
      ],
      { clusters: { prod: { issuer: 'https://oidc.example.com/id/ABC', kubernetes: false } } },
    ),
  );
  expect(plan.changes.map((c) => `${c.action} ${c.address}`)).toEqual([
    'create oidc-provider.oidc.example.com/id/ABC',
    'create role.fresh',
    'adopt role.legacy',
  ]);
  expect(plan.summary).toEqual({ add: 2, change: 0, destroy: 0, adopt: 1, replace: 0 });
  expect(changedResources(plan.summary)).toBe(plan.changes.length);
  const line = '2 to add, 0 to change, 0 to destroy, 1 to adopt';
  expect(summaryLine(plan.summary)).toBe(line);
  expect(renderPlanText(plan)).toContain(`Plan: ${line}.`);
  const markdown = renderPlanMarkdown(plan, { bindingsFile: 'workload-identity.yaml' });
  expect(markdown).toContain('workload-identity-bindings: 3 changes for');
  expect(markdown).toContain(`**Plan:** ${line}.`);
  expect(JSON.parse(renderPlanJson(plan)).summary).toEqual(plan.summary);
});

test('a replace is one changed resource that adds one and destroys one', () => {
  const summary = { add: 1, change: 0, destroy: 1, adopt: 0, replace: 1 };
  expect(changedResources(summary)).toBe(1);
  expect(summaryLine(summary)).toBe('1 to add, 0 to change, 1 to destroy');
});
