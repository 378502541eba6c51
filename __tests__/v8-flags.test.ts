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

/** Each child's traces, run once: the tests read different parts of the same output. */
const traced = new Map<boolean, string>();

/**
 * V8's --trace-opt, --trace-gc(-verbose) and --trace-wasm-compilation-times output of a hot loop, a
 * warm function, a hot WebAssembly loop, allocation-triggered full GCs and a forced one in a child.
 */

function traces(withModule: boolean): string {
  const cached = traced.get(withModule);
  if (cached !== undefined) return cached;
  const module = pathToFileURL(join(root, 'src', 'v8-flags.ts')).href;
  const script = `
${withModule ? `await import(${JSON.stringify(module)});` : ''}
function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += Math.sqrt(i) * (i % 7); return s; }
let total = 0;
for (let k = 0; k < 500; k++) total += hot(20000);
// Called 1,000 times, no loop: above V8's default Maglev threshold (400), below ours (2,000).
function warm(x) { return (x * 31) ^ (x >>> 3); }
for (let k = 0; k < 1000; k++) total += warm(k) & 1;
// A WebAssembly loop run long enough for V8's dynamic tiering to recompile it with TurboFan:
// (func (export "run") (param i32) (result i32) (local i32) loop: s += n; n -= 1; br_if n; s).
const wasm = new Uint8Array([0,0x61,0x73,0x6d,1,0,0,0, 1,6,1,0x60,1,0x7f,1,0x7f, 3,2,1,0, 7,7,1,3,0x72,0x75,0x6e,0,0,
  0x0a,0x1d,1,0x1b, 1,1,0x7f, 3,0x40, 0x20,1,0x20,0,0x6a,0x21,1, 0x20,0,0x41,1,0x6b,0x21,0, 0x20,0,0x0d,0, 0x0b, 0x20,1, 0x0b]);
const { instance } = await WebAssembly.instantiate(wasm);
for (let k = 0; k < 200; k++) total += instance.exports.run(100000) & 1;
// Enough short-lived garbage for V8 to start full collections on its own (not only the gc() below).
let held = [];
for (let r = 0; r < 12; r++) { const a = []; for (let i = 0; i < 100000; i++) a.push({ i, s: 'x' + i }); held.push(a); if (held.length > 3) held.shift(); }
total += held.length;
globalThis.gc();
console.log('total', total > 0);
`;
  const run = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--trace-opt',
      '--trace-gc-verbose',
      '--trace-wasm-compilation-times',
      '--trace-gc',
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
  const out = run.stdout + run.stderr;
  traced.set(withModule, out);
  return out;
}

test('without the module, the hot loop reaches Turbofan, the warm function Maglev and WebAssembly TurboFan (the control)', () => {
  const out = traces(false);
  expect(out).toMatch(/target TURBOFAN/);
  expect(out).toMatch(/compiling method .*warm.*target MAGLEV/);
  expect(out).toMatch(/Compiled function \S+ using TurboFan/);
  expect(out).toMatch(/\[HeapController\] factor \d/);
  expect(out).toMatch(/Mark-Compact \d/);
  expect(out).not.toMatch(/Mark-Compact \(reduce\)/);
});

test('with the module, the hot loop stops at Maglev and old space grows by 20 % per full GC', () => {
  const out = traces(true);
  expect(out).toMatch(/target MAGLEV/);
  expect(out).not.toMatch(/target TURBOFAN/);
  const factors = [...out.matchAll(/\[HeapController\] factor ([\d.]+)/g)].map((m) => m[1]);
  expect(factors.length).toBeGreaterThan(0);
  expect(new Set(factors)).toEqual(new Set(['1.2']));
});

test('with the module, a function called 1,000 times stays unoptimised and WebAssembly stays in Liftoff', () => {
  const out = traces(true);
  expect(out).not.toMatch(/compiling method .*warm/);
  expect(out).toMatch(/Compiled function \S+ using Liftoff/);
  expect(out).not.toMatch(/Compiled function \S+ using TurboFan/);
});

test('with the module, full collections started by allocation run in their memory-reducing form', () => {
  const out = traces(true);
  expect(out).toMatch(/Mark-Compact \(reduce\)/);
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
