import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bindingsSchema } from '../../src/bindings/schema.js';

type Node = Record<string, unknown>;

/** Every property schema (with its JSON pointer) anywhere in the schema. */
function properties(node: unknown, at = '#'): Array<[string, Node]> {
  if (node === null || typeof node !== 'object') return [];
  const out: Array<[string, Node]> = [];
  for (const [key, child] of Object.entries(node as Node)) {
    if (key === 'properties' && child && typeof child === 'object') {
      for (const [name, prop] of Object.entries(child as Node))
        out.push([`${at}/properties/${name}`, prop as Node]);
    }
    out.push(...properties(child, `${at}/${key}`));
  }
  return out;
}

test('the exported schema is the file in schema/ (one source of truth)', () => {
  const onDisk: unknown = JSON.parse(
    readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'bindings.schema.json'), 'utf8'),
  );
  expect(bindingsSchema).toEqual(onDisk);
  expect(bindingsSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
});

test('every property has a description (the README reference is generated from them)', () => {
  const all = properties(bindingsSchema);
  expect(all.length).toBeGreaterThan(30);
  expect(
    all.filter(([, p]) => typeof p.description !== 'string' || p.description.length < 10).map(([at]) => at),
  ).toEqual([]);
});

test('every pattern, range or length rule has a rule in words for error messages', () => {
  const missing: string[] = [];
  const visit = (node: unknown, at: string) => {
    if (node === null || typeof node !== 'object') return;
    const n = node as Node;
    const constrained = [
      'pattern',
      'minimum',
      'maximum',
      'minLength',
      'maxLength',
      'const',
      'not',
      'oneOf',
      'minItems',
      'minProperties',
    ];
    if (constrained.some((k) => k in n) && typeof n['x-rule'] !== 'string') missing.push(at);
    for (const [key, child] of Object.entries(n))
      if (key !== 'not' && key !== 'oneOf') visit(child, `${at}/${key}`);
  };
  visit(bindingsSchema, '#');
  expect(missing).toEqual([]);
});
