// Injection: hostile strings — HTML (<img onerror>, <script>), @mentions (also @org/team),
// </details>, backtick fences, Mermaid breakouts ("]-->B[), table pipes, javascript: links — placed
// wherever the bindings file allows them (descriptions, tag values, inline policy resources and
// condition values, annotation values, the owner, role names, the file's own path) and in what the
// cluster reports (another owner's annotation), render inert in every Markdown the product writes:
// the plan comment, the apply report, the stale-plan, conflict and validation comments. The escapers
// themselves are also fuzzed with fast-check. The action is run too: its PR comment, job summary
// and annotations (which must not let a message forge a second workflow command).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { applyPlan } from '../../src/apply/executor.js';
import { loadBindingsFile } from '../../src/bindings/load.js';
import { runCli } from '../../src/cli/main.js';
import { loadValidBindings, runPlan } from '../../src/engine/plan.js';
import { Session } from '../../src/engine/session.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, OWNER_ANNOTATION } from '../../src/support/ownership.js';
import {
  codeBlock,
  escapeHtml,
  escapeProse,
  escapeText,
  inlineCode,
  tableCell,
} from '../../src/render/escape.js';
import {
  renderApplyMarkdown,
  renderConflictsMarkdown,
  renderPlanMarkdown,
  renderStalePlanMarkdown,
  renderValidationMarkdown,
} from '../../src/render/markdown.js';
import { mermaidLabel } from '../../src/render/mermaid.js';
import { GITHUB_TOKENS, GitHubEmulator } from '../../sandbox/github/emulator.js';
import { captureIo } from '../cli/io.js';
import { assertActionEntry, runActionProcess, type ActionRun } from './action-runner.js';
import { setProcessEnv, startSafetySandbox, type SafetySandbox } from './harness.js';
import { markdownProblems, splitMarkdown } from './markdown-inert.js';

/** Each on its own is printable ASCII, so it fits a role description. */
const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(document.cookie)</script>',
  '@octocat please approve',
  'ping @acme/security-team now',
  '</details></summary><details open><summary>forged',
  '```\n## forged heading\n```',
  '~~~',
  '"]-->B[evil] click B call alert(1)',
  '| injected | table | row |',
  '[link](javascript:alert(1))',
  '![tracker](https://evil.example/p.png)',
  '[ref]: javascript:alert(1)',
  '<!-- hidden comment -->',
  '&lt;img src=x onerror=alert(2)&gt;',
  '*bold* _em_ # heading \\ `tick`',
];
const HOSTILE_TEXT = HOSTILE.join(' ');
/** Tag values, owners and role names allow only letters, digits, spaces and _ . : / = + - @. */
const OWNER = 'acme/platform @octocat @acme/admins';
const LONG_ROLE = `@octo${'x'.repeat(59)}`;

let sandbox: SafetySandbox;
let restoreEnv: () => void;
let dir: string;
let bindingsPath: string;

function hostileBindings(): string {
  return stringify({
    version: 1,
    owner: OWNER,
    aws: { accountId: '123456789012', tags: { contact: '@octocat', escalation: '@acme/security-team' } },
    clusters: { prod: { issuer: 'https://oidc.example.com/id/ABC', kubernetes: { context: 'prod-us' } } },
    bindings: [
      {
        role: 'html-in-description',
        description: HOSTILE.slice(0, 8).join('\n'),
        serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: 'app' }],
        tags: { owner: '@octocat', team: '@acme/payments' },
        serviceAccountAnnotations: { 'example.com/note': HOSTILE_TEXT },
        inlinePolicies: {
          'hostile-resources': {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 's3:GetObject',
                Resource: HOSTILE.filter((h) => !h.includes('\n')).map((h) => `arn:aws:s3:::bucket/${h}`),
                // Policy strings refuse control characters (#13), so line breaks ride in the
                // description and annotations only.
                Condition: {
                  StringEquals: { 'aws:PrincipalTag/team': HOSTILE.filter((h) => !h.includes('\n')) },
                },
              },
            ],
          },
        },
      },
      {
        role: LONG_ROLE,
        description: HOSTILE.slice(8).join(' '),
        serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: 'worker' }],
        managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      },
      {
        role: '@octocat',
        description: `${'```'.repeat(30)}${'<details>'.repeat(20)}${'x'.repeat(200)}`,
        serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: 'mention' }],
        managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      },
    ],
  });
}

