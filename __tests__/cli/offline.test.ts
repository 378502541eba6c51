// The offline CLI commands: validate, schema, help, version and usage errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { VERSION } from '../../src/support/version.js';
import { captureIo } from './io.js';

const root = join(import.meta.dirname, '..', '..');
const example = join(root, 'examples', 'single-sa', 'workload-identity.yaml');

test('validate prints a one-line summary for a valid file', async () => {
  const io = captureIo();
  expect(await runCli(['validate', '--file', example], io)).toBe(0);
  expect(io.stdout()).toBe(`${example} is valid: 1 binding, 1 role, 1 service account, 1 cluster.\n`);
});

test('validate reports file:line:col problems and exits 1', async () => {
  const io = captureIo();
  const bad = join(root, '__tests__', 'fixtures', 'invalid', 'unknown-key-binding.yaml');
  expect(await runCli(['validate', '-f', bad], io)).toBe(1);
  expect(io.stderr()).toMatch(/unknown-key-binding\.yaml:\d+:\d+: .*did you mean/);
  expect(io.stdout()).toBe('');
});

test('a missing file is one clear problem', async () => {
  const io = captureIo();
  expect(await runCli(['validate', '--file', '/nonexistent/w.yaml'], io)).toBe(1);
  // No made-up position: the problem is the file as a whole.
  expect(io.stderr()).toMatch(/\/nonexistent\/w\.yaml: bindings file not found: .*--file/);
  expect(io.stderr()).not.toContain(':1:1');
});

test('schema prints the JSON Schema that is kept in the repo', async () => {
  const io = captureIo();
  expect(await runCli(['schema'], io)).toBe(0);
  expect(JSON.parse(io.stdout())).toEqual(
    JSON.parse(readFileSync(join(root, 'schema', 'bindings.schema.json'), 'utf8')),
  );
});

test('--help works at the top and for every command', async () => {
  for (const args of [
    ['--help'],
    ['validate', '--help'],
    ['plan', '--help'],
    ['apply', '-h'],
    ['schema', '--help'],
  ]) {
    const io = captureIo();
    expect(await runCli(args, io)).toBe(0);
    expect(io.stdout()).toMatch(/Usage: workload-identity/);
  }
});

test('version equals package.json', async () => {
  const io = captureIo();
  expect(await runCli(['--version'], io)).toBe(0);
  expect(io.stdout().trim()).toBe(VERSION);
  expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version).toBe(VERSION);
});

test('usage errors name the problem and exit 1', async () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /Usage: workload-identity <command>/],
    [['frobnicate'], /Unknown command "frobnicate"/],
    [['plan', '--format', 'yaml'], /--format must be one of text, markdown, json/],
    [['apply'], /exactly one of --plan FILE .* or --auto-approve/],
    [['apply', '--auto-approve', '--plan', 'p.json'], /exactly one of/],
    [
      ['apply', '--auto-approve', '--max-concurrency', '0'],
      /--max-concurrency must be an integer from 1 to 64/,
    ],
    // Read as the action reads its max-concurrency input: decimal digits only (Number() takes these).
    [
      ['apply', '--auto-approve', '--max-concurrency', '1e1'],
      /--max-concurrency must be an integer from 1 to 64/,
    ],
    [
      ['apply', '--auto-approve', '--max-concurrency', '0x10'],
      /--max-concurrency must be an integer from 1 to 64/,
    ],
    [['validate', '--out', 'x'], /--out is not an option of validate/],
    [['validate', '--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const io = captureIo();
    expect(await runCli(args, io)).toBe(1);
    expect(io.stderr()).toMatch(message);
  }
});

test('plan and apply on an invalid file exit 1 before contacting anything', async () => {
  const bad = join(root, '__tests__', 'fixtures', 'invalid', 'unknown-key-binding.yaml');
  // Endpoints that would fail loudly if contacted: nothing listens on them.
  const env = { AWS_ENDPOINT_URL: 'http://127.0.0.1:1', CPLN_ENDPOINT: 'http://127.0.0.1:1' };
  for (const args of [
    ['plan', '-f', bad],
    ['apply', '-f', bad, '--auto-approve'],
  ]) {
    const io = captureIo(env);
    expect(await runCli(args, io)).toBe(1);
    expect(io.stderr()).toMatch(/nothing was contacted or changed/);
  }
});

test('validate FILE (positional) works; a positional the command cannot take says what to write', async () => {
  const io = captureIo();
  expect(await runCli(['validate', example], io)).toBe(0);
  expect(io.stdout()).toBe(`${example} is valid: 1 binding, 1 role, 1 service account, 1 cluster.\n`);
  const saved = captureIo();
  expect(await runCli(['apply', 'p.json'], saved)).toBe(1);
  expect(saved.stderr()).toContain(
    'unexpected argument "p.json" — to apply a saved plan, write --plan p.json',
  );
  const two = captureIo();
  expect(await runCli(['plan', 'a.yaml', 'b.yaml'], two)).toBe(1);
  expect(two.stderr()).toContain(
    'unexpected argument "a.yaml" — to name the bindings file, write --file a.yaml',
  );
});

test('a misspelt option gets a "did you mean", not parseArgs\' raw text', async () => {
  for (const [typo, meant] of [
    ['--fiel', '--file'],
    ['--fromat', '--format'],
    ['--auto-aprove', '--auto-approve'],
  ]) {
    const io = captureIo();
    expect(await runCli(['plan', typo, 'x'], io)).toBe(1);
    expect(io.stderr()).toContain(`Unknown option '${typo}' — did you mean ${meant}?`);
    expect(io.stderr()).not.toContain('To specify a positional argument');
  }
});

test('every help text lines its option descriptions up in one column', async () => {
  for (const command of ['validate', 'plan', 'apply', 'verify', 'discover', 'import', 'schema']) {
    const io = captureIo();
    expect(await runCli([command, '--help'], io)).toBe(0);
    const columns = new Set(
      io
        .stdout()
        .split('\n')
        .map((line) => /^(\s+-\S.*?\S)\s{2,}\S/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => m[0].length - 1),
    );
    expect([command, columns.size <= 1]).toEqual([command, true]);
  }
});
