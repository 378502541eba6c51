// End to end: the bundled action runs as a subprocess through the whole scenario (scenario.ts). The
// entry is dist/index.js; WIB_ACTION_ENTRY points elsewhere (another bundle, or src/index.ts, run
// through the TypeScript loader) while developing. __tests__/main.test.ts runs the same scenario
// against src/ in this process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { actionScenario } from './scenario.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ENTRY = resolve(ROOT, process.env.WIB_ACTION_ENTRY ?? 'dist/index.js');

beforeAll(() => {
  if (!existsSync(ENTRY))
    throw new Error(`The action entry ${ENTRY} does not exist: run npm run bundle, or set WIB_ACTION_ENTRY.`);
});

actionScenario(async (env, cwd) => {
  const args = ENTRY.endsWith('.ts')
    ? ['--import', join(ROOT, 'scripts', 'ts-register.mjs'), ENTRY]
    : [ENTRY];
  // Async on purpose: the emulators answer from this process's event loop.
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return { code, stdout };
});
