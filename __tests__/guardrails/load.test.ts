// The guardrails file gets the bindings file's treatment: every problem at file:line:col with what
// to write instead; no file means the built-in defaults, an explicit path must exist.
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_GUARDRAILS } from '../../src/guardrails/defaults.js';
import { guardrailsCandidates, loadGuardrails, loadGuardrailsText } from '../../src/guardrails/load.js';

const messages = (text: string) =>
  loadGuardrailsText(text, 'g.yaml').diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.message}`);

test('schema problems are positioned and say what to write', () => {
  const found = messages(`version: 1
managedPolicies:
  deny:
    policies: [arn:aws:iam::aws:policy/AdministratorAccess]
    severity: fatal
    except:
      - role: legacy
inlinePolicies:
  denyAction:
    actions: ['iam:*']
maxSessionDuration:
  max: { seconds: '3600' }
`);
  expect(found).toEqual([
    expect.stringMatching(/^5:15 error .*severity.* — write severity: error or severity: warning/),
    expect.stringMatching(/^7:9 error .*missing the required key "reason"/),
    expect.stringMatching(/^9:3 error unknown key "denyAction" .*did you mean "denyActions"\?/),
    expect.stringMatching(/^12:19 error .*write it without quotes: 3600/),
  ]);
});

test('YAML problems and an empty file are reported for a guardrails file, not a bindings file', () => {
  expect(messages('')).toEqual([expect.stringContaining('built-in defaults')]);
  expect(messages('- a\n- b\n')[0]).toContain('version, managedPolicies');
  expect(messages('version: 1\nversion: 1\n')[0]).toMatch(/^2:1 error duplicate key "version"/);
  expect(messages('version: 2\n')[0]).toContain('write version: 1');
});

test('a valid file becomes typed rules with their positions', () => {
  const { guardrails } = loadGuardrailsText(
    `version: 1
subjects:
  deniedNamespaces:
    severity: warning
    namespaces: [kube-system]
    except: [{ role: node-agent, reason: 'reads node metadata, SEC-7' }]
`,
    'g.yaml',
  );
  expect(guardrails).toEqual({
    path: 'g.yaml',
    rules: [
      {
        id: 'subjects.deniedNamespaces',
        severity: 'warning',
        namespaces: ['kube-system'],
        except: [
          {
            role: 'node-agent',
            reason: 'reads node metadata, SEC-7',
            location: { file: 'g.yaml', line: 6, col: 14 },
          },
        ],
        location: { file: 'g.yaml', line: 3, col: 3 },
      },
    ],
  });
});

test('the file is looked for next to the bindings file, then at the root; none means the defaults', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'guardrails-'));
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    await mkdir('team');
    expect(guardrailsCandidates('team/workload-identity.yaml')).toEqual([
      'team/workload-identity.guardrails.yaml',
      'workload-identity.guardrails.yaml',
    ]);
    expect(await loadGuardrails({ bindingsPath: 'team/workload-identity.yaml' })).toEqual({
      guardrails: DEFAULT_GUARDRAILS,
      diagnostics: [],
    });
    await writeFile('workload-identity.guardrails.yaml', 'version: 1\n');
    expect((await loadGuardrails({ bindingsPath: 'team/workload-identity.yaml' })).guardrails).toEqual({
      path: 'workload-identity.guardrails.yaml',
      rules: [],
    });
    await writeFile(
      'team/workload-identity.guardrails.yaml',
      'version: 1\nroles: { namePattern: { pattern: "team-*" } }\n',
    );
    expect((await loadGuardrails({ bindingsPath: 'team/workload-identity.yaml' })).guardrails?.path).toBe(
      'team/workload-identity.guardrails.yaml',
    );
    const missing = await loadGuardrails({ bindingsPath: 'x.yaml', explicitPath: 'nope.yaml' });
    expect(missing.guardrails).toBeUndefined();
    expect(missing.diagnostics[0].message).toContain('guardrails file not found: tried "nope.yaml"');
  } finally {
    process.chdir(cwd);
  }
});

// The guardrails path gets the bindings path's bounded, regular-file-only read (support/input-file).
// Before, it used stat().size, which is 0 for both: the FIFO waited forever for a writer (this test
// timed out) and /dev/zero was read until memory ran out.
test.each([
  [
    'a FIFO',
    'fifo',
    /is a FIFO \(named pipe\), not a regular file — a guardrails file is read only from a regular file/,
  ],
  ['a symlink to /dev/zero', 'zero', /is a device, not a regular file — a guardrails file/],
])(
  '%s as the guardrails file is refused at once, positioned at 1:1',
  async (_what, name, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'wib-guardrails-path-'));
    const path = join(dir, `${name}.yaml`);
    if (name === 'fifo') execFileSync('mkfifo', [path]);
    else await symlink('/dev/zero', path);
    const loaded = await loadGuardrails({ bindingsPath: join(dir, 'b.yaml'), explicitPath: path });
    expect(loaded.guardrails).toBeUndefined();
    expect(loaded.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        file: path,
        line: 1,
        col: 1,
        message: expect.stringMatching(message),
      }),
    ]);
  },
  5_000,
);

// Control characters (#13 item 8), as in the bindings file: none in a pattern, a name or a key; an
// exception's reason is free text (tabs and line breaks), with every other control character refused.
// Each is reported once, at the value or key, escaped; the schema's own message there is left out.
test('control characters in the guardrails file are refused at the value or key that holds them, escaped', () => {
  const found = messages(`version: 1
managedPolicies:
  deny:
    policies: ["arn:aws:iam::aws:policy/\\e]8;;https://evil.example\\aAdmin"]
    except:
      - { role: "legacy\\u0085", reason: "SEC-7\\nreviewed by security\\ttwice" }
      - { role: batch, reason: "SEC-8 \\e[2J" }
subjects:
  deniedNamespaces:
    namespaces: [kube-system]
    "x\\n::error::pwned": 1
`);
  expect(found).toEqual([
    '4:16 error managedPolicies.deny.policies[0] contains a control character (\\x1b at character 25) — remove it (control characters such as ESC, BEL, NUL or line breaks are not allowed here)',
    '6:17 error managedPolicies.deny.except[0].role contains a control character (\\x85 at character 7) — remove it (control characters such as ESC, BEL, NUL or line breaks are not allowed here)',
    '7:32 error managedPolicies.deny.except[1].reason contains a control character (\\x1b at character 7) — remove it (control characters such as ESC, BEL, NUL or line breaks are not allowed here)',
    '11:5 error a key in subjects.deniedNamespaces contains a control character (\\x0a at character 2) — remove it (control characters such as ESC, BEL, NUL or line breaks are not allowed here)',
  ]);
  // A reason's line breaks and tabs are free text.
  expect(
    messages(`version: 1
subjects:
  deniedNamespaces:
    namespaces: [kube-system]
    except: [{ role: node-agent, reason: "SEC-7\\nreviewed\\tby security" }]
`),
  ).toEqual([]);
});
