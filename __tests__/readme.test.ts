// The README's bindings reference must list exactly the keys the JSON Schema allows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
type Schema = {
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  $ref?: string;
  $defs?: Record<string, Schema>;
  oneOf?: Schema[];
  anyOf?: Schema[];
};
const schema = JSON.parse(readFileSync(join(root, 'schema', 'bindings.schema.json'), 'utf8')) as Schema;

function deref(s: Schema): Schema {
  return s.$ref ? deref(schema.$defs![s.$ref.split('/').pop()!]) : s;
}

function paths(s: Schema, prefix: string, out: Set<string>): Set<string> {
  const node = deref(s);
  for (const variant of [...(node.oneOf ?? []), ...(node.anyOf ?? [])]) paths(variant, prefix, out);
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = `${prefix}${key}`;
    out.add(path);
    const c = deref(child);
    paths(c, `${path}.`, out);
    if (c.items) paths(c.items, `${path}[].`, out);
    if (c.additionalProperties && typeof c.additionalProperties === 'object') {
      const v = deref(c.additionalProperties);
      // Maps of user keys (tags, annotations, policies) end here; maps of named objects continue.
      if (v.properties) paths(v, `${path}.<key>.`, out);
    }
  }
  return out;
}

test('README reference covers every schema key, and only those', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Bindings file reference'), readme.indexOf('## CLI'));
  const documented = new Set([...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]));
  expect([...documented].sort()).toEqual([...paths(schema, '', new Set())].sort());
});
