// The bindings path is read only when it is a regular file, with a bounded read: a symlink to
// /dev/zero, a FIFO, a device or a directory is refused at once, by what the opened file is (not by
// its stat size, which is 0 for all of them), and a file that is not bindings YAML — a symlink to a
// shadow-style password file — is never quoted back beyond a short, escaped snippet. validate, plan
// and apply exit 1 and contact nothing. The action also refuses a path that resolves outside the
// workspace (see __tests__/action/bindings.test.ts).
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../cli/io.js';
import { setProcessEnv, startSafetySandbox, type SafetySandbox } from './harness.js';

const COMMANDS: Array<[string, (file: string) => string[]]> = [
  ['validate', (file) => ['validate', '--file', file]],
  ['plan', (file) => ['plan', '--file', file]],
  ['apply --auto-approve', (file) => ['apply', '--file', file, '--auto-approve']],
];

/** A shadow(5)-style file: none of it may reach any output. */
const HASH = '$6$Qw8rTy2uIo$zXcVbNm1AsDfGhJkL0PoIuYtReWq9MnBvCxZlKjHgFdSa8';
const SHADOW = `root:${HASH}:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\nalice: "$y$j9T$SaltSaltSalt$HashHashHashHashHash42\n`;

let sandbox: SafetySandbox;
let restoreEnv: () => void;
let dir: string;

beforeAll(async () => {
  sandbox = await startSafetySandbox({ contexts: ['prod-us'] });
  restoreEnv = setProcessEnv(sandbox.env);
  dir = join(sandbox.dir, 'paths');
  mkdirSync(dir);
  symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
  execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
  symlinkSync(join(dir, 'fifo.yaml'), join(dir, 'link-to-fifo.yaml'));
  writeFileSync(join(dir, 'shadow'), SHADOW);
  symlinkSync(join(dir, 'shadow'), join(dir, 'shadow-link.yaml'));
  writeFileSync(join(dir, 'ini.yaml'), `[client]\npassword = "Sup3rS3cretPassw0rdValue!"\nuser: admin\n`);
});

beforeEach(() => sandbox.resetCounters());

afterAll(async () => {
  restoreEnv();
  await sandbox.stop();
});

describe.each(COMMANDS)('%s', (_label, argv) => {
  test.each([
    ['zero.yaml', 'a symlink to /dev/zero', /is a device, not a regular file/],
    ['fifo.yaml', 'a FIFO', /is a FIFO \(named pipe\), not a regular file/],
    ['link-to-fifo.yaml', 'a symlink to a FIFO', /is a FIFO \(named pipe\), not a regular file/],
    ['/dev/null', 'a device', /is a device, not a regular file/],
  ])(
    '%s (%s) is refused without reading a byte (bounded: no read at all, no wait for a writer), exit 1, nothing contacted',
    async (name, _what, message) => {
      const path = name.startsWith('/') ? name : join(dir, name);
      const io = captureIo(sandbox.env);
      expect(await runCli(argv(path), io)).toBe(1);
      expect(io.stderr()).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: "`));
      expect(io.stderr()).toMatch(message);
      expect(io.stdout()).toBe('');
      expect(sandbox.totalCalls()).toBe(0);
    },
    10_000,
  );

  test.each([
    ['shadow-link.yaml', SHADOW],
    ['ini.yaml', 'Sup3rS3cretPassw0rdValue!'],
  ])(
    '%s, a file that is not bindings YAML, is reported by position without quoting its content (at most a 20-character escaped snippet)',
    async (name, secret) => {
      const path = join(dir, name);
      const io = captureIo(sandbox.env);
      expect(await runCli(argv(path), io)).toBe(1);
      expect(io.stderr()).toMatch(/:\d+:\d+: /);
      const output = io.stdout() + io.stderr();
      // No 12-character piece of any secret line appears anywhere in the output.
      for (const line of secret.split('\n').filter((l) => l.length >= 12))
        for (let i = 0; i + 12 <= line.length; i += 1) expect(output).not.toContain(line.slice(i, i + 12));
      expect(sandbox.totalCalls()).toBe(0);
    },
  );
});
