import { buildPlan } from '../../src/plan/plan.js';
import { foldUnchanged, linesDiff, policyEdits, policyLineDiff } from '../../src/render/policy-diff.js';
import fc from 'fast-check';
import { jsonPieces, planJsonPieces, renderPlanJson } from '../../src/render/json.js';
import { mixedScenario } from '../builders.js';

const diffLines = (a: string, b: string) =>
  linesDiff(a === '' ? [] : a.split('\n'), b === '' ? [] : b.split('\n'));

describe('linesDiff (jsdiff)', () => {
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

  test('its pieces (the CLI writes them as they are made) are JSON.stringify(…, null, 2) byte for byte', () => {
    const { plan } = buildPlan({ ...mixedScenario(), bindingsFile: 'workload-identity.yaml' });
    const pieces = [...planJsonPieces(plan)];
    expect(pieces.length).toBeGreaterThan(plan.changes.length);
    const { formatVersion, planId, owner, accountId, bindingsFile, summary, warnings, changes } = plan;
    const ordered = { formatVersion, planId, owner, accountId, bindingsFile, summary, warnings, changes };
    expect(pieces.join('')).toBe(`${JSON.stringify({ ...ordered, ...plan }, null, 2)}\n`);
    expect(pieces.join('')).toBe(renderPlanJson(plan));
    const value = fc.oneof(
      fc.jsonValue(),
      fc.constant(undefined),
      fc.string(),
      fc.array(fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.date({ noInvalidDate: true }))),
      fc.date({ noInvalidDate: true }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), value), (object) => {
        expect([...jsonPieces(object)].join('')).toBe(`${JSON.stringify(object, null, 2)}\n`);
      }),
      { numRuns: 2000, seed: 2122 },
    );
  });

  test('is the same text for a plan built with its top-level keys in another order', () => {
    const { plan } = buildPlan({ ...mixedScenario(), bindingsFile: 'workload-identity.yaml' });
    const reordered = Object.fromEntries(Object.entries(plan).reverse()) as typeof plan;
    expect(renderPlanJson(reordered)).toBe(renderPlanJson(plan));
  });
});

describe('policy diffs', () => {
  const HOST = 'oidc.example.com/id/ABC';
  const trust = (sub: string | string[]) => ({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${HOST}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com', [`${HOST}:sub`]: sub } },
      },
    ],
  });

  test('one subject added (string becomes a list): one structural edit and one added line', () => {
    const before = trust('system:serviceaccount:default:app');
    const after = trust(['system:serviceaccount:default:app', 'system:serviceaccount:jobs:worker']);
    expect(policyEdits(before, after)).toEqual([
      {
        kind: 'value',
        path: `Statement[0].Condition.StringEquals["${HOST}:sub"]`,
        op: '+',
        value: '"system:serviceaccount:jobs:worker"',
      },
    ]);
    const lines = policyLineDiff(before, after);
    expect(lines.filter((l) => l.op !== ' ')).toEqual([
      { op: '+', text: '            "system:serviceaccount:jobs:worker"' },
    ]);
  });

  test('formatting-only differences (order, one value or a list) are no edits', () => {
    const a = trust(['system:serviceaccount:b:x', 'system:serviceaccount:a:y']);
    const b = trust(['system:serviceaccount:a:y', 'system:serviceaccount:b:x']);
    expect(policyEdits(a, b)).toEqual([]);
    expect(policyLineDiff(a, b).every((l) => l.op === ' ')).toBe(true);
  });

  test('statements are addressed as written: a new one is shown whole, a changed one by key', () => {
    const read = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a/*' };
    const write = { Sid: 'Write', Effect: 'Allow', Action: ['s3:PutObject'], Resource: 'arn:aws:s3:::a/*' };
    const before = { Version: '2012-10-17', Statement: [read] };
    const after = {
      Version: '2012-10-17',
      Statement: [write, { ...read, Action: ['s3:GetObject', 's3:ListBucket'] }],
    };
    expect(policyEdits(before, after)).toEqual([
      {
        kind: 'block',
        path: 'Statement[0]',
        op: '+',
        // As written, not in the comparison form.
        lines: JSON.stringify(write, null, 2).split('\n'),
      },
      { kind: 'value', path: 'Statement[1].Action', op: '+', value: '"s3:ListBucket"' },
    ]);
    expect(policyEdits(after, { ...after, Version: '2008-10-17' })).toEqual([
      { kind: 'change', path: 'Version', before: '"2012-10-17"', after: '"2008-10-17"' },
    ]);
  });
});
