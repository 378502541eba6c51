// The bench's pure helpers: the generated workload is a valid bindings file of the promised shape,
// and the target checks and Markdown never turn a miss or a missing scenario into a pass.
import { loadBindingsText } from '../../src/bindings/load.js';
import { median, medianRun } from '../../bench/child.js';
import { renderMarkdown } from '../../bench/report.js';
import { checkTargets, iamReadBound } from '../../bench/targets.js';
import type { BenchResults, PlanRun } from '../../bench/types.js';
import { BENCH_CLUSTERS, generateWorkload, unrelatedRoles } from '../../bench/workload.js';

describe('generateWorkload', () => {
  test('is a valid bindings file with shared and single roles across both clusters', () => {
    const workload = generateWorkload(30);
    const { file, diagnostics } = loadBindingsText(workload.text, 'bench.yaml');
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(file?.bindings).toHaveLength(30);
    const shared = file!.bindings.filter((b) => b.serviceAccounts.length > 1);
    expect(shared).toHaveLength(10);
    for (const b of shared) expect(new Set(b.serviceAccounts.map((sa) => sa.cluster)).size).toBe(2);
    const clusters = new Set(file!.bindings.flatMap((b) => b.serviceAccounts.map((sa) => sa.cluster)));
    expect([...clusters].sort()).toEqual(BENCH_CLUSTERS.map((c) => c.key).sort());
    expect(workload.namespaces.length).toBeGreaterThan(1);
  });

  test('is deterministic and rejects a non-positive N', () => {
    expect(generateWorkload(7).text).toBe(generateWorkload(7).text);
    expect(() => generateWorkload(0)).toThrow(/positive integer/);
  });

  test('unrelated roles have unique names outside the bench role path', () => {
    const roles = unrelatedRoles(50);
    expect(new Set(roles.map((r) => r.roleName)).size).toBe(50);
    expect(roles.every((r) => !r.path.startsWith('/workload-identity/'))).toBe(true);
  });
});

const plan = (over: Partial<PlanRun>): PlanRun => ({
  state: 'steady',
  n: 1000,
  latencyMs: 20,
  rolesInAccount: 3000,
  clusters: 2,
  wallMs: 1000,
  maxRssMb: 100,
  iamReads: { byOperation: { GetAccountAuthorizationDetails: 3, ListRoles: 1 }, total: 4 },
  iamReadBound: iamReadBound(3000, 2),
  kube: { byOperation: {}, total: 0 },
  changes: 0,
  ...over,
});

const baseline = (wallMs: number): PlanRun['baseline'] => ({
  wallMs,
  refreshMs: wallMs,
  resources: 5252,
  iam: { byOperation: {}, total: 6001 },
  kube: { byOperation: {}, total: 1333 },
  rolesRead: 1000,
});

describe('checkTargets', () => {
  test('bound is ⌈R/1000⌉ + 1 + C', () => {
    expect(iamReadBound(3000, 2)).toBe(6);
    expect(iamReadBound(3001, 2)).toBe(7);
    expect(iamReadBound(0, 1)).toBe(2);
    // The plan's own checks: GetAccountSummary when it writes roles, GetRole per destroyed role.
    expect(iamReadBound(3000, 2, 1 + 3)).toBe(10);
  });

  test('a 9.9× speed-up is a miss and 10× a pass', () => {
    const miss = checkTargets([plan({ baseline: baseline(9900) })], [], undefined);
    const pass = checkTargets([plan({ baseline: baseline(10000) })], [], undefined);
    expect(miss.find((t) => t.name.startsWith('Plan of 1000'))?.status).toBe('MISS');
    expect(pass.find((t) => t.name.startsWith('Plan of 1000'))?.status).toBe('PASS');
  });

  test('too many IAM reads, too much memory and apply failures are misses with the figures shown', () => {
    const checks = checkTargets(
      [plan({ iamReads: { byOperation: { GetRole: 1000 }, total: 1000 }, maxRssMb: 121 })],
      [
        {
          n: 100,
          perSecond: 20,
          burst: 20,
          wallMs: 1,
          mutatingWindowMs: 10000,
          admitted: 220,
          throttled: 0,
          achievedPerSecond: 22,
          shareOfLimit: 1,
          failures: 1,
          exitCode: 1,
          kubeWrites: 0,
          iamReads: 5,
        },
      ],
      undefined,
    );
    const iam = checks.find((t) => t.name.startsWith('IAM read calls'));
    expect(iam).toMatchObject({
      status: 'MISS',
      goal: '≤ ⌈R/1000⌉ + 1 + C (+ E: GetAccountSummary when roles are written, GetRole per destroyed or narrowed role) = 6',
    });
    expect(iam?.measured).toContain('GetRole 1000');
    expect(checks.find((t) => t.name.startsWith('Peak RSS'))?.status).toBe('MISS');
    expect(checks.find((t) => t.name.startsWith('Apply of 100'))?.status).toBe('MISS');
  });

  test('scenarios that did not run are NOT RUN, never PASS', () => {
    const checks = checkTargets([plan({ n: 100, baseline: baseline(100000) })], [], undefined);
    for (const name of ['Plan of 1000', 'Apply under', 'dist/index.js', 'Peak RSS']) {
      expect(checks.find((t) => t.name.startsWith(name))?.status).toBe('NOT RUN');
    }
  });
});

