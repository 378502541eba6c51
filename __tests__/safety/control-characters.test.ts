// Control characters and workflow commands from user data never reach the terminal or the runner:
// ESC/BEL/NUL/C1 in any name, key, issuer or tag is a positioned error (exit 1, nothing contacted),
// free text (a description) keeps its line breaks but its lines are printed so none starts with
// `::` (the runner would read `::add-mask::` or `::error::` as a command), and every other control
// character is printed as a `\x1b`-style escape.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { safeOutput } from '../../src/support/terminal.js';
import { captureIo } from '../cli/io.js';
import { setProcessEnv, startSafetySandbox, type SafetySandbox } from './harness.js';

const HEAD = `version: 1
owner: acme/platform-iam
`;

let sandbox: SafetySandbox;
let restoreEnv: () => void;
let dir: string;

beforeAll(async () => {
  sandbox = await startSafetySandbox({ contexts: ['prod-us'] });
  restoreEnv = setProcessEnv(sandbox.env);
  dir = mkdtempSync(join(sandbox.dir, 'control-'));
});

beforeEach(() => sandbox.resetCounters());

afterAll(async () => {
  restoreEnv();
  await sandbox.stop();
});

/** Lines the runner would read as workflow commands, and raw control characters (tabs and line breaks aside). */
function hazards(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /^\s*::/.test(line) || /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(line));
}

test.each([
  [
    'issuer with an OSC-8 link and clear-screen',
    `clusters:\n  prod: { issuer: "https://oidc.example.com/id/\\e]8;;https://evil.example\\a\\e[2J" }\n`,
    4,
    19,
    /issuer of cluster "prod" contains a control character \(\\x1b at character 29\)/,
  ],
  [
    'cluster key with BEL',
    `clusters:\n  "prod\\a": { issuer: "https://oidc.example.com/id/ABC" }\n`,
    4,
    3,
    /a key in clusters contains a control character \(\\x07 at character 5\)/,
  ],
  [
    'namespace with ESC',
    `clusters:\n  prod: { issuer: "https://oidc.example.com/id/ABC" }\n`,
    7,
    51,
    /serviceAccounts\[0\]\.namespace of binding "app" contains a control character \(\\x1b at character 8\)/,
  ],
  [
    'tag value with a C1 NEL',
    `clusters:\n  prod: { issuer: "https://oidc.example.com/id/ABC" }\n`,
    8,
    19,
    /tags\.team of binding "app" contains a control character \(\\x85 at character 2\)/,
  ],
  [
    'description with NUL',
    `clusters:\n  prod: { issuer: "https://oidc.example.com/id/ABC" }\n`,
    9,
    18,
    /description of binding "app" contains a control character \(\\x00 at character 4\)/,
  ],
])(
  '%s: validate, plan and apply exit 1 at its position, print it escaped, contact nothing',
  async (name, clusters, line, col, message) => {
    const binding =
      {
        'namespace with ESC':
          '    serviceAccounts: [{ cluster: prod, namespace: "default\\e", name: app }]\n',
        'tag value with a C1 NEL':
          '    serviceAccounts: [{ cluster: prod, namespace: default, name: app }]\n    tags: { team: "a\\Nb" }\n',
        'description with NUL':
          '    serviceAccounts: [{ cluster: prod, namespace: default, name: app }]\n    tags: { team: a }\n    description: "abc\\0"\n',
      }[name] ?? '    serviceAccounts: [{ cluster: prod, namespace: default, name: app }]\n';
    const path = join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(path, `${HEAD}${clusters}bindings:\n  - role: app\n${binding}`);
    for (const argv of [['validate'], ['plan'], ['apply', '--auto-approve']]) {
      const io = captureIo(sandbox.env);
      expect(await runCli([...argv, '--file', path], io)).toBe(1);
      expect(io.stderr()).toContain(`${path}:${line}:${col}: `);
      expect(io.stderr()).toMatch(message);
      expect(hazards(io.stdout() + io.stderr())).toEqual([]);
    }
    expect(sandbox.totalCalls()).toBe(0);
  },
);

