// Many bindings files as the reusable workflow's matrix runs them: 50 files × 200 bindings (10,000
// roles, each file with its own owner) against one account's emulators, `discover` once, then one
// plan process per file, `max-parallel` at a time, as GitHub Actions' matrix jobs would. Reports the
// total IAM and Kubernetes reads, the wall time of the whole fan-out and of each file's plan, and each
// plan's peak RSS, next to the single-file figures `npm run bench` prints.
//   npm run bench:matrix [-- --files 50 --bindings 200 --max-parallel 4 --source]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';
import { cliArgs, median, ROOT, runNode, type ChildRun, type CliTarget } from './child.js';
import { startEnvironment } from './environment.js';
import { measureImport, renderImport } from './import.js';
import { setLatency } from './scenarios.js';

export interface MatrixOptions {
  files: number;
  bindingsPerFile: number;
  maxParallel: number;
  cli: CliTarget;
  log: (text: string) => void;
}

export interface MatrixResult {
  files: number;
  bindingsPerFile: number;
  maxParallel: number;
  discoverMs: number;
  wallMs: number;
  planMs: { min: number; median: number; max: number };
  rssMb: { min: number; median: number; max: number };
  iamReads: number;
  iamReadsPerFile: number;
  kubeReads: number;
  failures: string[];
  loadBefore: number[];
  loadAfter: number[];
}

const spread = (values: number[]) => ({
  min: Math.min(...values),
  median: median(values),
  max: Math.max(...values),
});

export async function measureMatrix(options: MatrixOptions): Promise<MatrixResult> {
  const { files, bindingsPerFile, maxParallel, cli, log } = options;
  const env = await startEnvironment(files * bindingsPerFile, 0, { serviceAccountsPerBinding: 1 });
  try {
    setLatency(env, 0);
    // Split the one generated file into `files` files, each with its own owner (discover refuses
    // a shared owner) and its own slice of the roles.
    const whole = parse(env.workload.text) as { owner: string; bindings: unknown[] } & Record<
      string,
      unknown
    >;
    const paths: string[] = [];
    for (let i = 0; i < files; i++) {
      const path = `teams/team-${String(i).padStart(2, '0')}/workload-identity.yaml`;
      await mkdir(join(env.dir, 'repo', path, '..'), { recursive: true });
      const slice = whole.bindings.slice(i * bindingsPerFile, (i + 1) * bindingsPerFile);
      await writeFile(
        join(env.dir, 'repo', path),
        stringify({ ...whole, owner: `${whole.owner}-${i}`, bindings: slice }),
      );
      paths.push(path);
    }
    const repo = join(env.dir, 'repo');
    const loadBefore = (await import('node:os')).loadavg();

    const discover = await runNode(cliArgs(cli, ['discover', '--format', 'json']), {
      env: env.env,
      cwd: repo,
      timeoutMs: 10 * 60_000,
    });
    const failures: string[] = [];
    if (discover.exitCode !== 0)
      failures.push(`discover: ${discover.stderr.trim().split('\n').slice(-2).join(' ')}`);
    const matrix =
      discover.exitCode === 0
        ? (JSON.parse(discover.stdout) as { include: Array<{ path: string }> })
        : undefined;
    if (matrix && matrix.include.length !== files)
      failures.push(`discover listed ${matrix.include.length} of ${files} files`);
    log(`  matrix: discover ${(discover.wallMs / 1000).toFixed(1)} s, ${matrix?.include.length ?? 0} files`);

    env.resetCounters();
    const runs: ChildRun[] = [];
    const queue = [...paths];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(maxParallel, queue.length) }, async () => {
        for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
          const run = await runNode(cliArgs(cli, ['plan', '--file', path, '--format', 'json']), {
            env: env.env,
            cwd: repo,
            timeoutMs: 10 * 60_000,
          });
          if (run.exitCode !== 0)
            failures.push(
              `plan ${path}: exit ${run.exitCode} ${run.stderr.trim().split('\n').slice(-1)[0] ?? ''}`,
            );
          runs.push(run);
        }
      }),
    );
    const wallMs = performance.now() - started;
    const counters = env.counters();
    const iamReads = counters.iam.filter((c) => !c.mutating).reduce((a, c) => a + c.count, 0);
    const kubeReads = counters.kube.filter((c) => !c.mutating).reduce((a, c) => a + c.count, 0);
    const result: MatrixResult = {
      files,
      bindingsPerFile,
      maxParallel,
      discoverMs: discover.wallMs,
      wallMs,
      planMs: spread(runs.map((r) => r.wallMs)),
      rssMb: spread(runs.map((r) => r.maxRssMb ?? Number.NaN)),
      iamReads,
      iamReadsPerFile: iamReads / files,
      kubeReads,
      failures,
      loadBefore,
      loadAfter: (await import('node:os')).loadavg(),
    };
    log(
      `  matrix: ${files} files × ${bindingsPerFile} bindings, ${maxParallel} at a time: ${(wallMs / 1000).toFixed(1)} s, plan ${(result.planMs.median / 1000).toFixed(2)} s median (${(result.planMs.min / 1000).toFixed(2)}–${(result.planMs.max / 1000).toFixed(2)}), RSS ${result.rssMb.median.toFixed(0)} MB median (max ${result.rssMb.max.toFixed(0)}), ${iamReads} IAM reads (${result.iamReadsPerFile.toFixed(1)} per file), ${kubeReads} Kubernetes reads${failures.length ? `, ${failures.length} failures` : ''}`,
    );
    return result;
  } finally {
    await env.stop();
  }
}

