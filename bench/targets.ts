// The targets the results are judged by. Each check prints the goal beside the measured figure and
// says PASS or MISS; a target whose scenario did not run (e.g. --quick) says NOT RUN, never PASS.
import { fittedGrowth, perDoubling } from './scaling.js';
import type { ApplyRun, BenchResults, BundleFigures, PlanRun, TargetCheck } from './types.js';

export const TARGETS = {
  speedupAtScale: { n: 1000, latencyMs: 20, factor: 10 },
  applyShare: 0.9,
  indexBytes: 3 * 1024 * 1024,
  coldStartMs: 200,
  rssMb: 120,
  rssAtN: 1000,
  fleetRssMb: 250,
  fleetRssAtN: 10000,
  /** Every stage's growth per doubling of N in the scaling table. */
  perDoubling: 2.3,
  /** Spawn → first network request of a 10-binding plan, as a multiple of `node -e 0`. */
  firstRequestFactor: 5,
} as const;

/**
 * ⌈R/1000⌉ + 1 + C: a paged account-wide read, one more call, and one per cluster; plus the plan's
 * own checks, E: one GetAccountSummary when it writes roles and one GetRole per role it destroys or
 * narrows (RoleLastUsed). A plan without changes has E = 0.
 */
export function iamReadBound(rolesInAccount: number, clusters: number, checks = 0): number {
  return Math.ceil(rolesInAccount / 1000) + 1 + clusters + checks;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const pass = (ok: boolean): 'PASS' | 'MISS' => (ok ? 'PASS' : 'MISS');

/** Baseline ÷ plan: the median of the alternating pairs when there are pairs, with their spread. */
function speedup(p: PlanRun): { value: number; text: string } {
  if (p.ratio)
    return {
      value: p.ratio.median,
      text: `${p.ratio.median.toFixed(1)}× (median of ${p.ratio.runs.length} pairs, ${p.ratio.min.toFixed(1)}–${p.ratio.max.toFixed(1)}×; ${fmtMs(p.wallMs)} vs ${fmtMs(p.baseline!.wallMs)})`,
    };
  const value = p.baseline!.wallMs / p.wallMs;
  return { value, text: `${value.toFixed(1)}× (${fmtMs(p.wallMs)} vs ${fmtMs(p.baseline!.wallMs)})` };
}

export function checkTargets(
  plans: PlanRun[],
  applies: ApplyRun[],
  bundle: BundleFigures | undefined,
  extra: Partial<Pick<BenchResults, 'startup' | 'scaling' | 'fleet'>> = {},
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const { n, latencyMs, factor } = TARGETS.speedupAtScale;

  const atScale = plans.find(
    (p) => p.state === 'steady' && p.n === n && p.latencyMs === latencyMs && p.baseline,
  );
  checks.push(
    atScale?.baseline
      ? {
          name: `Plan of ${n} bindings at ${latencyMs} ms vs per-role baseline`,
          goal: `≥ ${factor}× faster`,
          measured: speedup(atScale).text,
          status: pass(speedup(atScale).value >= factor),
        }
      : notRun(`Plan of ${n} bindings at ${latencyMs} ms vs per-role baseline`, `≥ ${factor}× faster`),
  );
  const small = plans.find((p) => p.state === 'steady' && p.n === 10 && p.latencyMs === 0 && p.baseline);
  checks.push(
    small?.baseline
      ? {
          name: 'Plan of 10 bindings at 0 ms vs per-role baseline process',
          goal: 'faster (> 1×)',
          measured: speedup(small).text,
          status: pass(speedup(small).value > 1),
        }
      : notRun('Plan of 10 bindings at 0 ms vs per-role baseline process', 'faster (> 1×)'),
  );
  const startup = extra.startup;
  for (const [which, label] of [
    ['cli', 'CLI'],
    ['action', 'action'],
  ] as const) {
    const name = `Start-up to the first request, 10-binding plan, ${label}`;
    const goal = `≤ ${TARGETS.firstRequestFactor}× \`node -e 0\``;
    if (!startup) {
      checks.push(notRun(name, goal));
      continue;
    }
    const first = startup[which].firstRequestMs;
    const times = first.median / startup.nodeMs.median;
    checks.push({
      name,
      goal,
      measured: `${times.toFixed(1)}× (${fmtMs(first.median)} vs ${fmtMs(startup.nodeMs.median)}, medians of ${first.runs.length})`,
      status: pass(times <= TARGETS.firstRequestFactor),
    });
  }
  const scaling = extra.scaling ?? [];
  if (scaling.length >= 2) {
    // Judged on the growth fitted over every size (see fittedPerDoubling); the worst step between
    // two neighbouring sizes is printed beside it.
    let worst: { stage: string; ratio: number; range?: [number, number] } | undefined;
    let worstStep: { stage: string; ratio: number; between: string } | undefined;
    for (const stage of Object.keys(scaling[scaling.length - 1].cpuMs)) {
      const fit = fittedGrowth(scaling, stage);
      if (fit.value !== undefined && (!worst || fit.value > worst.ratio))
        worst = { stage, ratio: fit.value, range: fit.range };
    }
    for (let i = 1; i < scaling.length; i += 1) {
      const [a, b] = [scaling[i - 1], scaling[i]];
      for (const stage of Object.keys(b.cpuMs)) {
        const ratio = perDoubling(a.n, a.cpuMs[stage] ?? 0, b.n, b.cpuMs[stage]);
        if (ratio !== undefined && (!worstStep || ratio > worstStep.ratio))
          worstStep = { stage, ratio, between: `${a.n} → ${b.n}` };
      }
    }
    const errors = scaling.flatMap((r) =>
      Object.entries(r.errors).map(([stage, e]) => `${r.n}: ${stage}: ${e}`),
    );
    checks.push({
      name: `Growth per doubling of N, every stage (${scaling.map((r) => r.n).join(' / ')} bindings, fitted over all sizes)`,
      goal: `≤ ${TARGETS.perDoubling}×, no stage fails`,
      measured: worst
        ? `worst ${worst.ratio.toFixed(2)}×${worst.range ? ` (rounds ${worst.range[0].toFixed(2)}–${worst.range[1].toFixed(2)})` : ''} (${worst.stage}, CPU time)${worstStep ? `; worst single step ${worstStep.ratio.toFixed(2)}× (${worstStep.stage}, ${worstStep.between})` : ''}${errors.length ? `; ${errors.length} failed: ${errors[0]}` : ''}`
        : '—',
      status: pass(!!worst && worst.ratio <= TARGETS.perDoubling && errors.length === 0),
    });
  } else {
    checks.push(notRun('Growth per doubling of N, every stage', `≤ ${TARGETS.perDoubling}×`));
  }
  const fleet = extra.fleet ?? [];
  if (fleet.length) {
    const failed = fleet.filter((r) => r.exitCode !== 0 || (r.failures ?? 0) > 0);
    checks.push({
      name: '5,000 bindings × 2 ServiceAccounts validate, plan, apply; 10,000 bindings validate, plan',
      goal: 'every step exits 0',
      measured: failed.length
        ? failed.map((r) => `${r.label} ${r.step}: exit ${r.exitCode}`).join('; ')
        : `${fleet.length} steps, all exit 0`,
      status: pass(failed.length === 0),
    });
    const big = fleet.filter(
      (r) => r.n === TARGETS.fleetRssAtN && r.step === 'plan' && r.maxRssMb !== undefined,
    );
    checks.push(
      big.length
        ? {
            name: `Peak RSS of plan, ${TARGETS.fleetRssAtN} bindings`,
            goal: `≤ ${TARGETS.fleetRssMb} MB`,
            measured: `${Math.max(...big.map((r) => r.maxRssMb!)).toFixed(0)} MB`,
            status: pass(Math.max(...big.map((r) => r.maxRssMb!)) <= TARGETS.fleetRssMb),
          }
        : notRun(`Peak RSS of plan, ${TARGETS.fleetRssAtN} bindings`, `≤ ${TARGETS.fleetRssMb} MB`),
    );
  } else {
    checks.push(
      notRun('Fleet-size runs (5,000 × 2 SAs; 10,000)', 'every step exits 0; RSS ≤ 250 MB at 10,000'),
    );
  }

  // IAM reads: the largest plan of each state, which is where a per-role call would show.
  for (const state of ['steady', 'first'] as const) {
    const largest = plans
      .filter((p) => p.state === state)
      .sort((a, b) => b.n - a.n || b.latencyMs - a.latencyMs)[0];
    if (!largest) continue;
    const byOp = Object.entries(largest.iamReads.byOperation)
      .map(([op, count]) => `${op} ${count}`)
      .join(', ');
    checks.push({
      name: `IAM read calls, ${state === 'steady' ? 'steady-state' : 'first'} plan of ${largest.n} bindings (R = ${largest.rolesInAccount}, C = ${largest.clusters})`,
      goal: `≤ ⌈R/1000⌉ + 1 + C (+ E: GetAccountSummary when roles are written, GetRole per destroyed or narrowed role) = ${largest.iamReadBound}`,
      measured: `${largest.iamReads.total} (${byOp})`,
      status: pass(largest.iamReads.total <= largest.iamReadBound),
      note:
        largest.iamReads.total > largest.iamReadBound
          ? 'By design of the readers: GetAccountAuthorizationDetails has no Description/MaxSessionDuration, so one ListRoles under the role path fills them in; OIDC providers cost ListOpenIDConnectProviders + one Get per issuer.'
          : undefined,
    });
  }

  if (applies.length === 0)
    checks.push(
      notRun('Apply under a mutating-call rate limit', `≥ ${TARGETS.applyShare * 100} % of K, 0 failures`),
    );
  for (const a of applies) {
    checks.push({
      name: `Apply of ${a.n} new bindings, K = ${a.perSecond}/s`,
      goal: `≥ ${TARGETS.applyShare * 100} % of K, 0 failures`,
      measured: `${(a.shareOfLimit * 100).toFixed(0)} % (${a.achievedPerSecond.toFixed(1)}/s), ${a.failures} failures`,
      status: pass(a.shareOfLimit >= TARGETS.applyShare && a.failures === 0 && a.exitCode === 0),
    });
  }

  if (bundle) {
    // index.js alone is a few KB: the code sits in chunk files. What counts is what a run loads.
    const loaded = extra.startup?.loaded ?? [];
    const action = loaded.find((l) => l.label.startsWith('action'));
    const biggest = loaded.reduce<(typeof loaded)[number] | undefined>(
      (a, l) => (a === undefined || l.bytes > a.bytes ? l : a),
      undefined,
    );
    checks.push(
      biggest
        ? {
            name: 'Bundle code loaded by a run (every file it loads, chunks included)',
            goal: `≤ ${mb(TARGETS.indexBytes)}`,
            measured: `${mb(biggest.bytes)} (${biggest.label}, ${biggest.files.length} files)${action && action !== biggest ? `; action plan ${mb(action.bytes)}` : ''}; the whole bundle ${mb(bundle.files.reduce((a, f) => a + f.bytes, 0))}`,
            status: pass(biggest.bytes <= TARGETS.indexBytes),
          }
        : notRun('Bundle code loaded by a run', `≤ ${mb(TARGETS.indexBytes)}`),
    );
    for (const [which, label] of [
      ['index', 'node dist/index.js (no inputs)'],
      ['cli', 'node dist/cli.js --help'],
    ] as const) {
      const median = bundle.coldStart[which].medianMs;
      checks.push({
        name: `Cold start, ${label}`,
        goal: `≤ ${TARGETS.coldStartMs} ms (median)`,
        measured: fmtMs(median),
        status: pass(median <= TARGETS.coldStartMs),
      });
    }
  } else {
    checks.push(
      notRun('dist/index.js size and cold start', `≤ ${mb(TARGETS.indexBytes)}, ≤ ${TARGETS.coldStartMs} ms`),
    );
  }

  const rssRuns = plans.filter((p) => p.n === TARGETS.rssAtN && p.maxRssMb !== undefined);
  const peak = Math.max(...rssRuns.map((p) => p.maxRssMb!));
  checks.push(
    rssRuns.length
      ? {
          name: `Peak RSS of plan, ${TARGETS.rssAtN} bindings`,
          goal: `≤ ${TARGETS.rssMb} MB`,
          measured: `${peak.toFixed(0)} MB`,
          status: pass(peak <= TARGETS.rssMb),
        }
      : notRun(`Peak RSS of plan, ${TARGETS.rssAtN} bindings`, `≤ ${TARGETS.rssMb} MB`),
  );
  return checks;
}

function notRun(name: string, goal: string): TargetCheck {
  return {
    name,
    goal,
    measured: '—',
    status: 'NOT RUN',
    note: 'scenario not part of this run (run `npm run bench` without --quick)',
  };
}

export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}
