// canonicalJson writes key-sorted JSON piece by piece (and hashCanonicalJson straight into a hash)
// instead of stringifying a key-sorted copy: the text, and so every plan id, must stay exactly
// what the copy gave.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson, hashCanonicalJson } from '../../src/plan/canonical-json.js';
import { compareStrings } from '../../src/support/order.js';

/** The first version: a key-sorted deep copy, then JSON.stringify. The reference. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  // No prototype: a "__proto__" key (fc.string() makes one now and then) must stay an own key.
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value).sort(compareStrings)) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) out[key] = sortKeys(member);
  }
  return out;
}
const reference = (value: unknown): string => JSON.stringify(sortKeys(value));

// Keys JavaScript orders as array indices ("0", "7", "4294967294") among ordinary ones, and a few
// that only look like indices ("01", "4294967295", "-1").
// `__proto__` is left to its own test: the copy lost it (see below).
const key = fc.oneof(
  fc.string().filter((k) => k !== '__proto__'),
  fc.constantFrom('0', '1', '7', '10', '01', '-1', '1.5', '4294967294', '4294967295', 'é', '🔑', ''),
);
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 5 }),
    fc.dictionary(key, tie('node'), { maxKeys: 6 }),
  ),
})).node;

test('canonicalJson gives exactly the text of the key-sorted copy', () => {
  fc.assert(
    fc.property(value, (v) => {
      if (v === undefined) return;
      expect(canonicalJson(v)).toBe(reference(v));
    }),
    { numRuns: 3000, seed: 3000 },
  );
});

test('hashCanonicalJson hashes that same text, also when it spans many 64 KB pieces', () => {
  const big = {
    changes: Array.from({ length: 3000 }, (_, i) => ({
      address: `aws_iam_role.app-${i}`,
      tags: { team: `t${i % 7}`, 10: 'ten', 2: 'two', ü: '🔑'.repeat(i % 5) },
      policy: { Statement: [{ Action: ['s3:GetObject'], Resource: `arn:aws:s3:::b-${i}/*` }] },
    })),
  };
  const text = reference(big);
  expect(text.length).toBeGreaterThan(4 * 65536);
  const expected = createHash('sha256').update(text).digest('hex');
  expect(hashCanonicalJson(big, createHash('sha256')).digest('hex')).toBe(expected);
  fc.assert(
    fc.property(value, (v) => {
      if (v === undefined) return;
      expect(hashCanonicalJson(v, createHash('sha256')).digest('hex')).toBe(
        createHash('sha256').update(reference(v)).digest('hex'),
      );
    }),
    { numRuns: 500, seed: 500 },
  );
});

test('an own key named __proto__ is written like any other key', () => {
  // IAM allows a tag key "__proto__"; the key-sorted copy could lose it (assigning it to a plain
  // object may set the prototype instead), which is why the property above leaves it out.
  const value = JSON.parse('{"tags":{"b":"y","__proto__":"x"}}') as unknown;
  expect(canonicalJson(value)).toBe('{"tags":{"__proto__":"x","b":"y"}}');
});
