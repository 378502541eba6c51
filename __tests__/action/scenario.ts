// The action's scenario end to end: a runner's environment (event payload, INPUT_*, GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY, RUNNER_TEMP) against the GitHub, IAM and Kubernetes emulators, through every
// mode: plan on pull requests, apply on merge (and its refusals), drift on a schedule, discover,
// forks and invalid files. How the action is started is the caller's: e2e.test.ts runs the bundle
// as a subprocess, __tests__/main.test.ts calls run() from src/main.ts in this process.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GITHUB_TOKENS, GitHubEmulator } from '../../sandbox/github/emulator.js';
import { IamEmulator } from '../../sandbox/iam/index.js';
import { KubeEmulator, kubeconfigFor } from '../../sandbox/kube/emulator.js';
import { parseMarker, APPLY_MARKER, DRIFT_MARKER } from '../../src/github/marker.js';

/** Runs the action once with `env` as its whole environment and `cwd` as its working directory. */
export type LaunchAction = (
  env: NodeJS.ProcessEnv,
  cwd: string,
) => Promise<{ code: number | null; stdout: string }>;

const OWNER = 'acme';
const REPO = 'infra';
const FILE = 'workload-identity.yaml';
const BOT = 'github-actions[bot]';

export function actionScenario(launch: LaunchAction): void {
  const github = new GitHubEmulator();
  const iam = new IamEmulator();
  // Tokens signed as the file's issuer, whose discovery document and JWKS STS finds on this
  // emulator: the apply's verify step exchanges real tokens.
  const kube = new KubeEmulator({ issuer: 'https://oidc.example.com/id/ABC' });
  let work = '';
  let kubeconfig = '';
  let shaCounter = 0;

  const sha = (): string => (++shaCounter).toString(16).padStart(40, '0');

  function bindings(serviceAccounts: string[]): string {
    return [
      'version: 1',
      'owner: acme/platform-iam',
      'aws:',
      "  accountId: '123456789012'",
      'clusters:',
      '  prod:',
      '    issuer: https://oidc.example.com/id/ABC',
      '    kubernetes: { context: prod }',
      'bindings:',
      '  - role: s3-reader',
      '    description: Reads the assets bucket',
      '    serviceAccounts:',
      ...serviceAccounts.map((name) => `      - { cluster: prod, namespace: default, name: ${name} }`),
      '    managedPolicies:',
      '      - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      '',
    ].join('\n');
  }

  interface RunResult {
    code: number | null;
    stdout: string;
    outputs: Record<string, string>;
    summary: string;
  }

  /** GITHUB_OUTPUT holds `name<<DELIMITER\nvalue\nDELIMITER` blocks. */
  function parseOutputs(text: string): Record<string, string> {
    const outputs: Record<string, string> = {};
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const match = /^([^<]+)<<(.+)$/.exec(lines[i]);
      if (!match) continue;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i]);
      outputs[match[1]] = value.join('\n');
    }
    return outputs;
  }

  interface RunOptions {
    event: 'pull_request' | 'push' | 'schedule';
    payload: Record<string, unknown>;
    sha: string;
    ref: string;
    inputs?: Record<string, string>;
    token?: string;
    env?: Record<string, string>;
  }

  let runCounter = 0;

  async function runAction(options: RunOptions): Promise<RunResult> {
    const dir = join(work, `run-${++runCounter}`);
    mkdirSync(dir);
    const eventPath = join(dir, 'event.json');
    writeFileSync(eventPath, JSON.stringify(options.payload, null, 2));
    const outputFile = join(dir, 'output');
    const summaryFile = join(dir, 'summary.md');
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    const inputs: Record<string, string> = {
      'bindings-file': FILE,
      mode: 'auto',
      'github-token': options.token ?? GITHUB_TOKENS.write,
      kubeconfig,
      'cpln-token': '',
      'max-concurrency': '8',
      'require-reviewed-plan': 'true',
      comment: 'true',
      ...options.inputs,
    };
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: dir,
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_EVENT_NAME: options.event,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_REPOSITORY_OWNER: OWNER,
      GITHUB_SHA: options.sha,
      GITHUB_REF: options.ref,
      GITHUB_WORKSPACE: work,
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: String(1000 + runCounter),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: dir,
      AWS_ENDPOINT_URL_IAM: iam.url,
      AWS_ENDPOINT_URL_STS: iam.url,
      AWS_ACCESS_KEY_ID: 'AKIAEMULATOREXAMPLE0',
      AWS_SECRET_ACCESS_KEY: 'emulator-secret-access-key',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...options.env,
    };
    for (const [name, value] of Object.entries(inputs))
      env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
    const { code, stdout } = await launch(env, work);
    return {
      code,
      stdout,
      outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
      summary: readFileSync(summaryFile, 'utf8'),
    };
  }

  const repository = {
    id: 1,
    name: REPO,
    full_name: `${OWNER}/${REPO}`,
    owner: { login: OWNER },
    default_branch: 'main',
    private: true,
  };

  function pullRequestPayload(
    number: number,
    headSha: string,
    action: string,
    headRepo = `${OWNER}/${REPO}`,
  ) {
    return {
      action,
      number,
      pull_request: {
        number,
        state: 'open',
        merged: false,
        html_url: `https://github.com/${OWNER}/${REPO}/pull/${number}`,
        head: { sha: headSha, ref: `change-${number}`, repo: { full_name: headRepo } },
        base: { sha: '0'.repeat(40), ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } },
      },
      repository,
      sender: { login: 'octocat' },
    };
  }

  function openPull(number: number, headSha: string, headRepo?: string) {
    github.addPullRequest(OWNER, REPO, { number, headSha, headRepo });
    return {
      event: 'pull_request' as const,
      payload: pullRequestPayload(number, headSha, 'opened', headRepo),
      sha: sha(),
      ref: `refs/pull/${number}/merge`,
    };
  }

  function mergePull(number: number): RunOptions {
    const merge = sha();
    const pull = github.state.pull(OWNER, REPO, number)!;
    Object.assign(pull, {
      state: 'closed',
      merged: true,
      mergeCommitSha: merge,
      mergedAt: '2025-03-01T12:00:00Z',
      closedAt: '2025-03-01T12:00:00Z',
    });
    github.associateCommit(OWNER, REPO, merge, [number]);
    return {
      event: 'push',
      payload: {
        ref: 'refs/heads/main',
        before: '0'.repeat(40),
        after: merge,
        head_commit: { id: merge, message: `Merge pull request #${number}` },
        repository,
        pusher: { name: 'octocat' },
      },
      sha: merge,
      ref: 'refs/heads/main',
    };
  }

  function planComments(number: number) {
    return github.comments(OWNER, REPO, number).filter((c) => c.user.login === BOT && parseMarker(c.body));
  }

  function applyComments(number: number) {
    return github
      .comments(OWNER, REPO, number)
      .filter((c) => c.user.login === BOT && parseMarker(c.body, APPLY_MARKER));
  }

  function resetCounters(): void {
    github.resetCounters();
    iam.server.resetCounters();
    kube.server.resetCounters();
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'wib-action-e2e-'));
    await Promise.all([github.start(), iam.start(), kube.start()]);
    iam.routeIssuer(kube.issuer, kube.url);
    kubeconfig = kubeconfigFor(kube, { context: 'prod' });
    github.addRepo(OWNER, REPO, { private: true, defaultBranch: 'main' });
    writeFileSync(join(work, FILE), bindings(['app']));
  });

  afterAll(async () => {
    await Promise.all([github.stop(), iam.stop(), kube.stop()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => resetCounters());

  describe('pull request → merge', () => {
    let reviewedPlanId = '';

    test('PR opened: plan comment created, outputs set, nothing changed, secrets masked', async () => {
      const run = await runAction(openPull(1, sha()));
      expect(run.code).toBe(0);
      expect(run.outputs).toMatchObject({
        result: 'planned',
        'has-changes': 'true',
        summary: '3 to add, 0 to change, 0 to destroy',
      });
      expect(run.outputs['plan-id']).toMatch(/^[0-9a-f]{16}$/);
      const planJson = JSON.parse(readFileSync(run.outputs['plan-json'], 'utf8')) as { planId: string };
      expect(planJson.planId).toBe(run.outputs['plan-id']);

      const comments = planComments(1);
      expect(comments).toHaveLength(1);
      expect(parseMarker(comments[0].body)).toMatchObject({
        file: FILE,
        planId: run.outputs['plan-id'],
        version: 1,
        truncated: false,
      });
      expect(comments[0].body).toContain('| `+` | role | `role.s3-reader`');
      expect(run.summary).toContain('**Plan:** 3 to add, 0 to change, 0 to destroy.');

      expect(iam.server.totalCalls({ mutating: true })).toBe(0);
      expect(kube.server.totalCalls({ mutating: true })).toBe(0);
      expect(iam.listRoleNames()).toEqual([]);
      // The kubeconfig token is masked before anything else is printed, and never printed in clear.
      const maskLine = run.stdout.indexOf(`::add-mask::${kube.token}`);
      expect(maskLine).toBeGreaterThanOrEqual(0);
      for (const line of run.stdout.split('\n').filter((l) => l.includes(kube.token)))
        expect(line).toMatch(/^::add-mask::/);
      expect(run.stdout.indexOf(GITHUB_TOKENS.write)).toBeLessThan(maskLine);
      if (process.env.WIB_E2E_LOG) console.log(run.stdout, run.summary, comments[0].body);
      reviewedPlanId = run.outputs['plan-id'];
    });

    test('PR updated: the same comment is edited, not duplicated', async () => {
      writeFileSync(join(work, FILE), bindings(['app', 'worker']));
      const head = sha();
      const pull = github.state.pull(OWNER, REPO, 1)!;
      pull.headSha = head;
      github.associateCommit(OWNER, REPO, head, [1]);
      const before = planComments(1)[0];
      const run = await runAction({
        event: 'pull_request',
        payload: pullRequestPayload(1, head, 'synchronize'),
        sha: sha(),
        ref: 'refs/pull/1/merge',
      });
      expect(run.code).toBe(0);
      expect(run.outputs['plan-id']).not.toBe(reviewedPlanId);
      const comments = planComments(1);
      expect(comments).toHaveLength(1);
      expect(comments[0].id).toBe(before.id);
      expect(parseMarker(comments[0].body)).toMatchObject({ planId: run.outputs['plan-id'], headSha: head });
      expect(comments[0].body).toContain('service-account.prod/default/worker');
      expect(github.count('create comment')).toBe(0);
      expect(github.count('update comment')).toBe(1);
      reviewedPlanId = run.outputs['plan-id'];

      // Unchanged plan: no edit at all.
      resetCounters();
      const again = await runAction({
        event: 'pull_request',
        payload: pullRequestPayload(1, head, 'synchronize'),
        sha: sha(),
        ref: 'refs/pull/1/merge',
      });
      expect(again.outputs['plan-id']).toBe(reviewedPlanId);
      expect(github.totalCalls({ mutating: true })).toBe(0);
    });

    test('merge with the reviewed plan: applied, result comment, IAM and Kubernetes changed', async () => {
      // A Deployment already running as "app": with restart: rollout it is restarted after the apply.
      kube.seedWorkload({
        resource: 'deployments',
        namespace: 'default',
        name: 'web',
        serviceAccountName: 'app',
      });
      const run = await runAction({ ...mergePull(1), inputs: { restart: 'rollout' } });
      expect(run.stdout).not.toContain('::error');
      expect(run.code).toBe(0);
      expect(run.outputs).toMatchObject({
        result: 'applied',
        'has-changes': 'true',
        'plan-id': reviewedPlanId,
      });
      expect(iam.listRoleNames()).toEqual(['s3-reader']);
      expect(iam.getRoleState('s3-reader')?.attachedPolicyArns).toEqual([
        'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      ]);
      for (const name of ['app', 'worker']) {
        expect(
          kube.getServiceAccount('default', name)?.metadata.annotations?.['eks.amazonaws.com/role-arn'],
        ).toBe('arn:aws:iam::123456789012:role/workload-identity/s3-reader');
      }
      const applied = applyComments(1);
      expect(applied).toHaveLength(1);
      expect(applied[0].body).toContain(
        '### ✅ workload-identity-bindings: applied `workload-identity.yaml`',
      );
      expect(run.summary).toContain('Apply complete\\! 4 added, 0 changed, 0 destroyed\\.');
      // Workloads to restart, restarted as kubectl rollout restart does.
      expect(run.summary).toContain('#### 🔄 Workloads to restart');
      expect(run.summary).toContain(
        '| `service-account.prod/default/app` | ServiceAccount created | `deployment/web` | ✅ restarted |',
      );
      expect(applied[0].body).toContain('✅ restarted');
      const web = kube.getWorkload('deployments', 'default', 'web') as {
        spec: { template: { metadata: { annotations?: Record<string, string> } } };
      };
      expect(web.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeDefined();
      // verify (default on after apply): each ServiceAccount's real token exchanged at STS.
      expect(run.summary).toContain('### Verify');
      expect(run.summary).toContain('2 ✓ assumed, 0 ✗ failed');
      expect(kube.tokens.issued.length).toBeGreaterThanOrEqual(2);
      // Each token is registered as a secret (the runner consumes ::add-mask:: lines and masks the
      // value everywhere) and appears nowhere else.
      const logged = run.stdout
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n');
      for (const token of kube.tokens.issued) {
        expect(run.stdout).toContain(`::add-mask::${token}`);
        expect(run.summary).not.toContain(token);
        expect(logged).not.toContain(token);
      }
    });

    test('merge with a stale plan: refused, nothing changed', async () => {
      writeFileSync(join(work, FILE), bindings(['app', 'worker', 'batch']));
      const opened = await runAction(openPull(2, sha()));
      expect(opened.outputs.result).toBe('planned');
      const reviewed = opened.outputs['plan-id'];
      // Merged together with another change the review never saw.
      writeFileSync(join(work, FILE), bindings(['app', 'worker', 'batch', 'cron']));
      const push = mergePull(2);
      resetCounters();
      const run = await runAction(push);
      expect(run.code).toBe(1);
      expect(run.outputs.result).toBe('failed');
      expect(run.outputs['plan-id']).not.toBe(reviewed);
      expect(run.stdout).toContain(
        `::error::Refusing to apply: pull request #2 was reviewed with plan ${reviewed}`,
      );
      expect(iam.server.totalCalls({ mutating: true })).toBe(0);
      expect(kube.server.totalCalls({ mutating: true })).toBe(0);
      expect(kube.getServiceAccount('default', 'batch')).toBeUndefined();
      expect(run.summary).toContain(`reviewed with plan \`${reviewed}\``);
      expect(run.summary).toContain(run.outputs['plan-id']);
      const refusal = applyComments(2);
      expect(refusal).toHaveLength(1);
      expect(refusal[0].body).toContain('the reviewed plan for `workload-identity.yaml` is stale');
      writeFileSync(join(work, FILE), bindings(['app', 'worker']));
    });

    test('a direct push without a pull request is refused under require-reviewed-plan', async () => {
      const direct = sha();
      github.associateCommit(OWNER, REPO, direct, []);
      const run = await runAction({
        event: 'push',
        payload: { ref: 'refs/heads/main', after: direct, repository },
        sha: direct,
        ref: 'refs/heads/main',
        // The commit → pull request link is asked for 5 times over 2 s, not the default 30 s.
        env: { WIB_PULL_REQUEST_WAIT: '2s' },
      });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('asking again in 0.1 s (attempt 2 of 5)');
      expect(run.stdout).toContain(`GitHub still lists no pull request for commit ${direct} after 2.0 s.`);
      expect(run.stdout).toContain(`::error::No merged pull request contains commit ${direct}`);
      expect(iam.server.totalCalls()).toBe(0);
    });

    test('apply outside the default branch is refused', async () => {
      const run = await runAction({
        event: 'push',
        payload: { ref: 'refs/heads/feature', repository },
        sha: sha(),
        ref: 'refs/heads/feature',
        inputs: { mode: 'apply' },
      });
      expect(run.code).toBe(1);
      expect(run.outputs.result).toBe('failed');
      expect(run.stdout).toContain(
        '::error::Refusing to apply: GITHUB_REF is refs/heads/feature, but apply runs only on the default branch (refs/heads/main)',
      );
      expect(iam.server.totalCalls()).toBe(0);
      expect(github.totalCalls()).toBe(0);
    });
  });

  describe('drift, forks and invalid files', () => {
    test('drift: exit code 1 with the plan in the job summary', async () => {
      // Someone edits the role by hand.
      iam.seedRole({ ...iam.getRoleState('s3-reader')!, description: 'edited in the console' });
      const run = await runAction({
        event: 'schedule',
        payload: { schedule: '17 4 * * *', repository },
        sha: sha(),
        ref: 'refs/heads/main',
      });
      expect(run.code).toBe(1);
      expect(run.outputs).toMatchObject({
        result: 'drift',
        'has-changes': 'true',
        summary: '0 to add, 1 to change, 0 to destroy',
      });
      expect(run.stdout).toContain('::error::Drift: IAM and Kubernetes differ from workload-identity.yaml');
      expect(run.summary).toContain('| `~` | role | `role.s3-reader` | 🔁 drift; ');
      expect(run.summary).toContain('#### 🔁 Drift: 1 change undoes edits made outside this file');
      expect(run.summary).toContain('Drift mode: every change below undoes an edit');
      expect(run.summary).toContain('- description = "edited in the console"');
      expect(iam.server.totalCalls({ mutating: true })).toBe(0);
      // One sticky issue for the file, with the drift plan.
      const issues = github.state.issues(OWNER, REPO).filter((i) => !i.pull);
      expect(issues.map((i) => [i.title, i.user, i.state])).toEqual([
        ['Drift: IAM or Kubernetes differ from workload-identity.yaml', BOT, 'open'],
      ]);
      expect(parseMarker(issues[0].body, DRIFT_MARKER)).toMatchObject({ file: FILE });
      expect(issues[0].body).toContain('edited in the console');
    });

    test('drift issue: a second drift run updates the same issue; a clean run closes it with a comment', async () => {
      const again = await runAction({
        event: 'schedule',
        payload: { schedule: '17 4 * * *', repository },
        sha: sha(),
        ref: 'refs/heads/main',
      });
      expect(again.outputs.result).toBe('drift');
      let issues = github.state.issues(OWNER, REPO).filter((i) => !i.pull);
      expect(issues).toHaveLength(1);
      // Put the role back as the file says.
      iam.seedRole({ ...iam.getRoleState('s3-reader')!, description: 'Reads the assets bucket' });
      const clean = await runAction({
        event: 'schedule',
        payload: { schedule: '17 4 * * *', repository },
        sha: sha(),
        ref: 'refs/heads/main',
      });
      expect(clean.code).toBe(0);
      expect(clean.outputs.result).toBe('no-changes');
      issues = github.state.issues(OWNER, REPO).filter((i) => !i.pull);
      expect(issues.map((i) => [i.state, i.stateReason])).toEqual([['closed', 'completed']]);
      expect(github.comments(OWNER, REPO, issues[0].number).map((c) => c.body)).toEqual([
        expect.stringMatching(/^No drift any more: IAM and Kubernetes match `workload-identity.yaml`/),
      ]);
      // Leave the drift in place again: the tests below expect the state the first drift test found.
      iam.seedRole({ ...iam.getRoleState('s3-reader')!, description: 'edited in the console' });
    });

    test('discover: the matrix of bindings files as outputs, no AWS call', async () => {
      const calls = iam.server.totalCalls({});
      const run = await runAction({
        event: 'pull_request',
        payload: pullRequestPayload(40, sha(), 'opened'),
        sha: sha(),
        ref: 'refs/pull/40/merge',
        inputs: {
          mode: 'discover',
          'plan-role-arn': 'arn:aws:iam::{accountId}:role/plan',
          'apply-role-arn': '',
        },
      });
      expect(run.code).toBe(0);
      expect(run.outputs.result).toBe('discovered');
      expect(run.outputs['file-count']).toBe('1');
      expect(JSON.parse(run.outputs.matrix)).toEqual({
        include: [
          {
            path: FILE,
            owner: 'acme/platform-iam',
            accountId: '123456789012',
            planRoleArn: 'arn:aws:iam::123456789012:role/plan',
            applyRoleArn: null,
          },
        ],
      });
      expect(run.summary).toContain('| `workload-identity.yaml` | `acme/platform-iam` | 123456789012 |');
      expect(iam.server.totalCalls({})).toBe(calls);
    });

    test('fork token: summary only, a warning, exit 0', async () => {
      const run = await runAction({
        ...openPull(30, sha(), 'contributor/infra'),
        token: GITHUB_TOKENS.forkRead,
      });
      expect(run.code).toBe(0);
      expect(run.outputs.result).toBe('planned');
      expect(run.stdout).toMatch(
        /::warning::Could not comment on pull request #30: GitHub POST \/repos\/acme\/infra\/issues\/30\/comments failed: 403/,
      );
      expect(run.summary).toContain('### 📝 workload-identity-bindings');
      expect(github.comments(OWNER, REPO, 30)).toHaveLength(0);
    });

    test('invalid file: annotations, a failing comment, no request to IAM or Kubernetes', async () => {
      writeFileSync(
        join(work, 'bad.yaml'),
        'version: 1\nowner: acme/platform-iam\nbindings:\n  - role: "has space"\n',
      );
      const run = await runAction({ ...openPull(4, sha()), inputs: { 'bindings-file': 'bad.yaml' } });
      expect(run.code).toBe(1);
      expect(run.outputs.result).toBe('failed');
      expect(run.stdout).toMatch(/^::error title=Invalid bindings file,file=bad\.yaml,line=\d+,col=\d+::.+/m);
      const comments = github.comments(OWNER, REPO, 4);
      expect(comments).toHaveLength(1);
      expect(parseMarker(comments[0].body)).toEqual({
        file: 'bad.yaml',
        headSha: expect.any(String),
        version: 1,
        truncated: false,
      });
      expect(comments[0].body).toContain('### ❌ workload-identity-bindings:');
      expect(iam.server.totalCalls()).toBe(0);
      expect(kube.server.totalCalls()).toBe(0);
    });
  });

  describe('drift labels in the plan comment', () => {
    const driftFile = (roles: string[]) =>
      [
        'version: 1',
        'owner: acme/drift-labels',
        'aws:',
        "  accountId: '123456789012'",
        'clusters:',
        '  prod:',
        '    issuer: https://oidc.example.com/id/ABC',
        '    kubernetes: { context: prod }',
        'bindings:',
        ...roles.flatMap((role) => [
          `  - role: ${role}`,
          '    serviceAccounts:',
          `      - { cluster: prod, namespace: default, name: ${role} }`,
        ]),
        '',
      ].join('\n');

    function pullWithBase(number: number, baseSha: string, file: string) {
      const pull = openPull(number, sha());
      const payload = pull.payload as { pull_request: { base: { sha: string } } };
      payload.pull_request.base.sha = baseSha;
      return { ...pull, inputs: { 'bindings-file': file } };
    }

    // The base file binds drift-reader, which was never applied (as if deleted by hand): the base
    // plans it too, so it is drift; drift-writer is what the pull request adds.
    function expectLabelled(body: string): void {
      // 2, or 3 when no earlier test created the OIDC provider (the base file plans it too).
      expect(body).toMatch(/#### 🔁 Drift: [23] changes undo edits made outside this file/);
      expect(body).toContain('| `+` | role | `role.drift-reader` | 🔁 drift; ');
      expect(body).toMatch(/\| `\+` \| role \| `role\.drift-writer` \| ⚠️ broadens access/);
      expect(body).toContain(
        '| `+` | service-account | `service-account.prod/default/drift-reader` | 🔁 drift; ',
      );
    }

    test('base file from the contents API when the base commit is not in the checkout', async () => {
      const base = sha();
      github.setFile(OWNER, REPO, base, 'drift-api.yaml', driftFile(['drift-reader']));
      writeFileSync(join(work, 'drift-api.yaml'), driftFile(['drift-reader', 'drift-writer']));
      const run = await runAction(pullWithBase(20, base, 'drift-api.yaml'));
      expect(run.code).toBe(0);
      expectLabelled(github.comments(OWNER, REPO, 20)[0].body);
      expectLabelled(run.summary);
    });

    test('base file from the checkout when the base commit is in its git history', async () => {
      const repoDir = join(work, 'checkout');
      mkdirSync(repoDir);
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
          cwd: repoDir,
        })
          .toString()
          .trim();
      git('init', '-q');
      writeFileSync(join(repoDir, 'drift.yaml'), driftFile(['drift-reader']));
      git('add', 'drift.yaml');
      git('commit', '-qm', 'base');
      const base = git('rev-parse', 'HEAD');
      writeFileSync(join(repoDir, 'drift.yaml'), driftFile(['drift-reader', 'drift-writer']));
      const run = await runAction(pullWithBase(21, base, 'checkout/drift.yaml'));
      expect(run.code).toBe(0);
      expectLabelled(github.comments(OWNER, REPO, 21)[0].body);
      expect(github.count('get content')).toBe(0);
    });

    // #14: a cluster key the base branch has and the pull request drops, while another key keeps its
    // issuer: only the base file shows it, so the plan is refused before anything is planned.
    test('a dropped cluster key that shares its issuer is refused before planning, nothing changed', async () => {
      const file = (keys: string[]) =>
        [
          'version: 1',
          'owner: acme/dropped-key',
          'aws:',
          "  accountId: '123456789012'",
          'clusters:',
          ...keys.flatMap((key) => [
            `  ${key}:`,
            '    issuer: https://oidc.example.com/id/ABC',
            `    kubernetes: { context: ${key} }`,
          ]),
          'bindings:',
          '  - role: dropped-key-app',
          '    serviceAccounts:',
          ...keys.map((key) => `      - { cluster: ${key}, namespace: default, name: app-${key} }`),
          '',
        ].join('\n');
      const base = sha();
      github.setFile(OWNER, REPO, base, 'dropped-key.yaml', file(['prod', 'prod-b']));
      writeFileSync(join(work, 'dropped-key.yaml'), file(['prod']));
      const run = await runAction(pullWithBase(23, base, 'dropped-key.yaml'));
      expect(run.code).toBe(1);
      expect(run.outputs.result).toBe('failed');
      const body = github.comments(OWNER, REPO, 23)[0].body;
      expect(body).toContain('### ❌ workload-identity-bindings:');
      expect(body).toContain('cluster "prod-b" is in the base file');
      expect(body).toContain(
        'prod-b: {issuer: https://oidc.example.com/id/ABC, kubernetes: {context: prod-b}}',
      );
      expect(iam.server.totalCalls({ mutating: true })).toBe(0);
      expect(kube.server.totalCalls()).toBe(0);
    });

    test("apply on a push that drops such a key is refused too, from the push's before commit", async () => {
      const file = (keys: string[]) =>
        [
          'version: 1',
          'owner: acme/dropped-key-push',
          'aws:',
          "  accountId: '123456789012'",
          'clusters:',
          ...keys.flatMap((key) => [
            `  ${key}:`,
            '    issuer: https://oidc.example.com/id/ABC',
            `    kubernetes: { context: ${key} }`,
          ]),
          'bindings:',
          '  - role: dropped-key-push-app',
          '    serviceAccounts:',
          ...keys.map((key) => `      - { cluster: ${key}, namespace: default, name: push-${key} }`),
          '',
        ].join('\n');
      const before = sha();
      const after = sha();
      github.setFile(OWNER, REPO, before, 'dropped-push.yaml', file(['prod', 'prod-b']));
      writeFileSync(join(work, 'dropped-push.yaml'), file(['prod']));
      const run = await runAction({
        event: 'push',
        payload: { ref: 'refs/heads/main', before, after, repository },
        sha: after,
        ref: 'refs/heads/main',
        inputs: {
          mode: 'apply',
          'bindings-file': 'dropped-push.yaml',
          'require-reviewed-plan': 'false',
          comment: 'false',
        },
      });
      expect(run.code).toBe(1);
      expect(run.outputs.result).toBe('failed');
      expect(run.summary).toContain('cluster "prod-b" is in the base file');
      expect(iam.server.totalCalls({ mutating: true })).toBe(0);
      expect(kube.server.totalCalls()).toBe(0);
    });

    test('a bindings file the pull request adds: nothing is drift', async () => {
      writeFileSync(join(work, 'drift-new.yaml'), driftFile(['drift-reader']));
      const run = await runAction(pullWithBase(22, sha(), 'drift-new.yaml'));
      expect(run.code).toBe(0);
      const body = github.comments(OWNER, REPO, 22)[0].body;
      expect(body).not.toContain('drift;');
      expect(body).not.toContain('#### 🔁 Drift');
    });
  });
}
