// The example guardrails file is valid, is the one the README shows, and the README's rules table
// lists exactly the rules the schema knows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGuardrailsText } from '../../src/guardrails/load.js';
import { RULE_IDS } from '../../src/guardrails/types.js';

const root = join(import.meta.dirname, '..', '..');
const examplePath = 'examples/workload-identity.guardrails.yaml';
const example = readFileSync(join(root, examplePath), 'utf8');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

test('the example guardrails file loads without a problem and sets every rule', () => {
  const { guardrails, diagnostics } = loadGuardrailsText(example, examplePath);
  expect(diagnostics).toEqual([]);
  expect(guardrails!.rules.map((r) => r.id)).toEqual(RULE_IDS);
});

test('the README shows the example file as it is', () => {
  const section = readme.slice(readme.indexOf('### A complete guardrails file'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section);
  expect(block![1]).toBe(example);
});

test('the README rules table lists exactly the rules of the schema', () => {
  const section = readme.slice(readme.indexOf('### Rules'), readme.indexOf('### A complete guardrails file'));
  const listed = [...section.matchAll(/^\| `([a-zA-Z]+\.[a-zA-Z]+)` \|/gm)].map((m) => m[1]);
  expect(listed).toEqual(RULE_IDS);
  const schema = JSON.parse(readFileSync(join(root, 'schema', 'guardrails.schema.json'), 'utf8')) as {
    properties: Record<string, { properties?: Record<string, unknown> }>;
  };
  const fromSchema = Object.entries(schema.properties).flatMap(([group, node]) =>
    Object.keys(node.properties ?? {}).map((rule) => `${group}.${rule}`),
  );
  expect(fromSchema.sort()).toEqual([...RULE_IDS].sort());
});
