// The dependency direction of src/, checked on every import (static, dynamic, type-only and
// re-exports): a folder may import only folders in layers below its own, so no two folders can
// depend on each other and the pure core never reaches the edges. A new folder must be placed in
// LAYERS before anything imports it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Innermost first. A unit is a folder of src/ or a file at src/'s root. Units in one row may not
 * import each other; a unit may import any unit in a row above it.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['support'], // leaf: retry, sleep, step errors, concurrency, JSON, ownership marks — imports nothing of ours
  ['policy'], // IAM policy documents: validate, normalise, size, the trust-policy builder
  ['bindings'], // the bindings file: parse, schema, validate, build
  ['desired', 'observed'], // desired state compiled from bindings; observed state (types only)
  ['guardrails', 'fleet', 'import', 'verify'], // the organisation's rules on bindings; fleet discovery; existing roles → a bindings file; verify's causes
  ['plan'], // diff desired against observed; the plan file
  ['aws', 'kube', 'github', 'controlplane', 'git'], // edge adapters: one service each
  ['apply', 'engine'], // orchestration: apply a plan; observe and plan
  ['render'], // text, Markdown, JSON and apply-report presentation
  ['action', 'commands'], // the action's modes; the CLI's commands
  ['handlers.ts', 'cli-commands.ts', 'v8-flags.ts', 'node-check-action.ts', 'node-check-cli.ts'], // what the entry points load: lazily, or first
  ['load-cli-commands.ts'],
  ['cli', 'main.ts'],
  ['index.ts', 'cli.ts'], // bundle entry points
];

const here = dirname(fileURLToPath(import.meta.url));
const src = resolve(here, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The unit a path under src/ belongs to: its top folder, or the file name at the root. */
function unitOf(path: string): string {
  return relative(src, path).split('/')[0] as string;
}

interface Edge {
  from: string;
  to: string;
  file: string;
  specifier: string;
}

function importEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(src)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolve(dirname(file), fileName);
      if (!target.startsWith(src + '/')) continue; // e.g. schema/bindings.schema.json
      const from = unitOf(file);
      const to = unitOf(target.replace(/\.js$/, '.ts'));
      if (from !== to) edges.push({ from, to, file: relative(src, file), specifier: fileName });
    }
  }
  return edges;
}

const rank = new Map(LAYERS.flatMap((row, i) => row.map((unit): [string, number] => [unit, i])));

/** Cycles among units, each as the list of units on it (Tarjan's strongly connected components). */
function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    if (!next.has(from)) next.set(from, new Set());
    next.get(from)?.add(to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (unit: string): void => {
    index.set(unit, index.size);
    low.set(unit, index.get(unit) as number);
    stack.push(unit);
    onStack.add(unit);
    for (const target of next.get(unit) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(unit, Math.min(low.get(unit) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(unit, Math.min(low.get(unit) as number, index.get(target) as number));
      }
    }
    if (low.get(unit) === index.get(unit)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== unit);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const unit of next.keys()) if (!index.has(unit)) visit(unit);
  return found;
}

const edges = importEdges();

describe('dependency direction of src/', () => {
  it('finds the imports it checks', () => {
    // Guards the checks below against passing vacuously (e.g. a parser that finds nothing).
    expect(edges.some((e) => e.from === 'engine' && e.to === 'aws')).toBe(true);
    expect(edges.some((e) => e.from === 'main.ts' && e.to === 'handlers.ts')).toBe(true); // dynamic import
  });

  it('places every folder of src/ in one layer', () => {
    const units = new Set(sourceFiles(src).map(unitOf));
    expect([...units].filter((unit) => !rank.has(unit)).sort()).toEqual([]);
    expect(LAYERS.flat().filter((unit) => !units.has(unit))).toEqual([]);
  });

  it('has no import cycle between folders', () => {
    expect(cycles(edges)).toEqual([]);
  });

  it('imports only from inner layers (the table above)', () => {
    const outward = edges
      .filter((e) => (rank.get(e.to) ?? Infinity) >= (rank.get(e.from) ?? -Infinity))
      .map((e) => `${e.file} imports ${e.specifier} (${e.from} → ${e.to})`);
    expect(outward).toEqual([]);
  });

  it('detects a cycle and an outward import when there is one', () => {
    const fake = (from: string, to: string): Edge => ({ from, to, file: from, specifier: to });
    expect(cycles([fake('plan', 'aws'), fake('aws', 'apply'), fake('apply', 'plan')])).toEqual([
      ['apply', 'aws', 'plan'],
    ]);
    expect((rank.get('aws') as number) >= (rank.get('plan') as number)).toBe(true);
  });
});
