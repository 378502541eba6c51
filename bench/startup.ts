// Start-up as a user meets it: a 10-binding plan (steady state, 0 ms latency) through the CLI
// (`node dist/cli.js plan`) and through the action (`node dist/index.js`, plan mode on a pull
// request, comment posted to the GitHub emulator), timed from spawn to the first request any
// emulator receives and to the process's exit; `node -e 0` in the same run is the floor. Runs
// alternate (node, CLI, action, node, …) so that load from other processes hits all three alike.
// The CLI also plans the same file with every cluster `kubernetes: false` (IAM only: neither the
// Kubernetes nor the Control Plane client is loaded). Then one more run of each, untimed, with
// bench/loaded-probe.mjs lists the bundle files it loads.
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { GITHUB_TOKENS, GitHubEmulator } from '../sandbox/github/emulator.js';
import { cliArgs, ROOT, runNode, spread, type ChildRun, type CliTarget, type ChildOptions } from './child.js';
import type { BenchEnvironment } from './environment.js';
import { setLatency } from './scenarios.js';
import type { LoadedFiles, StartupFigures } from './types.js';

const OWNER = 'acme';
const REPO = 'infra';
const PULL = 7;

/** The earliest request any emulator saw since the last reset, relative to the child's spawn. */
function firstRequestMs(env: BenchEnvironment, github: GitHubEmulator, run: ChildRun): number {
  const seen = [env.iam.server.firstRequestAt(), github.firstRequestAt()];
  for (const k of env.kube.values()) seen.push(k.server.firstRequestAt());
  const first = Math.min(...seen.filter((t): t is number => t !== undefined));
  if (!Number.isFinite(first)) throw new Error('the plan made no network request');
  return first - run.startedAt;
}

export async function measureStartup(
  env: BenchEnvironment,
  cli: CliTarget & { kind: 'bundle' },
  runs: number,
): Promise<StartupFigures> {
  setLatency(env, 0);
  const github = new GitHubEmulator();
  await github.start();
  try {
    github.addRepo(OWNER, REPO, { private: true, defaultBranch: 'main' });
    const headSha = 'a'.repeat(40);
    github.addPullRequest(OWNER, REPO, { number: PULL, headSha });
    const action = await actionEnvironment(env, github, headSha);
    const iamOnlyPath = join(env.dir, 'iam-only.yaml');
    const iamOnly = parse(env.workload.text) as { clusters: Record<string, { kubernetes: unknown }> };
    for (const cluster of Object.values(iamOnly.clusters)) cluster.kubernetes = false;
    await writeFile(iamOnlyPath, stringify(iamOnly));
    const cliPlan = (file: string): string[] => cliArgs(cli, ['plan', '--file', file, '--format', 'json']);
    const reset = (): void => {
      env.resetCounters();
      github.resetCounters();
    };
    const node: number[] = [];
    const cliFirst: number[] = [];
    const cliEnd: number[] = [];
    const actionFirst: number[] = [];
    const actionEnd: number[] = [];
    const iamOnlyFirst: number[] = [];
    const iamOnlyEnd: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const floor = await runNode(['-e', '0'], {
        env: { PATH: process.env.PATH },
        timeoutMs: 30_000,
        measureRss: false,
      });
      node.push(floor.wallMs);

      reset();
      const plan = await runNode(cliPlan(env.bindingsPath), {
        env: env.env,
        timeoutMs: 120_000,
        measureRss: false,
      });
      if (plan.exitCode !== 0)
        throw new Error(`CLI plan exited with ${plan.exitCode}: ${plan.stderr.slice(-500)}`);
      cliFirst.push(firstRequestMs(env, github, plan));
      cliEnd.push(plan.wallMs);

      reset();
      const run = await runNode([join(cli.dir, 'index.js')], {
        env: action.env,
        cwd: action.workspace,
        timeoutMs: 120_000,
        measureRss: false,
      });
      if (run.exitCode !== 0)
        throw new Error(`action plan exited with ${run.exitCode}: ${run.stdout.slice(-800)}`);
      actionFirst.push(firstRequestMs(env, github, run));
      actionEnd.push(run.wallMs);

      reset();
      const iam = await runNode(cliPlan(iamOnlyPath), {
        env: env.env,
        timeoutMs: 120_000,
        measureRss: false,
      });
      if (iam.exitCode !== 0)
        throw new Error(`CLI plan (IAM only) exited with ${iam.exitCode}: ${iam.stderr.slice(-500)}`);
      iamOnlyFirst.push(firstRequestMs(env, github, iam));
      iamOnlyEnd.push(iam.wallMs);
    }
    const loaded = [
      await loadedBy('CLI `--help`', cli.dir, cliArgs(cli, ['--help']), { env: { PATH: process.env.PATH } }),
      await loadedBy('CLI `plan` (Kubernetes clusters)', cli.dir, cliPlan(env.bindingsPath), {
        env: env.env,
      }),
      await loadedBy('CLI `plan` (`kubernetes: false`)', cli.dir, cliPlan(iamOnlyPath), { env: env.env }),
      await loadedBy('CLI `validate`', cli.dir, cliArgs(cli, ['validate', '--file', env.bindingsPath]), {
        env: env.env,
      }),
      await loadedBy('action, plan mode', cli.dir, [join(cli.dir, 'index.js')], {
        env: action.env,
        cwd: action.workspace,
      }),
    ];
    return {
      n: env.workload.bindings.length,
      nodeMs: spread(node),
      cli: { firstRequestMs: spread(cliFirst), endMs: spread(cliEnd) },
      cliIamOnly: { firstRequestMs: spread(iamOnlyFirst), endMs: spread(iamOnlyEnd) },
      action: { firstRequestMs: spread(actionFirst), endMs: spread(actionEnd) },
      loaded,
    };
  } finally {
    await github.stop();
  }
}

