// The bundle validates with code ajv generates ahead of time (scripts/schema-standalone.mjs, put in
// place of src/bindings/schema-compiler.ts by scripts/bundle.mjs); the sources compile the schemas
// with ajv at run time. Both must report exactly the same errors (keyword, paths, params, data and
// the schema node, which the diagnostics quote) for every fixture, valid and invalid, of both files.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import type { ValidateFunction } from 'ajv/dist/2020.js';
// @ts-expect-error: a plain ES module script without type declarations
import { schemaValidatorsModule as generate } from '../../scripts/schema-standalone.mjs';
import { compileSchema } from '../../src/bindings/schema-compiler.js';
import { bindingsSchema } from '../../src/bindings/schema.js';
import { guardrailsSchema } from '../../src/guardrails/load.js';

const root = join(import.meta.dirname, '..', '..');
const schemaValidatorsModule = generate as (root: string) => string;
const fixtures = join(root, '__tests__', 'fixtures');

type Compile = (schema: Record<string, unknown>) => ValidateFunction;
let precompiled: Compile;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wib-standalone-'));
  // Outside the repository the bare `ajv/…` specifiers would not resolve: point them at ours.
  const runtime = pathToFileURL(join(root, 'node_modules', 'ajv', 'dist', 'runtime')).href;
  const code = schemaValidatorsModule(root).replaceAll('"ajv/dist/runtime/', `"${runtime}/`);
  await writeFile(join(dir, 'validators.mjs'), code);
  ({ compileSchema: precompiled } = (await import(join(dir, 'validators.mjs'))) as {
    compileSchema: Compile;
  });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function errors(validate: ValidateFunction, value: unknown): unknown[] {
  validate(value);
  return (validate.errors ?? []).map((e) => ({ ...e }));
}

async function yamlValues(...dirs: string[]): Promise<Array<[string, unknown]>> {
  const values: Array<[string, unknown]> = [];
  for (const d of dirs) {
    for (const name of (await readdir(d)).filter((f) => f.endsWith('.yaml')).sort()) {
      try {
        values.push([name, parse(await readFile(join(d, name), 'utf8'), { maxAliasCount: 100 })]);
      } catch {
        // Not YAML the parser accepts (the bombs, the syntax errors): the schema never sees it.
      }
    }
  }
  return values;
}

test('the precompiled bindings validator reports what ajv reports, fixture by fixture', async () => {
  const values = await yamlValues(join(fixtures, 'valid'), join(fixtures, 'invalid'));
  expect(values.length).toBeGreaterThan(50);
  const runtime = compileSchema(bindingsSchema as Record<string, unknown>);
  const ahead = precompiled(bindingsSchema as Record<string, unknown>);
  let invalid = 0;
  for (const [name, value] of values) {
    const expected = errors(runtime, value);
    if (expected.length) invalid += 1;
    expect([name, errors(ahead, value)]).toEqual([name, expected]);
  }
  // The comparison covered failing files, not only passing ones.
  expect(invalid).toBeGreaterThan(20);
});

test('the precompiled guardrails validator reports what ajv reports', async () => {
  const example = parse(
    await readFile(join(root, 'examples', 'workload-identity.guardrails.yaml'), 'utf8'),
  ) as Record<string, unknown>;
  const broken: unknown[] = [
    example,
    {},
    { ...example, version: 2 },
    { ...example, unknownKey: true },
    { ...example, rules: 'all' },
    [],
    'text',
  ];
  const runtime = compileSchema(guardrailsSchema as Record<string, unknown>);
  const ahead = precompiled(guardrailsSchema as Record<string, unknown>);
  for (const value of broken) expect(errors(ahead, value)).toEqual(errors(runtime, value));
  expect(errors(runtime, { ...example, unknownKey: true }).length).toBeGreaterThan(0);
});

test('a schema it was not generated for is refused by name', () => {
  expect(() => precompiled({ $id: 'urn:other' })).toThrow(
    /no precompiled validator for the schema urn:other/,
  );
});
