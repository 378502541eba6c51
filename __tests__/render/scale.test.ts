// 10,000 bindings render in every format (test-sized, not timed: `npm run bench` measures speed).
// The text plan used to crash here with "Maximum call stack size exceeded" (a spread of ~200,000
// lines into push) and filtered the broadening changes out quadratically.
import { buildPlan } from '../../src/plan/plan.js';
import { renderPlanJson } from '../../src/render/json.js';
import { DEFAULT_COMMENT_BUDGET, renderPlanMarkdownDocument } from '../../src/render/markdown.js';
import { renderPlanText } from '../../src/render/text.js';
import {
  desiredRole,
  desiredServiceAccount,
  desiredState,
  observedCluster,
  observedRole,
  observedState,
  trustPolicy,
} from '../builders.js';

const BINDINGS = 10_000;

function bigPlan() {
  const names = Array.from({ length: BINDINGS }, (_, i) => `app-${String(i).padStart(5, '0')}`);
  const roles = names.map((name) => desiredRole(name));
  // A tenth already exists with one subject fewer (updates), and 1,001 roles are gone (destroys).
  const existing = roles
    .filter((_, i) => i % 10 === 0)
    .map((role) => observedRole(role, { trustPolicy: trustPolicy([]) }));
  const gone = Array.from({ length: 1_001 }, (_, i) => observedRole(desiredRole(`gone-${i}`)));
  return buildPlan({
    desired: desiredState({ roles, serviceAccounts: names.map((name) => desiredServiceAccount(name)) }),
    observed: observedState({ roles: [...existing, ...gone], clusters: [observedCluster()] }),
    bindingsFile: 'workload-identity.yaml',
  }).plan;
}

test('10,000 bindings render as text, Markdown and JSON', () => {
  const plan = bigPlan();
  expect(plan.changes.length).toBe(2 * BINDINGS + 1_001);

  const text = renderPlanText(plan);
  expect(
    text.endsWith(`Plan: ${plan.summary.add} to add, ${plan.summary.change} to change, 1001 to destroy.\n`),
  ).toBe(true);
  // Destroys lead the text plan.
  expect(text.indexOf('  - role.gone-0\n')).toBeLessThan(text.indexOf('  + role.app-00001\n'));

  const md = renderPlanMarkdownDocument(plan, { bindingsFile: 'workload-identity.yaml' });
  expect(md.truncated).toBe(true);
  expect(md.markdown.length).toBeLessThanOrEqual(DEFAULT_COMMENT_BUDGET);
  expect(md.markdown).toContain('> [!CAUTION]\n> **1001 to destroy**');

  const json = renderPlanJson(plan);
  expect((JSON.parse(json) as { changes: unknown[] }).changes.length).toBe(plan.changes.length);
});