const LOADED_PROBE = join(ROOT, 'bench', 'loaded-probe.mjs');

/** One untimed run with bench/loaded-probe.mjs: the files of `dir` it loaded and their total size. */
async function loadedBy(
  label: string,
  dir: string,
  args: string[],
  options: Pick<ChildOptions, 'env' | 'cwd'>,
): Promise<LoadedFiles> {
  const list = join(tmpdir(), `wib-loaded-${process.pid}-${Date.now()}.txt`);
  try {
    const run = await runNode(['--import', LOADED_PROBE, ...args], {
      ...options,
      env: { ...options.env, BENCH_LOADED_FILE: list },
      timeoutMs: 120_000,
      measureRss: false,
    });
    if (run.exitCode !== 0)
      throw new Error(`${label} exited with ${run.exitCode}: ${run.stderr.slice(-500)}`);
    const inBundle = new Set(await readdir(dir));
    // The entry point itself may not pass through the resolve hook.
    const paths = [args[0], ...(await readFile(list, 'utf8')).split('\n')]
      .filter((entry) => entry.startsWith('file:') || entry.startsWith('/'))
      .map((entry) => (entry.startsWith('file:') ? fileURLToPath(entry) : entry));
    const files = [
      ...new Set(
        paths
          .filter((path) => path.startsWith(`${dir}/`) && inBundle.has(path.slice(dir.length + 1)))
          .map((path) => path.slice(dir.length + 1)),
      ),
    ].sort();
    const sizes = await Promise.all(files.map((f) => stat(join(dir, f)).then((s) => s.size)));
    return { label, files, bytes: sizes.reduce((a, b) => a + b, 0) };
  } finally {
    await rm(list, { force: true });
  }
}

/** A runner's environment for plan mode on an open pull request (as the action e2e tests set it). */
async function actionEnvironment(
  env: BenchEnvironment,
  github: GitHubEmulator,
  headSha: string,
): Promise<{ env: NodeJS.ProcessEnv; workspace: string }> {
  const dir = join(env.dir, 'action');
  const workspace = join(dir, 'workspace');
  await mkdir(workspace, { recursive: true });
  await writeFile(join(workspace, 'workload-identity.yaml'), env.workload.text);
  const eventPath = join(dir, 'event.json');
  await writeFile(
    eventPath,
    JSON.stringify({
      action: 'synchronize',
      number: PULL,
      pull_request: {
        number: PULL,
        state: 'open',
        merged: false,
        html_url: `https://github.com/${OWNER}/${REPO}/pull/${PULL}`,
        head: { sha: headSha, ref: `change-${PULL}`, repo: { full_name: `${OWNER}/${REPO}` } },
        base: { sha: '0'.repeat(40), ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } },
      },
      repository: {
        id: 1,
        name: REPO,
        full_name: `${OWNER}/${REPO}`,
        owner: { login: OWNER },
        default_branch: 'main',
        private: true,
      },
      sender: { login: 'octocat' },
    }),
  );
  const outputs = join(dir, 'output');
  const summary = join(dir, 'summary.md');
  await writeFile(outputs, '');
  await writeFile(summary, '');
  const inputs: Record<string, string> = {
    'bindings-file': 'workload-identity.yaml',
    mode: 'plan',
    'github-token': GITHUB_TOKENS.write,
    kubeconfig: await readFile(env.kubeconfigPath, 'utf8'),
    'cpln-token': '',
    'max-concurrency': '8',
    'require-reviewed-plan': 'true',
    comment: 'true',
  };
  const vars: NodeJS.ProcessEnv = {
    ...env.env,
    KUBECONFIG: undefined,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_REPOSITORY_OWNER: OWNER,
    GITHUB_SHA: headSha,
    GITHUB_REF: `refs/pull/${PULL}/merge`,
    GITHUB_WORKSPACE: workspace,
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_OUTPUT: outputs,
    GITHUB_STEP_SUMMARY: summary,
    RUNNER_TEMP: dir,
  };
  for (const [name, value] of Object.entries(inputs)) vars[`INPUT_${name.toUpperCase()}`] = value;
  return { env: vars, workspace };
}