beforeAll(async () => {
  sandbox = await startSafetySandbox({ contexts: ['prod-us'] });
  restoreEnv = setProcessEnv(sandbox.env);
  // The bindings path is an action input: its file name can carry markup too.
  dir = join(sandbox.dir, 'repo `x` | <b>');
  mkdirSync(dir);
  bindingsPath = join(dir, '<img src=x onerror=alert(1)> @octocat.yaml');
  writeFileSync(bindingsPath, hostileBindings());
});

afterAll(async () => {
  restoreEnv();
  await sandbox.stop();
});

function expectInert(markdown: string): void {
  expect(markdownProblems(markdown)).toEqual([]);
  expect(markdown.length).toBeLessThan(65_536);
}

test('the hostile file is valid, so every payload reaches the renderers', async () => {
  const { file, diagnostics } = await loadBindingsFile(bindingsPath);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(file?.bindings.map((b) => b.role)).toEqual(['html-in-description', LONG_ROLE, '@octocat']);
});

test('the checker itself catches each kind of leak (so a clean result means something)', () => {
  expect(markdownProblems('hello <img src=x onerror=alert(1)>')).toEqual([expect.stringMatching(/raw HTML/)]);
  expect(markdownProblems('cc @octocat')).toEqual([expect.stringMatching(/@mention/)]);
  expect(markdownProblems('see [x](javascript:alert(1))')).toEqual([expect.stringMatching(/script link/)]);
  expect(markdownProblems('<details>\n\nx')).toEqual([expect.stringMatching(/left open/)]);
  expect(markdownProblems('```\ncode')).toEqual([expect.stringMatching(/never closed/)]);
  expect(markdownProblems('| a | b |\n|---|---|\n| x | y | z |')).toEqual([
    expect.stringMatching(/table row/),
  ]);
  expect(markdownProblems('```mermaid\n  n1["a"]-->B["b"] click B call alert(1)\n```')).not.toEqual([]);
  expect(markdownProblems('`<img onerror>` and @\u200Docto and &lt;b&gt; and\n```\n<script>\n```')).toEqual(
    [],
  );
});

test('plan --format markdown from the CLI is inert and still shows the payloads (escaped)', async () => {
  const io = captureIo(sandbox.env);
  expect(await runCli(['plan', '--file', bindingsPath, '--format', 'markdown'], io)).toBe(0);
  const markdown = io.stdout();
  expectInert(markdown);
  expect(splitMarkdown(markdown).blocks.some((b) => b.info === 'mermaid')).toBe(true);
  expect(markdown).toMatch(/onerror/);
  expect(markdown).toMatch(/octocat/);
});

