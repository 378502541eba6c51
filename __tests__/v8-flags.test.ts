// src/v8-flags.ts sets V8 flags at run time (bench/results/memory.md, "Third round"). Some flags
// are read only when V8 starts and do nothing when set this way, so this checks the effect, not the
// call: a child process imports the module, runs a hot loop and a full GC, and V8's own traces
// show which compiler the loop tiered up to and which growing factor the old generation got. The
// same child without the module is the control that the traces can show Turbofan. Both entry
// points must import the module before anything heavy loads.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = join(import.meta.dirname, '..');

/** V8's --trace-opt and --trace-gc-verbose output of a hot loop and a full GC in a child. */
function traces(withModule: boolean): string {
  const module = pathToFileURL(join(root, 'src', 'v8-flags.ts')).href;
  const script = `
${withModule ? `await import(${JSON.stringify(module)});` : ''}
function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += Math.sqrt(i) * (i % 7); return s; }
let total = 0;
for (let k = 0; k < 500; k++) total += hot(20000);
globalThis.gc();
console.log('total', total > 0);
`;
  const run = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--trace-opt',
      '--trace-gc-verbose',
      '--import',
      join(root, 'scripts', 'ts-register.mjs'),
      '--input-type=module',
      '-e',
      script,
    ],
    { encoding: 'utf8', env: { PATH: process.env.PATH }, timeout: 60_000, maxBuffer: 64 * 2 ** 20 },
  );
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('total true');
  return run.stdout + run.stderr;
}

test('without the module, the hot loop reaches Turbofan (the control)', () => {
  const out = traces(false);
  expect(out).toMatch(/target TURBOFAN/);
  expect(out).toMatch(/\[HeapController\] factor \d/);
});

test('with the module, the hot loop stops at Maglev and old space grows by 20 % per full GC', () => {
  const out = traces(true);
  expect(out).toMatch(/target MAGLEV/);
  expect(out).not.toMatch(/target TURBOFAN/);
  const factors = [...out.matchAll(/\[HeapController\] factor ([\d.]+)/g)].map((m) => m[1]);
  expect(factors.length).toBeGreaterThan(0);
  expect(new Set(factors)).toEqual(new Set(['1.2']));
});

test.each(['cli.ts', 'index.ts'])(
  'src/%s imports the V8 flags right after the Node.js version check',
  (entry) => {
    const imports = ts
      .preProcessFile(readFileSync(join(root, 'src', entry), 'utf8'), true, true)
      .importedFiles.map((f) => f.fileName);
    expect(imports[0]).toMatch(/^\.\/node-check-(cli|action)\.js$/);
    expect(imports[1]).toBe('./v8-flags.js');
  },
);
