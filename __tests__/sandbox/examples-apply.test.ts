// Every example applies cleanly in the default sandbox (`npm run sandbox`'s contexts, namespaces and
// Control Plane API), one after another in the same sandbox, and no example's plan destroys
// another's resources: each has its own owner.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import {
  DEFAULT_SANDBOX_CONTEXTS,
  DEFAULT_SANDBOX_NAMESPACES,
  startLocalSandbox,
  type LocalSandbox,
} from '../../sandbox/local.js';
import { captureIo } from '../cli/io.js';
import { setProcessEnv } from '../safety/harness.js';

const root = join(import.meta.dirname, '..', '..');
const EXAMPLES = ['single-sa', 'shared-role', 'multi-cluster', 'wildcard', 'control-plane'];
let sandbox: LocalSandbox;
let dir: string;
let restoreEnv = (): void => undefined;

beforeAll(async () => {
  sandbox = await startLocalSandbox({
    contexts: DEFAULT_SANDBOX_CONTEXTS,
    namespaces: DEFAULT_SANDBOX_NAMESPACES,
    controlPlane: true,
  });
  restoreEnv = setProcessEnv(sandbox.env as Record<string, string>);
  dir = mkdtempSync(join(tmpdir(), 'wib-examples-'));
});
afterAll(async () => {
  restoreEnv();
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(sandbox.env);
  const code = await runCli(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

test('the examples apply one after another; no plan destroys what another example made', async () => {
  const applied: string[] = [];
  for (const example of EXAMPLES) {
    const file = join(root, 'examples', example, 'workload-identity.yaml');
    const plan = await cli(['plan', '--file', file, '--format', 'json']);
    expect([example, plan.code, plan.err]).toEqual([example, 0, expect.any(String)]);
    const changes = (JSON.parse(plan.out) as { changes: Array<{ action: string; address: string }> }).changes;
    expect([example, changes.filter((c) => c.action === 'delete' || c.action === 'replace')]).toEqual([
      example,
      [],
    ]);
    const apply = await cli(['apply', '--file', file, '--auto-approve']);
    // Only warnings (the wildcard example's subjects) may be printed on stderr.
    const notWarnings = apply.err.split('\n').filter((line) => line && !line.includes(': warning: '));
    expect([example, apply.code, notWarnings]).toEqual([example, 0, []]);
    const again = await cli(['plan', '--file', file, '--detailed-exitcode']);
    expect([example, again.code]).toEqual([example, 0]);
    applied.push(example);
  }
  // The Control Plane example reached its cluster through the Control Plane API alone.
  const orders = sandbox.controlPlane?.cluster.getServiceAccount('apps', 'orders');
  expect(orders?.metadata.annotations?.['eks.amazonaws.com/role-arn']).toBe(
    'arn:aws:iam::123456789012:role/workload-identity/dynamodb-writer',
  );
  // Every earlier example still plans to no changes after the later ones were applied.
  for (const example of applied) {
    const file = join(root, 'examples', example, 'workload-identity.yaml');
    expect([example, (await cli(['plan', '--file', file, '--detailed-exitcode'])).code]).toEqual([
      example,
      0,
    ]);
  }
});
