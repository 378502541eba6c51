// Both entry points check the Node.js version before anything that needs Node 24 loads. The bundles
// run on the machine's own Node.js 20 (/usr/bin/node) must stop with the message, not crash with
// "Cannot read properties of undefined (reading 'bind')".
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MIN_NODE_MAJOR, nodeVersionProblem } from '../src/support/node-version.js';
import { cliEntry } from './apply/cli-process.js';

test('the message names the version needed and how to get it, per entry point', () => {
  expect(nodeVersionProblem('v24.0.0', 'cli')).toBeUndefined();
  expect(nodeVersionProblem('v25.1.0', 'action')).toBeUndefined();
  const cli = nodeVersionProblem('v20.20.2', 'cli')!;
  expect(cli).toContain(`needs Node.js ${MIN_NODE_MAJOR} or later; this is Node.js v20.20.2`);
  expect(cli).toContain('nvm install 24');
  expect(nodeVersionProblem('v22.19.0', 'action')).toContain('runs.using: node24');
});

const OLD_NODE = '/usr/bin/node';
const oldMajor = existsSync(OLD_NODE)
  ? Number(/^v(\d+)/.exec(spawnSync(OLD_NODE, ['--version'], { encoding: 'utf8' }).stdout)?.[1])
  : NaN;

test('an older Node.js is available here to run the bundles with', () => {
  expect(oldMajor).toBeLessThan(MIN_NODE_MAJOR);
});

test.each([
  ['dist/cli.js plan', 'cli.js', ['plan'], {}],
  ['dist/index.js (the action)', 'index.js', [], { GITHUB_ACTIONS: 'true', INPUT_MODE: 'plan' }],
])('%s on an old Node.js says what is needed', (_label, file, args, env) => {
  const entry = join(dirname(cliEntry()), file);
  const run = spawnSync(OLD_NODE, [entry, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    timeout: 30_000,
  });
  expect(run.stderr).not.toContain("reading 'bind'");
  expect(run.stderr).toContain(`workload-identity-bindings needs Node.js ${MIN_NODE_MAJOR} or later`);
  expect(run.status).toBe(1);
  if (file === 'index.js') expect(run.stderr).toMatch(/^::error::/m);
});
