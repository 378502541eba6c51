import { buildPlan } from '../../src/plan/plan.js';
import { diffLines, foldUnchanged } from '../../src/render/line-diff.js';
import { renderPlanJson } from '../../src/render/json.js';
import { mixedScenario } from '../plan/builders.js';

describe('diffLines', () => {
  test('aligns unchanged lines and puts removals before additions', () => {
    expect(diffLines('a\nb\nc\nd', 'a\nx\nc\nd\ne')).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'x' },
      { op: ' ', text: 'c' },
      { op: ' ', text: 'd' },
      { op: '+', text: 'e' },
    ]);
  });

  test('finds the longest common subsequence in the middle', () => {
    const ops = diffLines('1\na\nb\nc\n2', '1\nb\nc\na\n2').map((l) => `${l.op}${l.text}`);
    expect(ops).toEqual([' 1', '-a', ' b', ' c', '+a', ' 2']);
  });

  test('an empty side is all additions or all removals', () => {
    expect(diffLines('', 'a\nb')).toEqual([
      { op: '+', text: 'a' },
      { op: '+', text: 'b' },
    ]);
    expect(diffLines('a', '')).toEqual([{ op: '-', text: 'a' }]);
  });
});

test('foldUnchanged keeps context lines around changes and folds the rest', () => {
  const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
  const after = before.replace('line 10', 'line ten');
  expect(foldUnchanged(diffLines(before, after), 2)).toEqual([
    { op: 'fold', hidden: 8 },
    { op: ' ', text: 'line 8' },
    { op: ' ', text: 'line 9' },
    { op: '-', text: 'line 10' },
    { op: '+', text: 'line ten' },
    { op: ' ', text: 'line 11' },
    { op: ' ', text: 'line 12' },
    { op: 'fold', hidden: 7 },
  ]);
});

describe('renderPlanJson', () => {
  test('is pretty JSON with identity first, ending in a newline, and holds the whole plan', () => {
    const { plan } = buildPlan({ ...mixedScenario(), bindingsFile: 'workload-identity.yaml' });
    const text = renderPlanJson(plan);
    expect(
      text.startsWith(`{\n  "formatVersion": 1,\n  "planId": "${plan.planId}",\n  "owner": "acme/platform",`),
    ).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(plan);
  });

  test('is the same text for a plan built with its top-level keys in another order', () => {
    const { plan } = buildPlan({ ...mixedScenario(), bindingsFile: 'workload-identity.yaml' });
    const reordered = Object.fromEntries(Object.entries(plan).reverse()) as typeof plan;
    expect(renderPlanJson(reordered)).toBe(renderPlanJson(plan));
  });
});