export function renderMatrix(r: MatrixResult): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return [
    `### Many files: ${r.files} files × ${r.bindingsPerFile} bindings, planned as a matrix (${r.maxParallel} at a time)`,
    '',
    "One plan process per file against one account, as the reusable workflow's matrix jobs run them;",
    "every file's plan reads the whole account once (GetAccountAuthorizationDetails), so IAM reads grow",
    'with the number of files, not with the number of roles per file. Nothing is applied first, so each',
    'plan GETs every ServiceAccount it would create (one per binding): that is the Kubernetes figure.',
    '',
    '| Figure | Value |',
    '| --- | --- |',
    `| discover (all files) | ${s(r.discoverMs)} |`,
    `| whole fan-out | ${s(r.wallMs)} |`,
    `| plan per file (min / median / max) | ${s(r.planMs.min)} / ${s(r.planMs.median)} / ${s(r.planMs.max)} |`,
    `| peak RSS per plan (min / median / max) | ${r.rssMb.min.toFixed(0)} / ${r.rssMb.median.toFixed(0)} / ${r.rssMb.max.toFixed(0)} MB |`,
    `| IAM reads, total (per file) | ${r.iamReads} (${r.iamReadsPerFile.toFixed(1)}) |`,
    `| Kubernetes reads, total | ${r.kubeReads} |`,
    `| load average before → after | ${r.loadBefore.map((l) => l.toFixed(1)).join(' ')} → ${r.loadAfter.map((l) => l.toFixed(1)).join(' ')} |`,
    ...(r.failures.length ? ['', 'Failures:', ...r.failures.map((f) => `- ${f}`)] : []),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      files: { type: 'string', default: '50' },
      bindings: { type: 'string', default: '200' },
      'max-parallel': { type: 'string', default: '4' },
      out: { type: 'string', default: join('bench', 'results', 'matrix.md') },
      // The committed bundle (what users run) by default; --source runs src/ through type stripping.
      source: { type: 'boolean', default: false },
    },
  });
  const result = await measureMatrix({
    files: Number(values.files),
    bindingsPerFile: Number(values.bindings),
    maxParallel: Number(values['max-parallel']),
    cli: values.source ? { kind: 'source' } : { kind: 'bundle', dir: join(ROOT, 'dist') },
    log: (t) => console.log(t),
  });
  const cli: CliTarget = values.source ? { kind: 'source' } : { kind: 'bundle', dir: join(ROOT, 'dist') };
  const imported = await measureImport(cli);
  console.log(
    `  import: ${imported.imported} of ${imported.roles} roles, ${(imported.wallMs / 1000).toFixed(2)} s, RSS ${imported.maxRssMb?.toFixed(0)} MB, IAM calls ${JSON.stringify(imported.calls)}`,
  );
  if (imported.exitCode !== 0 || imported.imported !== imported.roles)
    result.failures.push('import did not write every role');
  await writeFile(values.out, `${renderMatrix(result)}\n${renderImport(imported)}`);
  console.log(`wrote ${values.out}`);
  if (result.failures.length) process.exitCode = 1;
}

if (process.argv[1]?.endsWith('matrix.ts')) await main();