/** A full bench's results around one 1,000-binding plan, with `overrides` on top. */
function results(overrides: Partial<BenchResults> = {}): BenchResults {
  const plans = [plan({ baseline: baseline(20000) })];
  return {
    date: '2026-11-22T00:00:00.000Z',
    mode: 'full',
    machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 24, platform: 'linux 6', node: 'v24.0.0' },
    cli: '`dist/cli.js` (bundle)',
    cliStartupMs: 150,
    plans,
    applies: [],
    load: { before: [0.5, 0.4, 0.3], after: [0.5, 0.4, 0.3] },
    targets: checkTargets(plans, [], undefined),
    durationMs: 1000,
    ...overrides,
  };
}

test('renderMarkdown shows every target with its result and the machine', () => {
  const loaded = results({ load: { before: [0.5, 0.4, 0.3], after: [3.5, 1, 0.5] } });
  const markdown = renderMarkdown(loaded);
  expect(markdown).toContain('Test CPU, 2 cores');
  for (const t of loaded.targets) expect(markdown).toContain(`| ${t.name} | ${t.goal} | ${t.measured} |`);
  expect(markdown).toContain('20.0×');
  // The load average is reported, and a load above the cores is called out.
  expect(markdown).toContain('0.50 / 0.40 / 0.30 before, 3.50 / 1.00 / 0.50 after');
  expect(markdown).toContain('the machine was loaded');
});

test('the report says which commit was measured and whether the bundle is what src/ builds', () => {
  expect(renderMarkdown(results({ revision: '0123456789ab', bundleCurrent: true }))).toContain(
    'CLI under test: `dist/cli.js` (bundle), identical to a fresh build of src/ at 0123456789ab.',
  );
  expect(
    renderMarkdown(results({ revision: '0123456789ab + uncommitted changes', bundleCurrent: false })),
  ).toContain('**not what src/ at 0123456789ab + uncommitted changes builds now**');
  expect(renderMarkdown(results())).toContain('CLI under test: `dist/cli.js` (bundle).');
});

test('the speed-up is the median of the alternating pairs, shown with its range', () => {
  const p = plan({
    baseline: baseline(20000),
    ratio: { median: 12, min: 9.5, max: 14, runs: [9.5, 12, 14] },
  });
  const check = checkTargets([p], [], undefined).find((t) => t.name.startsWith('Plan of 1000'));
  expect(check).toMatchObject({ status: 'PASS' });
  expect(check?.measured).toContain('12.0× (median of 3 pairs, 9.5–14.0×');
});

/** A scaling row whose only stage (the apply graph) took `t` ms at `n` bindings. */
const row = (n: number, t: number) => ({
  n,
  serviceAccounts: n,
  fileBytes: n,
  changes: n,
  ms: { graph: t },
  cpuMs: { graph: t },
  errors: {},
});

test('growth per doubling: linear ≈ 2, quadratic ≈ 4; a quadratic stage is a miss', async () => {
  const { perDoubling } = await import('../../bench/scaling.js');
  expect(perDoubling(1000, 100, 2500, 250)).toBeCloseTo(2);
  expect(perDoubling(5000, 100, 10000, 400)).toBeCloseTo(4);
  const checks = checkTargets([], [], undefined, { scaling: [row(1000, 10), row(2000, 40)] });
  expect(checks.find((t) => t.name.startsWith('Growth per doubling'))).toMatchObject({ status: 'MISS' });
  const linear = checkTargets([], [], undefined, { scaling: [row(1000, 10), row(2000, 20)] });
  expect(linear.find((t) => t.name.startsWith('Growth per doubling'))).toMatchObject({ status: 'PASS' });
});

test('growth fitted over every size: one fast size does not make a linear stage a miss, a quadratic one still is', async () => {
  const { fittedPerDoubling } = await import('../../bench/scaling.js');
  expect(
    fittedPerDoubling([
      [1000, 10],
      [2000, 20],
      [4000, 40],
    ]),
  ).toBeCloseTo(2);
  expect(
    fittedPerDoubling([
      [1000, 10],
      [2000, 40],
      [4000, 160],
    ]),
  ).toBeCloseTo(4);
  // The apply graph as measured: 3.9 / 4.3 / 2.8 / 4.3 µs per change; 5,000 → 10,000 alone reads 3.1×.
  const measured = [row(1000, 9), row(2500, 25), row(5000, 33), row(10000, 101)];
  const check = checkTargets([], [], undefined, { scaling: measured }).find((t) =>
    t.name.startsWith('Growth per doubling'),
  );
  expect(check).toMatchObject({ status: 'PASS' });
  expect(check?.measured).toContain('worst single step 3.06× (graph, 5000 → 10000)');
  const quadratic = [row(1000, 10), row(2500, 62), row(5000, 250), row(10000, 1000)];
  expect(
    checkTargets([], [], undefined, { scaling: quadratic }).find((t) =>
      t.name.startsWith('Growth per doubling'),
    ),
  ).toMatchObject({ status: 'MISS' });
});

test('median', () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 2, 3])).toBe(2.5);
  expect(() => median([])).toThrow();
});

test('medianRun keeps the median-time run, every wall time and the highest peak RSS', () => {
  const runs = [
    { wallMs: 300, maxRssMb: 90, label: 'slow' },
    { wallMs: 100, maxRssMb: 120, label: 'fast' },
    { wallMs: 200, maxRssMb: 100, label: 'middle' },
  ];
  expect(medianRun(runs)).toEqual({ wallMs: 200, maxRssMb: 120, label: 'middle', runsMs: [300, 100, 200] });
  expect(medianRun([{ wallMs: 5 }])).toEqual({ wallMs: 5, runsMs: [5] });
});
