// A kubeconfig that is not valid YAML must never be quoted back. The YAML parser's own error quotes
// the lines around the problem — the token on the line before a mis-indented one, both values of a
// duplicated `token:`, the tail of an unterminated string — and plan mode used to put that message
// in the sticky comment and the job summary, where masking does not reach. This corpus of broken
// kubeconfigs, each holding unique credentials, runs through the CLI (KUBECONFIG) and the action
// (the kubeconfig input, a subprocess as on a runner): every run fails with "kubeconfig is not valid
// YAML at line L" and not one 10-character piece of any credential appears in stdout, stderr, the
// comment, the job summary, the outputs or a plan file; the log is searched as printed (before the
// runner's masking), because a fragment is not what was registered for masking.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { GITHUB_TOKENS, GitHubEmulator } from '../../sandbox/github/emulator.js';
import { captureIo } from '../cli/io.js';
import { assertActionEntry, runActionProcess, type ActionRun } from './action-runner.js';
import { setProcessEnv, startSafetySandbox, type SafetySandbox } from './harness.js';

/** Credentials with letters hex never has, so they cannot collide with plan ids or commit SHAs. */
const secret = (n: number): string => `zq${n}Kx2Wm9Rp4Lt6Vn8Bc3Hy5Jd1FgQwXs${n}`;

/** The first 14 lines of every case: a usable cluster and context; the user comes after. */
function head(server: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: prod-us',
    '    cluster:',
    `      server: ${server}`,
    '      insecure-skip-tls-verify: true',
    'contexts:',
    '  - name: prod-us',
    '    context: { cluster: prod-us, user: prod-us }',
    'current-context: prod-us',
    'users:',
    '  - name: prod-us',
    '    user:',
    '',
  ].join('\n');
}

interface BrokenKubeconfig {
  name: string;
  /** The user's lines (line 15 on); `s(n)` are the credentials it holds. */
  user: (s: (n: number) => string) => string;
  /** The line the message names. */
  line: number;
  /**
   * The line through the action, when it differs: @actions/core trims inputs, so an error at the
   * end of the text is a line earlier.
   */
  actionLine?: number;
}

const CORPUS: BrokenKubeconfig[] = [
  {
    name: 'a mis-indented line after the token',
    user: (s) => `      token: ${s(1)}\n       extra: x\n`,
    line: 16,
  },
  { name: 'duplicate token keys', user: (s) => `      token: ${s(1)}\n      token: ${s(2)}\n`, line: 16 },
  {
    name: 'an unterminated double-quoted token',
    user: (s) => `      token: "${s(1)}\n`,
    line: 16,
    actionLine: 15,
  },
  {
    name: 'an unterminated single-quoted token before a password',
    user: (s) => `      token: '${s(1)}\n      password: ${s(2)}\n`,
    line: 16,
  },
  {
    name: 'a token in an unclosed flow list',
    user: (s) => `      token: [${s(1)}, ${s(2)}\n`,
    line: 16,
    actionLine: 15,
  },
  {
    name: 'a tab-indented password',
    user: (s) => `      username: admin\n\tpassword: ${s(1)}\n`,
    line: 16,
  },
  {
    name: 'a stray key after client-key-data',
    user: (s) => `      client-key-data: ${s(1)}\n    - : ${s(2)}\n`,
    line: 16,
  },
  { name: 'an alias named like the token', user: (s) => `      token: *${s(1)}\n`, line: 15 },
  { name: 'a tag named like the token', user: (s) => `      token: !${s(1)} x\n`, line: 15 },
  {
    name: 'a literal block token followed by a bad indent',
    user: (s) => `      token: |\n        ${s(1)}\n       ${s(2)}: x\n`,
    line: 17,
  },
];

const VALID_BINDINGS = `version: 1
owner: acme/platform-iam
aws: { accountId: '123456789012' }
clusters:
  prod: { issuer: 'https://oidc.example.com/id/ABC', kubernetes: { context: prod-us } }
bindings:
  - role: s3-reader
    serviceAccounts: [{ cluster: prod, namespace: default, name: app }]
    managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
`;

/** Credentials of case `index`: unique per case, so a leak names its case. */
function secretsOf(index: number): string[] {
  return [1, 2].map((n) => secret(index * 10 + n));
}

function kubeconfigText(server: string, index: number): string {
  return head(server) + CORPUS[index].user((n) => secret(index * 10 + n));
}

/** Every 10-character piece of every credential of the case found in `text`. */
function leaks(text: string, index: number): string[] {
  const found: string[] = [];
  for (const value of secretsOf(index)) {
    for (let i = 0; i + 10 <= value.length; i += 1) {
      const piece = value.slice(i, i + 10);
      if (text.includes(piece)) {
        found.push(`${value} (as "${piece}")`);
        break;
      }
    }
  }
  return found;
}

let sandbox: SafetySandbox;
let restoreEnv: () => void;
let bindingsPath: string;
let server: string;

beforeAll(async () => {
  sandbox = await startSafetySandbox({ contexts: ['prod-us'] });
  restoreEnv = setProcessEnv(sandbox.env);
  bindingsPath = join(sandbox.dir, 'workload-identity.yaml');
  writeFileSync(bindingsPath, VALID_BINDINGS);
  server = sandbox.kube.get('prod-us')!.url;
});

afterAll(async () => {
  restoreEnv();
  await sandbox.stop();
});

