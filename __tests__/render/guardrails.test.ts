// The Guardrails section: violations with both positions, exceptions with their reasons, relaxations
// first — and every string from the files escaped, so a reason or a pattern cannot inject Markdown.
import type { GuardrailsChange } from '../../src/guardrails/compare.js';
import type { GuardrailsReport } from '../../src/guardrails/types.js';
import {
  formatViolation,
  renderGuardrailsBlockedMarkdown,
  renderGuardrailsMarkdown,
  renderGuardrailsText,
} from '../../src/render/guardrails.js';

const at = { file: 'teams/a/workload-identity.yaml', line: 12, col: 5 };
const ruleAt = { file: 'workload-identity.guardrails.yaml', line: 4, col: 3 };

const report: GuardrailsReport = {
  source: 'workload-identity.guardrails.yaml',
  strict: false,
  violations: [
    {
      rule: 'managedPolicies.deny',
      severity: 'error',
      message: 'role "a": denied | <b>x</b>',
      role: 'a',
      at,
      ruleAt,
    },
    { rule: 'subjects.deniedNamespaces', severity: 'warning', message: 'namespace "kube-*"', role: 'a', at },
  ],
  exempted: [
    {
      rule: 'maxSessionDuration.max',
      severity: 'error',
      message: 'too long',
      role: 'b',
      at,
      ruleAt,
      reason: '<img src=x onerror=alert(1)> [click](https://evil.example)',
    },
  ],
  unchecked: [],
};
const changes: GuardrailsChange[] = [
  {
    rule: 'managedPolicies.deny',
    kind: 'relaxed',
    detail: 'exception for role "b" added (reason: `rm -rf`)',
    at: ruleAt,
  },
  { rule: 'roles.namePattern', kind: 'tightened', detail: 'pattern changed' },
];

test('text: compiler-style lines with the rule position, exceptions and changes', () => {
  expect(formatViolation(report.violations[0])).toBe(
    'teams/a/workload-identity.yaml:12:5: error: [managedPolicies.deny] role "a": denied | <b>x</b> (rule: workload-identity.guardrails.yaml:4:3)',
  );
  const text = renderGuardrailsText(report, changes);
  expect(text.split('\n')[0]).toBe(
    'Guardrails (workload-identity.guardrails.yaml): 1 error, 1 warning — the plan is blocked',
  );
  expect(text).toContain('(rule: built-in default)');
  expect(text).toContain('exempt: [maxSessionDuration.max] too long — exception: <img');
  expect(text).toContain(
    'guardrails change: rule managedPolicies.deny relaxed: exception for role "b" added',
  );
});

test('Markdown: the relaxation banner leads, user strings are escaped', () => {
  const md = renderGuardrailsMarkdown(report, changes).join('\n');
  expect(md.indexOf('[!CAUTION]')).toBe(2);
  expect(md).toContain('relaxes 1 rule');
  expect(md).not.toContain('<b>');
  expect(md).not.toContain('<img');
  expect(md).not.toContain('](https://evil.example)');
  expect(md).toContain('#### 🛡️ Guardrails: 1 error, 1 warning');
  // One table row per violation, the pipe in the message escaped so the row keeps four cells.
  const rows = md.split('\n').filter((l) => l.startsWith('| ❌') || l.startsWith('| ⚠️'));
  expect(rows).toHaveLength(2);
  expect(rows[0].split(/(?<!\\)\|/).length).toBe(6);
});

test('nothing to say: no section', () => {
  expect(renderGuardrailsMarkdown({ strict: false, violations: [], exempted: [], unchecked: [] })).toEqual(
    [],
  );
  expect(renderGuardrailsText({ strict: false, violations: [], exempted: [], unchecked: [] })).toBe('');
});

test('blocked: a title that says so and no plan id anywhere', () => {
  const md = renderGuardrailsBlockedMarkdown(report, [], { bindingsFile: at.file, headSha: 'a'.repeat(40) });
  expect(md).toMatch(
    /^### ❌ workload-identity-bindings: guardrails block the plan for `teams\/a\/workload-identity\.yaml`/,
  );
  expect(md).toContain('no plan is offered for review');
  expect(md).not.toMatch(/plan `[0-9a-f]{16}`/);
});
