// Renders bench results as the Markdown the README shows: the targets first (goal, measured,
// PASS/MISS), then one table per scenario.
import { fmtMs } from './targets.js';
import type { BenchResults, Calls, PlanRun, TargetStatus } from './types.js';

const MARK: Record<TargetStatus, string> = { PASS: '✅ PASS', MISS: '❌ MISS', 'NOT RUN': '⏸ NOT RUN' };

const ops = (calls: Calls): string =>
  Object.entries(calls.byOperation)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, count]) => `${op} ${count}`)
    .join(', ') || '—';

const rss = (mb: number | undefined): string => (mb === undefined ? '—' : `${mb.toFixed(0)} MB`);

export function renderMarkdown(results: BenchResults): string {
  const m = results.machine;
  const lines: string[] = [
    `Measured ${results.date} (${results.mode === 'quick' ? '`npm run bench -- --quick`' : '`npm run bench`'}, ${fmtMs(results.durationMs)}) on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(0)} GiB, ${m.platform}, Node ${m.node}. CLI under test: ${results.cli}.`,
    '',
    '| Target | Goal | Measured | Result |',
    '| --- | --- | --- | --- |',
    ...results.targets.map((t) => `| ${t.name} | ${t.goal} | ${t.measured} | ${MARK[t.status]} |`),
  ];
  const notes = results.targets.filter((t) => t.note && t.status !== 'NOT RUN');
  if (notes.length) lines.push('', ...notes.map((t) => `- ${t.name}: ${t.note}`));

  const steady = results.plans.filter((p) => p.state === 'steady');
  if (steady.length) {
    lines.push(
      '',
      `**Plan, steady state** (everything applied; R = roles in the account, C = 2 clusters). Baseline: per-role refresh as Terraform does it (bench/baseline-refresh.ts, 10 at a time); its wall time = its reads + the CLI's own start-up (${fmtMs(results.cliStartupMs)}, \`--help\`), so both pay one start-up.${steady.some((p) => (p.runsMs?.length ?? 1) > 1) ? ` Wall times are the median of ${Math.max(...steady.map((p) => p.runsMs?.length ?? 1))} runs (plan and baseline alternated); peak RSS is the highest of them.` : ''}`,
      '',
      '| N | Latency | R | Wall | Baseline wall | Speed-up | IAM reads (bound) | Baseline IAM calls | Kube calls | Baseline Kube calls | Peak RSS |',
      '| --: | --: | --: | --: | --: | --: | --- | --: | --- | --: | --: |',
      ...steady.map(steadyRow),
    );
  }
  const first = results.plans.filter((p) => p.state === 'first');
  if (first.length) {
    lines.push(
      '',
      '**Plan, first run** (nothing applied yet: every change is a create).',
      '',
      '| N | Latency | R | Wall | Changes | IAM reads (bound) | Kube calls | Peak RSS |',
      '| --: | --: | --: | --: | --: | --- | --- | --: |',
      ...first.map(
        (p) =>
          `| ${p.n} | ${p.latencyMs} ms | ${p.rolesInAccount} | ${fmtMs(p.wallMs)} | ${p.changes} | ${p.iamReads.total} (≤ ${p.iamReadBound}): ${ops(p.iamReads)} | ${p.kube.total}: ${ops(p.kube)} | ${rss(p.maxRssMb)} |`,
      ),
    );
  }
  if (results.applies.length) {
    lines.push(
      '',
      '**Apply** of N new bindings (`apply --auto-approve`, which plans first) with IAM admitting K mutating calls/s (token bucket of `burst` tokens; excess calls get `Throttling`). Share = admitted calls / (burst + K × window from the first to the last mutating call).',
      '',
      '| N | K | Burst | Wall | Mutating window | Admitted | Throttled | Achieved | Share of limit | Failures | Kube writes | IAM reads |',
      '| --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
      ...results.applies.map(
        (a) =>
          `| ${a.n} | ${a.perSecond}/s | ${a.burst} | ${fmtMs(a.wallMs)} | ${fmtMs(a.mutatingWindowMs)} | ${a.admitted} | ${a.throttled} | ${a.achievedPerSecond.toFixed(1)}/s | ${(a.shareOfLimit * 100).toFixed(0)} % | ${a.failures} | ${a.kubeWrites} | ${a.iamReads} |`,
      ),
    );
  }
  const b = results.bundle;
  if (b) {
    lines.push(
      '',
      `**Bundle** (${b.dir}); cold start = wall time of the child process, median of ${b.coldStart.index.runsMs.length} runs.`,
      '',
      '| File | Size | Cold start |',
      '| --- | --: | --: |',
      `| index.js (\`node dist/index.js\`, no inputs) | ${(b.indexBytes / 1024 / 1024).toFixed(2)} MB | ${fmtMs(b.coldStart.index.medianMs)} |`,
      `| handlers.js (imported by index.js once a mode runs: AWS SDK, Kubernetes client, Octokit) | ${(b.handlersBytes / 1024 / 1024).toFixed(2)} MB | — |`,
      `| cli.js (\`node dist/cli.js --help\`) | ${(b.cliBytes / 1024 / 1024).toFixed(2)} MB | ${fmtMs(b.coldStart.cli.medianMs)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function steadyRow(p: PlanRun): string {
  const base = p.baseline;
  const speedup = base ? `${(base.wallMs / p.wallMs).toFixed(1)}×` : '—';
  return [
    p.n,
    `${p.latencyMs} ms`,
    p.rolesInAccount,
    fmtMs(p.wallMs),
    base ? fmtMs(base.wallMs) : '—',
    speedup,
    `${p.iamReads.total} (≤ ${p.iamReadBound}): ${ops(p.iamReads)}`,
    base ? base.iam.total : '—',
    `${p.kube.total}: ${ops(p.kube)}`,
    base ? base.kube.total : '—',
    rss(p.maxRssMb),
  ]
    .join(' | ')
    .replace(/^/, '| ')
    .concat(' |');
}
