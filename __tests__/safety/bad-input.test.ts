// Bad input never reaches a service: every invalid bindings file — the fixtures in
// __tests__/fixtures/invalid with their exact expected messages, plus hostile files generated here (5 MB, alias bombs, binary, deep nesting,
// prototype keys, YAML tags, UTF-16) — makes validate, plan and apply exit 1 with file:line:col
// messages while the IAM, Kubernetes and Control Plane emulators they point at receive no request.
// A subset also runs through the action as a subprocess: exit 1, ::error annotations, no request.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { GITHUB_TOKENS, GitHubEmulator } from '../../sandbox/github/emulator.js';
import { captureIo } from '../cli/io.js';
import { assertActionEntry, runActionProcess, type ActionRun } from './action-runner.js';
import { setProcessEnv, startSafetySandbox, type SafetySandbox } from './harness.js';

const root = join(import.meta.dirname, '..', '..');
const invalidDir = join(root, '__tests__', 'fixtures', 'invalid');
const fixtures = readdirSync(invalidDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

const VALID_HEAD = `version: 1
owner: acme/platform-iam
clusters:
  prod: { issuer: 'https://oidc.example.com/id/ABC', kubernetes: { context: prod-us } }
`;
const VALID_BINDING = `bindings:
  - role: s3-reader
    serviceAccounts: [{ cluster: prod, namespace: default, name: app }]
    managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
`;

/** Hostile files the fixtures do not cover; `message` is what the first diagnostic must say. */
interface GeneratedCase {
  name: string;
  content: () => string | Buffer;
  message: RegExp;
  line?: number;
}

function billionLaughs(levels: number): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= levels; i += 1) {
    const prev = String.fromCharCode(96 + i);
    const next = String.fromCharCode(97 + i);
    lines.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return `${VALID_HEAD}${VALID_BINDING}${lines.join('\n')}\n`;
}

/**
 * The audit's slow-validation file in small: `lists` anchors, each a list of `actions` invalid
 * actions, each aliased by one binding's inline policy. Every expanded action is an error.
 */
