// What the committed bundle (dist/, equal to a fresh `npm run bundle` in CI) loads, and when: the
// action's handlers load no engine and no AWS SDK before a mode runs (the plan's base-file read
// starts first), and the Kubernetes code carries no WebAssembly HTTP parser (undici stays out).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dist = new URL('../../dist/', import.meta.url).pathname;
const text = (file: string): string => readFileSync(join(dist, file), 'utf8');

/** Files a module loads before its code runs: its static imports, transitively. */
function staticClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of text(file).matchAll(/(?:from|import)\s*"\.\/([\w-]+\.js)"/g)) visit(m[1]!);
  };
  visit(entry);
  return [...seen];
}

/** Files a module may load later, by `import("./…")`. */
function dynamicImports(file: string): string[] {
  return [...text(file).matchAll(/import\("\.\/([\w-]+\.js)"\)/g)].map((m) => m[1]!);
}

const holds = (files: string[], marker: string): string[] => files.filter((f) => text(f).includes(marker));

test("the action's handlers load neither the engine nor the AWS SDK until a mode runs", () => {
  const before = staticClosure('handlers.js');
  expect(holds(before, 'GetAccountAuthorizationDetails')).toEqual([]);
  expect(holds(before, 'AssumeRoleWithWebIdentity')).toEqual([]);
  // The contents API call that reads the base branch's file is there, ready to start first.
  expect(holds(before, '/repos/{owner}/{repo}/contents/{path}').length).toBeGreaterThan(0);
  // …and the plan mode, with the engine, comes by a dynamic import.
  const later = dynamicImports('handlers.js').flatMap(staticClosure);
  expect(holds(later, 'GetAccountAuthorizationDetails').length).toBeGreaterThan(0);
});

test("the Kubernetes code has no WebAssembly HTTP parser: client-node's undici is not bundled", () => {
  const kube = readdirSync(dist).filter((f) => f.endsWith('.js') && text(f).includes('applyToHTTPSOptions'));
  expect(kube.length).toBeGreaterThan(0);
  const loaded = kube.flatMap(staticClosure);
  expect(holds(loaded, 'llhttp')).toEqual([]);
  expect(holds(loaded, 'WebAssembly.compile')).toEqual([]);
});
