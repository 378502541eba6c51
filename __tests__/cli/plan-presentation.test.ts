// The plan a reviewer reads, end to end through the CLI against the emulators: drift labels from
// --base-file and --base-ref, colour only where asked for, and the desired documents shown in the
// plan are byte for byte what IAM receives on apply.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { setProcessEnv, startSafetySandbox, type SafetySandbox } from '../safety/harness.js';
import { captureIo } from './io.js';

const HEAD = `version: 1
owner: acme/platform-iam
clusters:
  prod: { issuer: 'https://oidc.example.com/id/ABC', kubernetes: { context: prod-us } }
bindings:
`;
const READER = `  - role: reader
    serviceAccounts: [{ cluster: prod, namespace: default, name: reader }]
    managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
`;
const WRITER = `  - role: writer
    serviceAccounts:
      - { cluster: prod, namespace: default, name: writer }
      - { cluster: prod, namespace: default, name: batch }
    inlinePolicies:
      write-assets:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: s3:PutObject
            Resource: ['arn:aws:s3:::assets/*']
            Condition: { Bool: { aws:SecureTransport: 'true' } }
`;

let sandbox: SafetySandbox;
let restoreEnv: () => void;
let dir: string;
let n = 0;

beforeAll(async () => {
  sandbox = await startSafetySandbox({ contexts: ['prod-us'] });
  restoreEnv = setProcessEnv(sandbox.env);
});
beforeEach(() => {
  dir = join(sandbox.dir, `presentation-${(n += 1)}`);
  mkdirSync(dir);
});
afterAll(async () => {
  restoreEnv();
  await sandbox.stop();
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function run(args: string[], env: Record<string, string> = {}, isTTY = false) {
  const io = { ...captureIo({ ...sandbox.env, ...env }), isTTY };
  const code = await runCli(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

/** The reader role applied, then deleted by hand: the base file plans to create it again (drift). */
async function driftedReader(): Promise<string> {
  const base = write('base.yaml', HEAD + READER);
  expect((await run(['apply', '--file', base, '--auto-approve'])).code).toBe(0);
  expect(sandbox.iam.deleteRoleState('reader')).toBe(true);
  return base;
}

test('--base-file: the change the base file plans too is drift, the new binding is the change under review', async () => {
  const base = await driftedReader();
  const head = write('workload-identity.yaml', HEAD + READER + WRITER);
  const text = await run(['plan', '--file', head, '--base-file', base]);
  expect(text.code).toBe(0);
  expect(text.out).toContain('  + role.reader # drift: undoes an edit made outside the bindings file\n');
  expect(text.out).toContain('  + role.writer\n');
  expect(text.out).toContain('Drift: 1 change undoes edits made outside this file (marked # drift).');

  const md = await run(['plan', '--file', head, '--base-file', base, '--format', 'markdown']);
  expect(md.out).toContain('#### 🔁 Drift: 1 change undoes edits made outside this file');
  expect(md.out).toContain('| `+` | role | `role.reader` | 🔁 drift; ');
  expect(md.out).toMatch(/\| `\+` \| role \| `role\.writer` \| ⚠️ broadens access/);

  // Without a base nothing is labelled.
  const plain = await run(['plan', '--file', head]);
  expect(plain.out).not.toContain('drift');
});

test('--base-ref reads the base file from git; a file new at that ref labels nothing as drift', async () => {
  await driftedReader();
  const head = write('workload-identity.yaml', HEAD + READER);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir });
  git('init', '-q');
  git('add', 'workload-identity.yaml');
  git('commit', '-qm', 'base');
  writeFileSync(head, HEAD + READER + WRITER);
  const labelled = await run(['plan', '--file', head, '--base-ref', 'HEAD']);
  expect(labelled.code).toBe(0);
  expect(labelled.out).toContain('  + role.reader # drift');
  expect(labelled.out).toContain('  + role.writer\n');

  const other = write('other.yaml', HEAD + READER);
  const fresh = await run(['plan', '--file', other, '--base-ref', 'HEAD']);
  expect(fresh.code).toBe(0);
  expect(fresh.out).not.toContain('# drift');

  const bad = await run(['plan', '--file', head, '--base-ref', 'no-such-ref']);
  expect(bad.code).toBe(1);
  expect(bad.err).toContain('--base-ref no-such-ref');
  expect((await run(['plan', '--file', head, '--base-ref', 'HEAD', '--base-file', head])).code).toBe(1);
});

test('colour only on a terminal, never with --no-color or NO_COLOR, forced by FORCE_COLOR; never in Markdown or JSON', async () => {
  const file = write('workload-identity.yaml', HEAD + WRITER);
  const ESC = '\u001b[';
  expect((await run(['plan', '--file', file])).out).not.toContain(ESC);
  const tty = await run(['plan', '--file', file], {}, true);
  expect(tty.out).toContain(`${ESC}32m  +${ESC}0m role.writer`);
  expect((await run(['plan', '--file', file, '--no-color'], {}, true)).out).not.toContain(ESC);
  expect((await run(['plan', '--file', file], { NO_COLOR: '1' }, true)).out).not.toContain(ESC);
  expect((await run(['plan', '--file', file], { FORCE_COLOR: '1' })).out).toContain(ESC);
  expect((await run(['plan', '--file', file], { FORCE_COLOR: '0' }, true)).out).not.toContain(ESC);
  for (const format of ['markdown', 'json'])
    expect(
      (await run(['plan', '--file', file, '--format', format], { FORCE_COLOR: '1' }, true)).out,
    ).not.toContain(ESC);
  const out = join(dir, 'plan.json');
  await run(['plan', '--file', file, '--out', out], { FORCE_COLOR: '1' }, true);
  expect(execFileSync('cat', [out]).toString()).not.toContain(ESC);
});

/** The JSON documents shown whole after `+ FIELD` in the text plan, by field. */
function textDocuments(text: string): Map<string, string> {
  const docs = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const head = /^ {6}\+ (trustPolicy|inlinePolicies\.\S+)/.exec(lines[i]);
    if (!head || lines[i + 1] !== '          + {') continue;
    const body: string[] = [];
    while (lines[i + 1].startsWith('          + ')) body.push(lines[++i].slice(12));
    docs.set(head[1], body.join('\n'));
  }
  return docs;
}

/** The same from the Markdown's ```diff blocks (`@@ FIELD @@` then `+` lines). */
function markdownDocuments(md: string): Map<string, string> {
  const docs = new Map<string, string>();
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const head = /^@@ (trustPolicy|inlinePolicies\.\S+)(?: \(broadens access\))? @@$/.exec(lines[i]);
    if (!head || lines[i + 1] !== '+{') continue;
    const body: string[] = [];
    // The document ends at its closing brace in column 1; a `+ tags.…` line may follow.
    do body.push(lines[++i].slice(1));
    while (lines[i] !== '+}');
    docs.set(head[1], body.join('\n'));
  }
  return docs;
}

