// The targets the results are judged by. Each check prints the goal beside the measured figure and
// says PASS or MISS; a target whose scenario did not run (e.g. --quick) says NOT RUN, never PASS.
import type { ApplyRun, BundleFigures, PlanRun, TargetCheck } from './types.js';

export const TARGETS = {
  speedupAtScale: { n: 1000, latencyMs: 20, factor: 10 },
  applyShare: 0.9,
  indexBytes: 3 * 1024 * 1024,
  coldStartMs: 200,
  rssMb: 120,
  rssAtN: 1000,
} as const;

/** ⌈R/1000⌉ + 1 + C: a paged account-wide read, one more call, and one per cluster. */
export function iamReadBound(rolesInAccount: number, clusters: number): number {
  return Math.ceil(rolesInAccount / 1000) + 1 + clusters;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const pass = (ok: boolean): 'PASS' | 'MISS' => (ok ? 'PASS' : 'MISS');

export function checkTargets(
  plans: PlanRun[],
  applies: ApplyRun[],
  bundle: BundleFigures | undefined,
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
          measured: `${(atScale.baseline.wallMs / atScale.wallMs).toFixed(1)}× (${fmtMs(atScale.wallMs)} vs ${fmtMs(atScale.baseline.wallMs)})`,
          status: pass(atScale.baseline.wallMs / atScale.wallMs >= factor),
        }
      : notRun(`Plan of ${n} bindings at ${latencyMs} ms vs per-role baseline`, `≥ ${factor}× faster`),
  );

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
      goal: `≤ ⌈R/1000⌉ + 1 + C = ${largest.iamReadBound}`,
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
    checks.push({
      name: 'dist/index.js size',
      goal: `≤ ${mb(TARGETS.indexBytes)}`,
      measured: `${mb(bundle.indexBytes)} (+ ${mb(bundle.handlersBytes)} handlers.js, loaded when a mode runs)`,
      status: pass(bundle.indexBytes <= TARGETS.indexBytes),
    });
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
