// The loader sees whatever people write: any YAML value must give diagnostics or a file, never a
// crash, and a file only when there are no errors.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { hasErrors } from '../../src/bindings/diagnostics.js';
import { loadBindingsText } from '../../src/bindings/load.js';

const valid = {
  version: 1,
  owner: 'acme/platform-iam',
  aws: { tags: { team: 'web' } },
  clusters: { prod: { issuer: 'https://oidc.example.com/id/ABC' } },
  bindings: [
    {
      role: 's3-reader',
      serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: 'app' }],
      inlinePolicies: { read: { Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } } },
    },
  ],
};

/** The valid file with one value somewhere replaced by an arbitrary one. */
const mutated = fc
  .tuple(
    fc.constantFrom(
      ['version'],
      ['owner'],
      ['aws'],
      ['aws', 'tags'],
      ['clusters'],
      ['clusters', 'prod'],
      ['clusters', 'prod', 'issuer'],
      ['bindings'],
      ['bindings', 0],
      ['bindings', 0, 'role'],
      ['bindings', 0, 'serviceAccounts'],
      ['bindings', 0, 'serviceAccounts', 0],
      ['bindings', 0, 'serviceAccounts', 0, 'cluster'],
      ['bindings', 0, 'inlinePolicies'],
      ['bindings', 0, 'inlinePolicies', 'read'],
      ['bindings', 0, 'inlinePolicies', 'read', 'Statement'],
    ),
    fc.jsonValue({ maxDepth: 3 }),
  )
  .map(([path, replacement]) => {
    const copy = structuredClone(valid) as Record<string | number, unknown>;
    let node = copy;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    node[path[path.length - 1]] = replacement;
    return copy;
  });

test('the valid base file loads', () => {
  expect(loadBindingsText(stringify(valid), 'w.yaml').diagnostics).toEqual([]);
});

test('any value anywhere gives diagnostics or a file, never an exception', () => {
  fc.assert(
    fc.property(mutated, (doc) => {
      const { file, diagnostics } = loadBindingsText(stringify(doc), 'w.yaml');
      expect(file === undefined).toBe(hasErrors(diagnostics));
      for (const d of diagnostics) {
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.col).toBeGreaterThanOrEqual(1);
        expect(d.message).toMatch(/ — /);
      }
    }),
    { numRuns: 300, seed: 42 },
  );
});

test('arbitrary text never throws', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (text) => {
      expect(() => loadBindingsText(text, 'w.yaml')).not.toThrow();
    }),
    { numRuns: 300, seed: 7 },
  );
});