function aliasedInvalidActions(lists: number, actions: number): string {
  const lines = [VALID_HEAD.trimEnd(), 'bindings:'];
  for (let a = 0; a < lists; a += 1) {
    const list = Array.from({ length: actions }, (_, i) => `"bad ${a} ${i}"`).join(', ');
    lines.push(
      `  - role: r${a}`,
      `    serviceAccounts: [{ cluster: prod, namespace: default, name: app${a} }]`,
      '    inlinePolicies:',
      '      p:',
      '        Version: "2012-10-17"',
      // The first binding holds the anchors; later ones alias them.
      a === 0
        ? `        Statement: [{ Effect: Allow, Resource: "*", Action: &l0 [${list}] }]`
        : `        Statement: [{ Effect: Allow, Resource: "*", Action: *l0 }]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const generated: GeneratedCase[] = [
  {
    name: 'nine-megabytes.yaml',
    content: () => `${VALID_HEAD}${VALID_BINDING}# ${'x'.repeat(9 * 1024 * 1024)}\n`,
    message: /over the 8 MiB \(8388608 bytes\) limit for a bindings file/,
    line: 1,
  },
  {
    name: 'one-byte-over-limit.yaml',
    content: () => {
      const head = `${VALID_HEAD}${VALID_BINDING}# `;
      return `${head}${'y'.repeat(8 * 1024 * 1024 + 1 - head.length - 1)}\n`;
    },
    message: /is 8388609 bytes, over the 8 MiB/,
    line: 1,
  },
  {
    name: 'billion-laughs.yaml',
    content: () => billionLaughs(9),
    message: /anchors and aliases .* expand to too much data/,
  },
  {
    name: 'binary-garbage.yaml',
    content: () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)),
    message: /not valid UTF-8|YAML syntax error|must be a map/,
  },
  {
    name: 'nul-bytes.yaml',
    content: () =>
      `${VALID_HEAD}bindings:\n  - role: "s3\u0000reader"\n    serviceAccounts: [{ cluster: prod, namespace: default, name: app }]\n`,
    message: /role/,
  },
  {
    name: 'deep-nesting.yaml',
    content: () => `${VALID_HEAD}${VALID_BINDING}    tags: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
    // Refused safely; the wording is checked (and currently fails) in its own test below.
    message: /./,
  },
  {
    name: 'deep-block-nesting.yaml',
    content: () => {
      const lines = [`${VALID_HEAD}${VALID_BINDING.trimEnd()}`, '    tags:'];
      for (let i = 0; i < 400; i += 1) lines.push(`${'  '.repeat(i + 3)}k${i}:`);
      return `${lines.join('\n')} deep\n`;
    },
    message: /tags/,
  },
  {
    name: 'proto-keys.yaml',
    content: () =>
      `__proto__: { owner: evil }\nconstructor: { prototype: { polluted: true } }\n${VALID_HEAD}${VALID_BINDING}`,
    message: /__proto__/,
    line: 1,
  },
  {
    name: 'utf16.yaml',
    content: () =>
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${VALID_HEAD}${VALID_BINDING}`, 'utf16le')]),
    message: /UTF-8|UTF-16|YAML syntax error/,
  },
  {
    name: 'long-line.yaml',
    content: () => `${VALID_HEAD}${VALID_BINDING}    description: "${'d'.repeat(200_000)}"\n`,
    message: /description/,
  },
  {
    name: 'only-comments.yaml',
    content: () => '# nothing here\n# still nothing\n',
    message: /empty|must be a map|version/,
  },
  {
    name: 'crlf-tabs.yaml',
    content: () =>
      `${VALID_HEAD}${VALID_BINDING}`
        .replace(/\n/g, '\r\n')
        .replace('    serviceAccounts', '\tserviceAccounts'),
    message: /tab/,
  },
  {
    // 99 aliases of a 15,000-item list: 1.5 million values once expanded, over the 1,000,000 bound
    // on the work every check does.
    name: 'alias-expansion-over-a-million-values.yaml',
    content: () =>
      `${VALID_HEAD}${VALID_BINDING}    tags: { a: b }\nbig: &big [${Array(15_000).fill('1').join(',')}]\nuses: [${Array(99).fill('*big').join(', ')}]\n`,
    message: /expands to more than 1,000,000 values once its aliases/,
  },
  {
    name: 'merge-key-smuggling.yaml',
    content: () =>
      `base: &base { role: admin, adopt: true }\n${VALID_HEAD}bindings:\n  - <<: *base\n    serviceAccounts: [{ cluster: prod, namespace: default, name: app }]\n`,
    message: /base|<<|merge/,
  },
];

let sandbox: SafetySandbox;
let restoreEnv: () => void;
let tmp: string;

beforeAll(async () => {
  sandbox = await startSafetySandbox({ contexts: ['prod-us'] });
  restoreEnv = setProcessEnv(sandbox.env);
  tmp = join(sandbox.dir, 'hostile');
  mkdirSync(tmp);
  for (const c of generated) writeFileSync(join(tmp, c.name), c.content());
});

beforeEach(() => sandbox.resetCounters());

afterAll(async () => {
  restoreEnv();
  await sandbox.stop();
});

/** The fixture's expected messages, with the bare file name replaced by the path the CLI was given. */
function expectedLines(name: string, path: string): string[] {
  return readFileSync(join(invalidDir, name.replace(/\.yaml$/, '.expected')), 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => (line.startsWith(`${name}:`) ? `${path}${line.slice(name.length)}` : line));
}

/**
 * What bounds the work on any input, by construction rather than by a timed assertion: the read
 * (a regular file, at most 8 MiB + 1 byte), the expansion (100 aliases, 1,000,000 values, 64 levels
 * of brackets, in YAML and in JSON-string policies) and the output (100 problems, then one line).
 */
const BOUNDS = 'bounded: ≤ 8 MiB read, ≤ 1,000,000 expanded values, ≤ 64 nesting levels, ≤ 101 problem lines';