describe('through the engine, with a failing apply', () => {
  test('plan, stale-plan and apply reports are inert', async () => {
    const { file } = await loadValidBindings(bindingsPath);
    const session = new Session();
    try {
      const run = await runPlan(session, file);
      expect(run.conflicts).toEqual([]);
      const ctx = {
        bindingsFile: bindingsPath,
        headSha: 'abc123<img src=x onerror=alert(1)>@octocat',
        jobSummaryUrl: 'javascript:alert(1)',
      };
      expectInert(renderPlanMarkdown(run.plan, ctx));
      expectInert(renderPlanMarkdown(run.plan, { ...ctx, budget: 3_000 }));
      expectInert(
        renderStalePlanMarkdown(run.plan, {
          ...ctx,
          reviewedPlanId: '<script>alert(1)</script>',
          pullNumber: 7,
          differences: HOSTILE,
        }),
      );
      // One step fails: its error text (service message quoting hostile names) goes into the report.
      sandbox.iam.deny('PutRolePolicy');
      const report = await applyPlan(
        run.plan,
        { iam: session.aws.iam, kube: run.kube },
        { sleep: () => Promise.resolve() },
      );
      sandbox.iam.allow('PutRolePolicy');
      expect(report.ok).toBe(false);
      expectInert(renderApplyMarkdown(report, run.plan, ctx));
    } finally {
      session.close();
    }
  });

  test("a conflict quoting another owner's hostile annotation is inert", async () => {
    sandbox.kube.get('prod-us')!.seedServiceAccount({
      namespace: 'default',
      name: 'mention',
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      annotations: { [OWNER_ANNOTATION]: HOSTILE_TEXT },
    });
    const { file } = await loadValidBindings(bindingsPath);
    const session = new Session();
    try {
      const run = await runPlan(session, file);
      expect(run.conflicts.length).toBeGreaterThan(0);
      const markdown = renderConflictsMarkdown(run.conflicts, {
        bindingsFile: bindingsPath,
        headSha: '@octocat',
      });
      expectInert(markdown);
      expect(markdown).toMatch(/onerror/);
    } finally {
      session.close();
      sandbox.kube.get('prod-us')!.state.deleteServiceAccount('default', 'mention');
    }
  });
});

test('validation problems quoting hostile keys and values are inert', async () => {
  const path = join(dir, 'invalid <script>.yaml');
  writeFileSync(
    path,
    [
      'version: 1',
      `owner: "${HOSTILE[0]}"`,
      `"${HOSTILE[1]}": 1`,
      `"@octocat": 2`,
      'clusters:',
      `  "</details>": { issuer: "https://oidc.example.com/\`\`\`<img src=x onerror=alert(1)>" }`,
      'bindings:',
      `  - role: "<script>|@acme/team"`,
      `    description: "${HOSTILE.join(' ').replace(/\n/g, ' ').replace(/\\/g, '\\\\').replace(/"/g, '\\"')}\u{1F600}"`,
      `    serviceAccounts: [{ cluster: "</details>", namespace: "<b>", name: "@octocat" }]`,
      `    tags: { "<img>": "[x](javascript:alert(1))" }`,
      '',
    ].join('\n'),
  );
  const { diagnostics } = await loadBindingsFile(path);
  expect(diagnostics.filter((d) => d.severity === 'error').length).toBeGreaterThanOrEqual(6);
  const markdown = renderValidationMarkdown(diagnostics, { bindingsFile: path, headSha: '@octocat' });
  expectInert(markdown);
  expect(markdown).toMatch(/onerror|script/);
});

describe('the escapers, fuzzed', () => {
  const dangerous = fc.string({
    unit: fc.constantFrom(
      '<',
      '>',
      '@',
      '`',
      '|',
      '[',
      ']',
      '(',
      ')',
      '"',
      '\\',
      '\n',
      '\r',
      '&',
      '#',
      '*',
      '_',
      '~',
      ':',
      '!',
      '-',
      'a',
      'b',
      ' ',
      '/',
      'javascript',
      'details',
      'img',
      'onerror=',
    ),
    maxLength: 60,
  });

  test('escapeText, escapeProse, escapeHtml, inlineCode, tableCell, codeBlock and mermaidLabel keep any string inert', () => {
    fc.assert(
      fc.property(dangerous, (s) => {
        const doc = [
          `Prose ${escapeText(s)} and ${escapeProse(s)} and ${inlineCode(s)}.`,
          '',
          '| Resource | Detail |',
          '| --- | --- |',
          `| ${tableCell(inlineCode(s))} | ${tableCell(escapeText(s))} |`,
          '',
          `<details><summary>${escapeHtml(s)}</summary>`,
          '',
          codeBlock(s, 'diff'),
          '',
          '</details>',
          '',
          '```mermaid',
          'flowchart LR',
          `  n1["${mermaidLabel(s)}"] --> n2[["${mermaidLabel(s)}"]]`,
          '```',
        ].join('\n');
        const problems = markdownProblems(doc);
        if (problems.length) throw new Error(`${JSON.stringify(s)}:\n${problems.join('\n')}\n---\n${doc}`);
      }),
      { numRuns: 400, seed: 1122 },
    );
  });
});