test('workflow commands after a line break in a key, a description or a tag (::error::, ::add-mask::) never start a line of validate or plan output', async () => {
  const clusters =
    'clusters:\n  prod: { issuer: "https://oidc.example.com/id/ABC", kubernetes: { context: prod-us } }\n';
  const binding =
    '  - role: app\n    description: "reads assets\\n::add-mask::visible\\n  ::error::injected"\n    serviceAccounts: [{ cluster: prod, namespace: default, name: app }]\n    tags: { "::error::k": "::warning::v" }\n    managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n';
  const invalid = join(dir, 'commands-in-key.yaml');
  writeFileSync(invalid, `${HEAD}"x\\n::error::pwned": 1\n${clusters}bindings:\n${binding}`);
  const io = captureIo(sandbox.env);
  expect(await runCli(['validate', '--file', invalid], io)).toBe(1);
  expect(io.stderr()).toContain(
    `${invalid}:3:1: a key in the top level contains a control character (\\x0a at character 2)`,
  );
  expect(hazards(io.stdout() + io.stderr())).toEqual([]);
  expect(sandbox.totalCalls()).toBe(0);

  const valid = join(dir, 'commands-in-text.yaml');
  writeFileSync(valid, `${HEAD}${clusters}bindings:\n${binding}`);
  for (const argv of [['validate'], ['plan'], ['plan', '--format', 'markdown']]) {
    const out = captureIo(sandbox.env);
    expect(await runCli([...argv, '--file', valid], out)).toBe(0);
    expect(hazards(out.stdout() + out.stderr())).toEqual([]);
  }
});

test('safeOutput keeps our colour on a terminal only, escapes every other control character and a leading ::', () => {
  expect(safeOutput('\x1b[32m+ create\x1b[0m', { colour: true })).toBe('\x1b[32m+ create\x1b[0m');
  expect(safeOutput('\x1b[32m+ create\x1b[0m')).toBe('\\x1b[32m+ create\\x1b[0m');
  expect(safeOutput('a\x1b]8;;http://x\x07b\x1b[2J', { colour: true })).toBe(
    'a\\x1b]8;;http://x\\x07b\\x1b[2J',
  );
  expect(safeOutput('ok\n::add-mask::s\n\t ::error::e\r\nend\u0085')).toBe(
    'ok\n\\x3a:add-mask::s\n\t \\x3a:error::e\\x0d\nend\\x85',
  );
});

test('the guardrails file too: ESC in a pattern and a workflow command in a key are positioned errors; validate exits 1 with nothing contacted', async () => {
  const bindings = join(dir, 'with-guardrails.yaml');
  writeFileSync(
    bindings,
    `${HEAD}aws: { accountId: '123456789012' }\nclusters:\n  prod: { issuer: "https://oidc.example.com/id/ABC", kubernetes: false }\nbindings:\n  - role: app\n    serviceAccounts: [{ cluster: prod, namespace: default, name: app }]\n    managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n`,
  );
  const guardrails = join(dir, 'hostile.guardrails.yaml');
  writeFileSync(
    guardrails,
    'version: 1\nmanagedPolicies:\n  deny: { policies: ["arn:aws:iam::aws:policy/\\e[2JAdmin*"] }\n"x\\n::add-mask::pwned": 1\n',
  );
  const io = captureIo(sandbox.env);
  expect(await runCli(['validate', '--file', bindings, '--guardrails', guardrails], io)).toBe(1);
  expect(io.stderr()).toContain(
    `${guardrails}:3:22: managedPolicies.deny.policies[0] contains a control character (\\x1b at character 25)`,
  );
  expect(io.stderr()).toContain(
    `${guardrails}:4:1: a key in the top level contains a control character (\\x0a at character 2)`,
  );
  expect(hazards(io.stdout() + io.stderr())).toEqual([]);
  expect(sandbox.totalCalls()).toBe(0);
});
