// Renders bench results as the Markdown the README shows: the targets first (goal, measured,
// PASS/MISS), then one table per scenario.
import { fittedGrowth, perDoubling, perDoublingSpread } from './scaling.js';
import { LATENCY_PER_KIB_MS } from './scenarios.js';
import { fmtMs } from './targets.js';
import type { BenchResults, Calls, PlanRun, Spread, TargetStatus } from './types.js';

const spreadText = (s: Spread): string => `${fmtMs(s.median)} (${fmtMs(s.min)}–${fmtMs(s.max)})`;

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
    `Measured ${results.date} (${results.mode === 'quick' ? '`npm run bench -- --quick`' : '`npm run bench`'}, ${fmtMs(results.durationMs)}) on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(0)} GiB, ${m.platform}, Node ${m.node}. CLI under test: ${results.cli}${bundleNote(results)}.`,
    '',
    `Machine load (1/5/15-minute load average, ${m.cores} cores): ${results.load.before.map((l) => l.toFixed(2)).join(' / ')} before, ${results.load.after.map((l) => l.toFixed(2)).join(' / ')} after${Math.max(...results.load.before, ...results.load.after) > m.cores ? ' — **the machine was loaded** (other processes competed for the cores): wall times are inflated; CPU times, ratios of alternating pairs and call counts are the steadier figures' : ''}.`,
    '',
    `Network model of the emulators: a fixed latency per request (the column Latency) plus ${LATENCY_PER_KIB_MS} ms per KiB of request and response body (~100 Mbit/s; left out at 0 ms), so a 1,000-role page costs more than one GetRole.`,
    '',
    '| Target | Goal | Measured | Result |',
    '| --- | --- | --- | --- |',
    ...results.targets.map((t) => `| ${t.name} | ${t.goal} | ${t.measured} | ${MARK[t.status]} |`),
  ];
  const notes = results.targets.filter((t) => t.note && t.status !== 'NOT RUN');
  if (notes.length) lines.push('', ...notes.map((t) => `- ${t.name}: ${t.note}`));
  lines.push(
    '',
    "Where a plan's memory goes (heap sampling with collected objects, memory at stage boundaries, the process's memory map) and what was cut: [bench/results/memory.md](bench/results/memory.md).",
  );

  const steady = results.plans.filter((p) => p.state === 'steady');
  if (steady.length) {
    lines.push(
      '',
      `**Plan, steady state** (everything applied; R = roles in the account, C = 2 clusters). Baseline: Terraform's refresh of the iam-role-for-service-accounts pattern (bench/baseline-refresh.ts: per role GetRole, ListRolePolicies, GetRolePolicy per inline policy, ListAttachedRolePolicies; per aws_iam_role_policy GetRolePolicy; per attachment ListAttachedRolePolicies; per provider GetOpenIDConnectProvider; per ServiceAccount one GET; 10 resources at a time), run as its own Node process and timed as a process from spawn to exit, like the CLI. Plan and baseline run in alternating pairs; wall times are medians, the speed-up is the median of the pairs' ratios with their range; peak RSS (the process's own high-water mark, VmHWM, read as it exits; bench/rss-probe.mjs says why not getrusage) is the highest of the runs.`,
      '',
      '| N | Latency | R | Wall | Baseline wall | Speed-up (range) | IAM reads (bound) | Baseline IAM calls | Kube calls | Baseline Kube calls | Peak RSS |',
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
  const st = results.startup;
  if (st) {
    lines.push(
      '',
      `**Start-up**: a ${st.n}-binding plan (steady state, 0 ms latency) from process spawn to the first request any emulator received, and to the process's exit; median (min–max) of ${st.nodeMs.runs.length} runs, alternating with \`node -e 0\` in the same run. The action runs \`dist/index.js\` in plan mode on a pull request (the comment goes to the GitHub emulator).`,
      '',
      '| Process | First request | End of the plan |',
      '| --- | --: | --: |',
      `| \`node -e 0\` | — | ${spreadText(st.nodeMs)} |`,
      `| CLI (\`node dist/cli.js plan\`) | ${spreadText(st.cli.firstRequestMs)} | ${spreadText(st.cli.endMs)} |`,
      ...(st.cliIamOnly
        ? [
            `| CLI, the same file with every cluster \`kubernetes: false\` (IAM only) | ${spreadText(st.cliIamOnly.firstRequestMs)} | ${spreadText(st.cliIamOnly.endMs)} |`,
          ]
        : []),
      `| Action (\`node dist/index.js\`, plan mode) | ${spreadText(st.action.firstRequestMs)} | ${spreadText(st.action.endMs)} |`,
    );
    if (st.loaded?.length)
      lines.push(
        '',
        'What each kind of run loads from the bundle (one more, untimed run each with `bench/loaded-probe.mjs`, which records every module the process resolves):',
        '',
        '| Run | Files | Bytes loaded | Files loaded |',
        '| --- | --: | --: | --- |',
        ...st.loaded.map(
          (l) =>
            `| ${l.label} | ${l.files.length} | ${l.bytes.toLocaleString('en-US')} | ${l.files.join(', ')} |`,
        ),
      );
  }
  const sc = results.scaling ?? [];
  if (sc.length) {
    const stages = Object.keys(sc[0].cpuMs);
    lines.push(
      '',
      `**Scaling**: every in-process stage for files of ${sc.map((r) => r.n.toLocaleString('en-US')).join(' / ')} bindings (a third with two ServiceAccounts; the first plan, every change a create; bench/stages.ts, each N in its own process, ${sc[0].cpuRuns?.[stages[0]]?.length ?? 1} rounds over the sizes in turn). Median CPU time of the stage's thread in ms (wall time in brackets; a full GC, untimed, before each stage), the growth per doubling of N from the previous size ((t₂/t₁)^(1/log₂(N₂/N₁)) of the medians; linear ≈ 2, quadratic ≈ 4), and the growth per doubling fitted over all sizes (2^slope of log₂ t against log₂ N: one outlying size moves it less), each with its range over the rounds in brackets. The target is judged on the fit.`,
      '',
      `| Stage | ${sc.map((r) => `N = ${r.n}`).join(' | ')} | ${sc
        .slice(1)
        .map((r, i) => `×/doubling ${sc[i].n}→${r.n}`)
        .join(' | ')} | ×/doubling, fit ${sc[0].n}…${sc[sc.length - 1].n} |`,
      `| --- | ${sc.map(() => '--:').join(' | ')} | ${sc
        .slice(1)
        .map(() => '--:')
        .join(' | ')} | --: |`,
      ...stages.map((stage) => {
        const cells = sc.map((r) =>
          r.errors[stage]
            ? `fails: ${r.errors[stage]}`
            : `${r.cpuMs[stage].toFixed(0)} (${r.ms[stage].toFixed(0)})`,
        );
        const ratios = sc.slice(1).map((r, i) => {
          const ratio = perDoubling(sc[i].n, sc[i].cpuMs[stage], r.n, r.cpuMs[stage]);
          const range = perDoublingSpread(sc[i], r, stage);
          if (ratio === undefined) return '—';
          return range && range[0] !== range[1]
            ? `${ratio.toFixed(2)}× (${range[0].toFixed(2)}–${range[1].toFixed(2)})`
            : `${ratio.toFixed(2)}×`;
        });
        const fit = fittedGrowth(sc, stage);
        const fitted =
          fit.value === undefined
            ? '—'
            : fit.range && fit.range[0] !== fit.range[1]
              ? `${fit.value.toFixed(2)}× (${fit.range[0].toFixed(2)}–${fit.range[1].toFixed(2)})`
              : `${fit.value.toFixed(2)}×`;
        return `| ${stage} | ${cells.join(' | ')} | ${ratios.join(' | ')} | ${fitted} |`;
      }),
      `| (file size, ServiceAccounts, changes) | ${sc.map((r) => `${(r.fileBytes / 1024 / 1024).toFixed(1)} MiB, ${r.serviceAccounts}, ${r.changes}`).join(' | ')} | ${sc
        .slice(1)
        .map(() => '')
        .join(' | ')} | |`,
    );
  }
  const fl = results.fleet ?? [];
  if (fl.length) {
    lines.push(
      '',
      "**Fleet size** through the CLI (bundle) against the emulators at 0 ms latency: 5,000 bindings with two ServiceAccounts each (IAM's maximum of roles per account; 10,000 ServiceAccounts), and 10,000 single-ServiceAccount bindings (headroom beyond IAM's maximum: the emulator's roles quota is raised past 5,000 for it).",
      '',
      '| File | Size | Step | Exit | Wall | Peak RSS | Changes | Note |',
      '| --- | --: | --- | --: | --: | --: | --: | --- |',
      ...fl.map(
        (r) =>
          `| ${r.label} | ${(r.fileBytes / 1024 / 1024).toFixed(1)} MiB | ${r.step} | ${r.exitCode} | ${fmtMs(r.wallMs)} | ${rss(r.maxRssMb)} | ${r.changes ?? '—'}${r.failures ? ` (${r.failures} failed)` : ''} | ${r.note ?? ''} |`,
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
      '',
      `Every file of the bundle (${(b.files ?? []).length} files, ${(b.files ?? []).reduce((a, f) => a + f.bytes, 0).toLocaleString('en-US')} bytes; the \`chunk-*.js\` files hold the code the entries share or import lazily — the table under Start-up shows which ones each run loads):`,
      '',
      '| File | Bytes |',
      '| --- | --: |',
      ...(b.files ?? []).map((f) => `| ${f.name} | ${f.bytes.toLocaleString('en-US')} |`),
    );
  }
  return `${lines.join('\n')}\n`;
}

function steadyRow(p: PlanRun): string {
  const base = p.baseline;
  const speedup = p.ratio
    ? `${p.ratio.median.toFixed(1)}× (${p.ratio.min.toFixed(1)}–${p.ratio.max.toFixed(1)})`
    : base
      ? `${(base.wallMs / p.wallMs).toFixed(1)}×`
      : '—';
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

function bundleNote(results: BenchResults): string {
  const at = results.revision ? ` at ${results.revision}` : '';
  if (results.bundleCurrent === true) return `, identical to a fresh build of src/${at}`;
  if (results.bundleCurrent === false) return ` — **not what src/${at} builds now** (run \`npm run bundle\`)`;
  return at ? `; sources${at}` : '';
}