describe('through the action (a subprocess): PR comment, job summary and annotations', () => {
  const github = new GitHubEmulator();
  let workspace: string;
  const runs: ActionRun[] = [];

  beforeAll(async () => {
    assertActionEntry();
    await github.start();
    github.addRepo('acme', 'infra', { private: true, defaultBranch: 'main' });
    workspace = join(sandbox.dir, 'workspace');
    mkdirSync(workspace);
    writeFileSync(
      join(workspace, 'hostile.yaml'),
      hostileBindings().replace(/html-in-description/, 'action-html'),
    );
    // Invalid on purpose: diagnostics quote a key that tries to smuggle a second workflow command.
    writeFileSync(
      join(workspace, 'forged.yaml'),
      `version: 1\nowner: acme/x\n"a\\n::error file=README.md,line=1::forged %0A::warning::also forged <img src=x onerror=alert(1)> @octocat": 1\n`,
    );
    for (const [number, name] of [
      [1, 'hostile.yaml'],
      [2, 'forged.yaml'],
    ] as const) {
      const headSha = (number + 700).toString(16).padStart(40, '0');
      github.addPullRequest('acme', 'infra', { number, headSha });
      runs.push(
        await runActionProcess({
          dir: join(sandbox.dir, 'action', String(number)),
          workspace,
          githubUrl: github.url,
          pullNumber: number,
          headSha,
          inputs: {
            'bindings-file': name,
            'github-token': GITHUB_TOKENS.write,
            kubeconfig: readFileSync(sandbox.kubeconfigPath, 'utf8'),
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
    }
  }, 60_000);

  afterAll(async () => {
    await github.stop();
  });

  test('the plan comment and the job summary of a hostile plan are inert', () => {
    expect(runs[0].code).toBe(0);
    const comments = github.comments('acme', 'infra', 1);
    expect(comments.length).toBe(1);
    expectInert(comments[0].body);
    expect(comments[0].body).toMatch(/onerror/);
    expect(runs[0].summary).not.toBe('');
    expectInert(runs[0].summary);
  });

  test('annotations cannot forge workflow commands, and the validation comment is inert', () => {
    expect(runs[1].code).toBe(1);
    const commands = runs[1].stdout.split('\n').filter((line) => line.startsWith('::'));
    expect(commands.some((line) => line.startsWith('::error '))).toBe(true);
    for (const line of commands)
      expect(line).toMatch(/^::(error|warning|notice|debug|add-mask|group|endgroup)( [^:]*)?::/);
    // The forged key is refused for its line break without being quoted (#13: control characters),
    // so no second command exists, no annotation targets README.md, and the text is nowhere.
    const targets = commands.map((line) => /^::[\w-]+( [^:]*)?::/.exec(line)![1] ?? '');
    expect(targets.filter((props) => props.includes('README.md'))).toEqual([]);
    expect(commands.filter((line) => line.includes('README.md'))).toEqual([]);
    expect(commands).toContainEqual(
      expect.stringMatching(
        /^::error title=[^:]*,file=forged\.yaml,line=3,col=1::a key in the top level contains a control character \(\\x0a at character 2\)/,
      ),
    );
    const comments = github.comments('acme', 'infra', 2);
    for (const comment of comments) expectInert(comment.body);
    expectInert(runs[1].summary);
  });
});