const COMMANDS: Array<[string, (file: string) => string[]]> = [
  ['validate', (file) => ['validate', '--file', file]],
  ['plan', (file) => ['plan', '--file', file]],
  ['plan --format markdown', (file) => ['plan', '--file', file, '--format', 'markdown']],
  ['apply --auto-approve', (file) => ['apply', '--file', file, '--auto-approve']],
];

test('the corpus is large enough to mean something', () => {
  expect(fixtures.length + generated.length).toBeGreaterThanOrEqual(60);
});

describe.each(fixtures)('fixture %s', (name) => {
  test.each(COMMANDS)(
    `%s exits 1 with exactly the expected messages and contacts nothing (${BOUNDS})`,
    async (_label, argv) => {
      const path = join(invalidDir, name);
      const io = captureIo(sandbox.env);
      const code = await runCli(argv(path), io);
      const lines = io.stderr().trimEnd().split('\n');
      expect(code).toBe(1);
      expect(io.stdout()).toBe('');
      expect(lines.slice(0, -1)).toEqual(expectedLines(name, path));
      expect(lines[lines.length - 1]).toMatch(/error.*; nothing was contacted or changed\.$/);
      expect(sandbox.totalCalls()).toBe(0);
    },
  );
});

describe.each(generated)('generated $name', ({ name, message, line }) => {
  test.each(COMMANDS)(
    `%s exits 1 with file:line:col messages and contacts nothing (${BOUNDS})`,
    async (_label, argv) => {
      const path = join(tmp, name);
      const io = captureIo(sandbox.env);
      const code = await runCli(argv(path), io);
      const lines = io.stderr().trimEnd().split('\n');
      expect(code).toBe(1);
      expect(io.stdout()).toBe('');
      const diagnostics = lines.slice(0, -1);
      expect(diagnostics.length).toBeGreaterThanOrEqual(1);
      for (const d of diagnostics) expect(d.startsWith(`${path}:`)).toBe(true);
      for (const d of diagnostics) expect(d.slice(path.length)).toMatch(/^:\d+:\d+: \S/);
      expect(diagnostics.map((d) => d.slice(path.length)).join('\n')).toMatch(message);
      if (line !== undefined)
        expect(diagnostics[0].slice(path.length)).toMatch(new RegExp(`^:${line}:\\d+: `));
      // A message is for people: bounded, one line each, and never the 5 MB of input echoed back.
      expect(io.stderr().length).toBeLessThan(20_000);
      expect(lines[lines.length - 1]).toMatch(/nothing was contacted or changed\.$/);
      expect(sandbox.totalCalls()).toBe(0);
    },
  );
});

test.each(COMMANDS)(
  '%s on a directory or a missing file exits 1 without contacting anything',
  async (_label, argv) => {
    for (const [path, message] of [
      [tmp, /is a directory, not a bindings file/],
      [join(tmp, 'missing.yaml'), /bindings file not found/],
    ] as const) {
      const io = captureIo(sandbox.env);
      expect(await runCli(argv(path), io)).toBe(1);
      // A file that cannot be read has no line to point at: the path alone, no fake :1:1 (#14).
      expect(io.stderr()).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      expect(io.stderr()).toMatch(message);
    }
    expect(sandbox.totalCalls()).toBe(0);
  },
);

