// Guardrails on the command line, against the emulators: validate and plan report violations at the
// binding's file:line:col with the rule's, errors block (exit 1, no plan shown or saved, nothing
// applied), --strict promotes warnings, and --base-guardrails lists what a change relaxes.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
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
const ADMIN = `  - role: admin
    serviceAccounts: [{ cluster: prod, namespace: default, name: app }]
    managedPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
`;
const PLAIN = `  - role: reader
    serviceAccounts: [{ cluster: prod, namespace: default, name: reader }]
    managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
`;
const DENY_ADMIN = `version: 1
managedPolicies:
  deny:
    policies: ['arn:aws:iam::aws:policy/AdministratorAccess']
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
  sandbox.resetCounters();
  dir = join(sandbox.dir, `case-${(n += 1)}`);
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

async function run(args: string[]) {
  const io = captureIo(sandbox.env);
  const code = await runCli(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

test('validate: with no guardrails file the built-in defaults warn; --strict makes them errors', async () => {
  const file = write('workload-identity.yaml', `${HEAD}${ADMIN}`);
  const warned = await run(['validate', '--file', file]);
  expect(warned.code).toBe(0);
  expect(warned.err).toContain(
    `${file}:8:23: warning: [managedPolicies.deny] role "admin": managed policy arn:aws:iam::aws:policy/AdministratorAccess is denied`,
  );
  expect(warned.err).toContain('(rule: built-in default)');
  expect(warned.out).toMatch(/is valid: .*; 1 guardrail warning\.\n$/);
  const strict = await run(['validate', '--file', file, '--strict']);
  expect(strict.code).toBe(1);
  expect(strict.err).toContain(`${file}:8:23: error: [managedPolicies.deny]`);
  expect(strict.out).toBe('');
});

test('validate: a guardrails file next to the bindings file is found; its errors fail with both positions', async () => {
  const file = write('workload-identity.yaml', `${HEAD}${PLAIN}${ADMIN}`);
  const rules = write('workload-identity.guardrails.yaml', DENY_ADMIN);
  const result = await run(['validate', '--file', file]);
  expect(result.code).toBe(1);
  expect(result.err).toContain(`${file}:11:23: error: [managedPolicies.deny] role "admin"`);
  expect(result.err).toContain(`(rule: ${rules}:3:3)`);
  expect(result.err).toContain('1 guardrail violation (error)');
});

test('plan: an invalid guardrails file stops before any service is contacted', async () => {
  const file = write('workload-identity.yaml', `${HEAD}${PLAIN}`);
  const rules = write(
    'rules.yaml',
    'version: 1\nsubjects:\n  deniedNamespaces: { namespace: [kube-system] }\n',
  );
  const result = await run(['plan', '--file', file, '--guardrails', rules]);
  expect(result.code).toBe(1);
  expect(result.err).toMatch(
    new RegExp(
      `${rules.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:23: unknown key "namespace" .*did you mean "namespaces"`,
    ),
  );
  expect(result.err).toContain('nothing was contacted or changed');
  expect(sandbox.totalCalls()).toBe(0);
});

test('plan: a guardrail error blocks the plan — exit 1, no plan shown, no plan file written', async () => {
  const file = write('workload-identity.yaml', `${HEAD}${PLAIN}${ADMIN}`);
  const rules = write('rules.yaml', DENY_ADMIN);
  const out = join(dir, 'plan.json');
  const result = await run(['plan', '--file', file, '--guardrails', rules, '--out', out]);
  expect(result.code).toBe(1);
  expect(result.out).toMatch(/^Guardrails \(.*rules\.yaml\): 1 error — the plan is blocked\n/);
  expect(result.out).not.toMatch(/to add|No changes/);
  expect(result.err).toContain('no plan is offered for review and no plan file was written');
  expect(existsSync(out)).toBe(false);
  const md = await run(['plan', '--file', file, '--guardrails', rules, '--format', 'markdown']);
  expect(md.code).toBe(1);
  expect(md.out).toContain('guardrails block the plan');
  expect(md.out).not.toMatch(/plan `[0-9a-f]{16}`/);
});

test('plan: warnings lead the text plan and the Markdown comment; the plan goes on', async () => {
  const file = write('workload-identity.yaml', `${HEAD}${ADMIN}`);
  const text = await run(['plan', '--file', file]);
  expect(text.code).toBe(0);
  expect(text.out).toMatch(
    /^Guardrails \(built-in defaults \(no guardrails file\)\): 1 warning\n {2}.*workload-identity\.yaml:8:23: warning: \[managedPolicies\.deny\]/,
  );
  expect(text.out).toContain('3 to add');
  const md = await run(['plan', '--file', file, '--format', 'markdown']);
  const guardrailsAt = md.out.indexOf('🛡️ Guardrails: 1 warning');
  expect(guardrailsAt).toBeGreaterThan(0);
  expect(guardrailsAt).toBeLessThan(md.out.indexOf('| Kind | Address |'));
});

test('apply: the guardrails are checked again; a violation refuses the apply and changes nothing', async () => {
  const file = write('workload-identity.yaml', `${HEAD}${ADMIN}`);
  const result = await run(['apply', '--file', file, '--auto-approve', '--strict']);
  expect(result.code).toBe(1);
  expect(result.err).toContain('nothing was applied or changed');
  expect(sandbox.iam.server.totalCalls({ mutating: true })).toBe(0);
});

test('--base-guardrails: the output names every rule the change relaxes', async () => {
  const file = write('workload-identity.yaml', `${HEAD}${ADMIN}`);
  const base = write('base.yaml', `${DENY_ADMIN}maxSessionDuration:\n  max: { seconds: 3600 }\n`);
  const head = write(
    'head.yaml',
    `${DENY_ADMIN}    except: [{ role: admin, reason: 'break-glass, SEC-9' }]\nmaxSessionDuration:\n  max: { seconds: 7200, severity: warning }\n`,
  );
  const result = await run(['validate', '--file', file, '--guardrails', head, '--base-guardrails', base]);
  expect(result.code).toBe(0);
  expect(result.err).toContain(
    'guardrails change: rule managedPolicies.deny relaxed: exception for role "admin" added (reason: break-glass, SEC-9)',
  );
  expect(result.err).toContain(
    'guardrails change: rule maxSessionDuration.max relaxed: severity error → warning',
  );
  expect(result.err).toContain(
    'guardrails change: rule maxSessionDuration.max relaxed: maximum raised from 3600 to 7200 seconds',
  );
  expect(result.err).toContain('exempt: [managedPolicies.deny]');
  const none = await run([
    'validate',
    '--file',
    file,
    '--guardrails',
    head,
    '--base-guardrails',
    join(dir, 'missing.yaml'),
  ]);
  expect(none.err).toContain('guardrails change: rule managedPolicies.deny');
});