test('the corpus is what it claims: every case is invalid YAML holding its credentials', () => {
  CORPUS.forEach((_, index) => {
    const text = kubeconfigText(server, index);
    for (const value of secretsOf(index).slice(0, text.includes(secretsOf(index)[1]) ? 2 : 1))
      expect(text).toContain(value);
  });
});

describe.each(CORPUS.map((c, index) => ({ ...c, index })))(
  'CLI, kubeconfig with $name',
  ({ index, line }) => {
    test(`plan (text, json, --out) and apply exit 1 with "not valid YAML at line ${line}" and print no credential`, async () => {
      const path = join(sandbox.dir, `kubeconfig-${index}`);
      writeFileSync(path, kubeconfigText(server, index), { mode: 0o600 });
      const restore = setProcessEnv({ ...sandbox.env, KUBECONFIG: path });
      const planFile = join(sandbox.dir, `plan-${index}.json`);
      try {
        for (const argv of [
          ['plan', '--file', bindingsPath],
          ['plan', '--file', bindingsPath, '--format', 'json', '--out', planFile],
          ['apply', '--file', bindingsPath, '--auto-approve', '--format', 'json'],
        ]) {
          const io = captureIo(sandbox.env);
          expect(await runCli(argv, io)).toBe(1);
          expect(io.stderr()).toMatch(new RegExp(`kubeconfig is not valid YAML at line ${line}\\b`));
          const everything = `${io.stdout()}\n${io.stderr()}\n${existsSync(planFile) ? readFileSync(planFile, 'utf8') : ''}`;
          expect({ argv: argv.join(' '), leaks: leaks(everything, index) }).toEqual({
            argv: argv.join(' '),
            leaks: [],
          });
        }
        expect(sandbox.iam.server.totalCalls({ mutating: true })).toBe(0);
      } finally {
        restore();
      }
    });
  },
);

describe('the action (a subprocess, as on a runner), kubeconfig input', () => {
  const github = new GitHubEmulator();
  const runs = new Map<number, ActionRun>();
  let workspace: string;

  beforeAll(async () => {
    assertActionEntry();
    await github.start();
    github.addRepo('acme', 'infra', { private: true, defaultBranch: 'main' });
    workspace = join(sandbox.dir, 'workspace');
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'workload-identity.yaml'), VALID_BINDINGS);
    // Two processes at a time keeps a 2-core machine responsive.
    for (let i = 0; i < CORPUS.length; i += 2) {
      await Promise.all(
        [i, i + 1]
          .filter((index) => index < CORPUS.length)
          .map(async (index) => {
            const number = index + 1;
            const headSha = (number + 700).toString(16).padStart(40, '0');
            github.addPullRequest('acme', 'infra', { number, headSha });
            runs.set(
              index,
              await runActionProcess({
                dir: join(sandbox.dir, 'action-runs', String(number)),
                workspace,
                githubUrl: github.url,
                pullNumber: number,
                headSha,
                inputs: {
                  'bindings-file': 'workload-identity.yaml',
                  'github-token': GITHUB_TOKENS.write,
                  kubeconfig: kubeconfigText(server, index),
                },
                env: {
                  AWS_ENDPOINT_URL_IAM: sandbox.env.AWS_ENDPOINT_URL_IAM,
                  AWS_ENDPOINT_URL_STS: sandbox.env.AWS_ENDPOINT_URL_STS,
                  AWS_ACCESS_KEY_ID: sandbox.env.AWS_ACCESS_KEY_ID,
                  AWS_SECRET_ACCESS_KEY: sandbox.env.AWS_SECRET_ACCESS_KEY,
                  AWS_REGION: 'us-east-1',
                },
              }),
            );
          }),
      );
    }
  }, 180_000);

  afterAll(async () => {
    await github.stop();
  });

  test.each(CORPUS.map((c, index) => ({ ...c, index })))(
    '$name: plan fails with the line only, and no credential reaches the log, comment, summary, outputs or plan file',
    ({ index, line, actionLine }) => {
      const run = runs.get(index)!;
      expect(run.code).toBe(1);
      const comments = github.comments('acme', 'infra', index + 1).map((c) => c.body);
      const message = new RegExp(`kubeconfig is not valid YAML at line ${actionLine ?? line}\\b`);
      expect(comments.join('\n')).toMatch(message);
      expect(run.summary).toMatch(message);
      const planJson = /^plan-json<<(.+)\n(.*)\n\1$/m.exec(run.outputFile)?.[2] ?? '';
      const parts: Array<[string, string]> = [
        // The runner consumes `::add-mask::` lines to mask what they carry; everything else is shown.
        [
          'stdout',
          run.stdout
            .split('\n')
            .filter((l) => !l.startsWith('::add-mask::'))
            .join('\n'),
        ],
        ['stderr', run.stderr],
        ['GITHUB_OUTPUT', run.outputFile],
        ['job summary', run.summary],
        ['comment', comments.join('\n')],
        ['plan JSON', planJson && existsSync(planJson) ? readFileSync(planJson, 'utf8') : ''],
      ];
      for (const [part, text] of parts)
        expect({ part, leaks: leaks(text, index) }).toEqual({ part, leaks: [] });
    },
  );

  test('nothing was changed in IAM or Kubernetes', () => {
    expect(sandbox.iam.server.totalCalls({ mutating: true })).toBe(0);
    expect(sandbox.kube.get('prod-us')!.server.totalCalls({ mutating: true })).toBe(0);
  });
});