describe('99 aliases of one list of 100 invalid actions (9,900 errors; work linear in the ~10,000 expanded values, output bounded to 101 lines)', () => {
  test.each(COMMANDS)(
    '%s shows the first 100 problems, then one positioned "… and 9,800 more" line, counts all 9,900, contacts nothing',
    async (_label, argv) => {
      const path = join(tmp, 'aliased-invalid-actions.yaml');
      writeFileSync(path, aliasedInvalidActions(99, 100));
      const io = captureIo(sandbox.env);
      expect(await runCli(argv(path), io)).toBe(1);
      const lines = io.stderr().trimEnd().split('\n');
      expect(lines).toHaveLength(102);
      for (const line of lines.slice(0, 101))
        expect(line).toMatch(new RegExp(`^${escapeRegExp(path)}:\\d+:\\d+: \\S`));
      expect(lines[100]).toMatch(
        /… and 9,800 more problems from line \d+ on not shown \(only the first 100 are\)/,
      );
      expect(lines[101]).toMatch(/9900 errors.*nothing was contacted or changed\.$/);
      expect(sandbox.totalCalls()).toBe(0);
    },
  );
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('a deeply nested file gets a nesting message, the same on every run (not a stack overflow at a varying column)', async () => {
  const path = join(tmp, 'deep-nesting.yaml');
  const runs = await Promise.all(
    [0, 1, 2].map(async () => {
      const io = captureIo(sandbox.env);
      await runCli(['validate', '--file', path], io);
      return io.stderr();
    }),
  );
  expect(runs[0]).not.toMatch(/Maximum call stack/);
  expect(runs[0]).toMatch(/nest/i);
  expect(runs[1]).toBe(runs[0]);
  expect(runs[2]).toBe(runs[0]);
});

test('a YAML 1.1 !!set where a map belongs is an error, not tags that silently vanish', async () => {
  // The yaml library turns `!!set { a, b }` into a JavaScript Set, which has no own keys, so the
  // schema sees an empty map and the role would get no tags at all.
  const path = join(tmp, 'set-tag.yaml');
  writeFileSync(path, `${VALID_HEAD}${VALID_BINDING}    tags: !!set { team, cost-center }\n`);
  const io = captureIo(sandbox.env);
  expect(await runCli(['validate', '--file', path], io)).toBe(1);
  expect(io.stderr()).toMatch(/:9:\d+: `tags` has the !!set tag/);
  expect(sandbox.totalCalls()).toBe(0);
});

test('custom YAML tags (!!js/function, !evil) are errors at their position, and nothing is contacted', async () => {
  for (const [name, tagged, shown] of [
    ['js-tag.yaml', "!!js/function 'function () { process.exit(3) }'", 'Unresolved tag: !!js/function'],
    ['evil-tag.yaml', '!evil dangerous', 'Unresolved tag: !evil'],
  ]) {
    const path = join(tmp, name);
    writeFileSync(path, `${VALID_HEAD}${VALID_BINDING}    description: ${tagged}\n`);
    const io = captureIo(sandbox.env);
    expect(await runCli(['plan', '--file', path], io)).toBe(1);
    expect(io.stderr()).toContain(
      `${path}:9:18: ${shown} — a bindings file uses no custom YAML tags; remove the tag`,
    );
  }
  expect(sandbox.totalCalls()).toBe(0);
});

test('the emulators were reachable all along: a valid file does contact them', async () => {
  const path = join(tmp, 'valid.yaml');
  writeFileSync(path, `${VALID_HEAD}${VALID_BINDING}`);
  const io = captureIo(sandbox.env);
  expect(await runCli(['plan', '--file', path], io)).toBe(0);
  expect(sandbox.iam.server.totalCalls()).toBeGreaterThan(0);
  expect(sandbox.kube.get('prod-us')!.server.totalCalls()).toBeGreaterThan(0);
  expect(sandbox.iam.server.totalCalls({ mutating: true })).toBe(0);
});

describe('through the action (a subprocess, as on a runner)', () => {
  const SUBSET = [
    'yaml-syntax-error.yaml',
    'duplicate-keys.yaml',
    'alias-bomb.yaml',
    'non-utf8.yaml',
    'tabs.yaml',
    'wrong-types.yaml',
    'unknown-key-binding.yaml',
    'bad-managed-policy-arn.yaml',
    'oversize-trust-policy.yaml',
    'empty.yaml',
    'issuer-http.yaml',
    'policy-principal-in-identity-policy.yaml',
  ];
  const github = new GitHubEmulator();
  let workspace: string;
  const runs = new Map<string, ActionRun>();

  /** `::error title=…,file=…,line=…,col=…::message` lines, decoded as @actions/core encodes them. */
  function annotations(stdout: string): Array<{ file: string; line: string; col: string; message: string }> {
    const decode = (s: string) =>
      s
        .replace(/%0D/g, '\r')
        .replace(/%0A/g, '\n')
        .replace(/%3A/g, ':')
        .replace(/%2C/g, ',')
        .replace(/%25/g, '%');
    return stdout
      .split('\n')
      .filter((line) => line.startsWith('::error '))
      .map((line) => {
        const [, props, message] = /^::error ([^:]*)::(.*)$/.exec(line)!;
        const p = Object.fromEntries(
          props.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), decode(kv.slice(kv.indexOf('=') + 1))]),
        );
        return { file: p.file, line: p.line, col: p.col, message: decode(message) };
      });
  }

  beforeAll(async () => {
    assertActionEntry();
    await github.start();
    github.addRepo('acme', 'infra', { private: true, defaultBranch: 'main' });
    workspace = join(sandbox.dir, 'workspace');
    mkdirSync(workspace);
    for (const name of SUBSET) copyFileSync(join(invalidDir, name), join(workspace, name));
    writeFileSync(join(workspace, 'nine-megabytes.yaml'), `${VALID_HEAD}# ${'x'.repeat(9 * 1024 * 1024)}\n`);
    writeFileSync(join(workspace, 'aliased-invalid-actions.yaml'), aliasedInvalidActions(99, 100));
    sandbox.resetCounters();
    const names = [...SUBSET, 'nine-megabytes.yaml', 'aliased-invalid-actions.yaml'];
    // Four processes at a time keeps a 2-core machine responsive.
    for (let i = 0; i < names.length; i += 4) {
      await Promise.all(
        names.slice(i, i + 4).map(async (name, j) => {
          const number = i + j + 1;
          github.addPullRequest('acme', 'infra', {
            number,
            headSha: (number + 100).toString(16).padStart(40, '0'),
          });
          runs.set(
            name,
            await runActionProcess({
              dir: join(sandbox.dir, 'action-runs', String(number)),
              workspace,
              githubUrl: github.url,
              pullNumber: number,
              headSha: (number + 100).toString(16).padStart(40, '0'),
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
                CPLN_ENDPOINT: sandbox.env.CPLN_ENDPOINT,
              },
            }),
          );
        }),
      );
    }
  }, 120_000);

  afterAll(async () => {
    await github.stop();
  });

  test('no run sent a single request to IAM, STS, Kubernetes or Control Plane', () => {
    expect(runs.size).toBe(SUBSET.length + 2);
    expect(sandbox.totalCalls()).toBe(0);
  });

  test.each(SUBSET)(
    '%s: exit 1 and one ::error annotation per expected message, at its file:line:col',
    (name) => {
      const run = runs.get(name)!;
      expect(run.code).toBe(1);
      const expected = expectedLines(name, name).map((line) => {
        const [, file, l, c, message] = /^(.+?):(\d+):(\d+): (.*)$/.exec(line)!;
        return { file, line: l, col: c, message };
      });
      expect(annotations(run.stdout)).toEqual(expected.filter((e) => !e.message.startsWith('warning: ')));
    },
  );

  test('aliased-invalid-actions.yaml (9,900 errors): exit 1 with 101 ::error annotations, the last one counting the rest', () => {
    const run = runs.get('aliased-invalid-actions.yaml')!;
    expect(run.code).toBe(1);
    const found = annotations(run.stdout);
    expect(found).toHaveLength(101);
    expect(found[100].message).toMatch(/^… and 9,800 more problems from line \d+ on not shown/);
    expect(run.stdout.split('\n').filter((line) => line.startsWith('::error')).length).toBeLessThanOrEqual(
      102,
    );
    expect(run.stdout + run.stderr).toMatch(/9900 problems/);
  });

  test('nine-megabytes.yaml: exit 1 with one annotation at line 1, not the file echoed back', () => {
    const run = runs.get('nine-megabytes.yaml')!;
    expect(run.code).toBe(1);
    expect(annotations(run.stdout)).toEqual([
      expect.objectContaining({
        file: 'nine-megabytes.yaml',
        line: '1',
        col: '1',
        message: expect.stringMatching(/over the 8 MiB/),
      }),
    ]);
    expect(run.stdout.length + run.stderr.length + run.summary.length).toBeLessThan(50_000);
  });
});