test('every desired document the plan shows, parsed, is byte for byte the document IAM received on apply', async () => {
  const file = write('workload-identity.yaml', HEAD + WRITER);
  const text = textDocuments((await run(['plan', '--file', file])).out);
  const md = markdownDocuments((await run(['plan', '--file', file, '--format', 'markdown'])).out);
  expect([...text.keys()].sort()).toEqual(['inlinePolicies.write-assets', 'trustPolicy']);
  expect(md).toEqual(text);
  const applied = await run(['apply', '--file', file, '--auto-approve']);
  expect(applied.code).toBe(0);
  const role = sandbox.iam.getRoleState('writer');
  expect(JSON.stringify(JSON.parse(text.get('trustPolicy') ?? ''))).toBe(role?.assumeRolePolicyDocument);
  expect(JSON.stringify(JSON.parse(text.get('inlinePolicies.write-assets') ?? ''))).toBe(
    role?.inlinePolicies['write-assets'],
  );
  // As written: one Action stays a string, keys keep the file's order.
  expect(text.get('inlinePolicies.write-assets')).toContain('"Action": "s3:PutObject",');
});

test('a Markdown plan over the comment budget points at what the CLI offers, not at a job summary (#14)', async () => {
  // 400 roles with an inline policy each: far more than GitHub's comment budget.
  const many = Array.from(
    { length: 400 },
    (_, i) => `  - role: bulk-${i}
    serviceAccounts: [{ cluster: prod, namespace: default, name: bulk-${i} }]
    inlinePolicies:
      read-${i}:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: ['s3:GetObject', 's3:ListBucket']
            Resource: ['arn:aws:s3:::bucket-${i}', 'arn:aws:s3:::bucket-${i}/*']
`,
  ).join('');
  const md = await run([
    'plan',
    '--file',
    write('workload-identity.yaml', HEAD + many),
    '--format',
    'markdown',
  ]);
  expect(md.code).toBe(0);
  expect(md.out).toContain('workload-identity plan --format text');
  expect(md.out).toContain('--out plan.json');
  expect(md.out).not.toContain('job summary');
  expect(md.out).not.toContain('plan-json` output');
});

test('the JSON plan written in pieces as it is made (the CLI on stdout) is the text written whole', async () => {
  const file = write('workload-identity.yaml', HEAD + WRITER + READER);
  const whole = await run(['plan', '--file', file, '--format', 'json']);
  const pieces: string[] = [];
  const io = {
    ...captureIo(sandbox.env),
    outPieces: async (made: Iterable<string>) => {
      for (const piece of made) pieces.push(piece);
    },
  };
  expect(await runCli(['plan', '--file', file, '--format', 'json'], io)).toBe(0);
  expect(io.stdout()).toBe('');
  expect(pieces.length).toBeGreaterThan(2);
  expect(pieces.join('')).toBe(whole.out);
});
