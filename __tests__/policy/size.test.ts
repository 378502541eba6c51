import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import type { PolicyDocument } from '../../src/policy/types.js';
import { policySize } from '../../src/policy/size.js';

test('counts the minified JSON: formatting whitespace is free', () => {
  // {"Version":"2012-10-17","Statement":[]} is 39 characters.
  const pretty = '{\n  "Version" : "2012-10-17",\n\t"Statement": [ ]\n}';
  expect(policySize(JSON.parse(pretty) as PolicyDocument)).toBe(39);
});

test('whitespace inside values and escapes count as written', () => {
  expect(policySize({ a: 'b c' })).toBe(11); // {"a":"b c"}
  expect(policySize({ a: 'x"y' })).toBe(12); // {"a":"x\"y"}
});

test('counts characters, not bytes or UTF-16 units', () => {
  expect(policySize({ a: 'é' })).toBe(9); // {"a":"é"}: 2 bytes in UTF-8, one character
  expect(policySize({ a: '\u{1F600}' })).toBe(9); // a surrogate pair is one character
});

test('the single-sa example trust policy is 355 characters', () => {
  // Measured independently: Python json.dumps(separators=(',', ':')) of the golden file.
  const golden = new URL('../golden/single-sa/s3-reader.trust.json', import.meta.url);
  expect(policySize(JSON.parse(readFileSync(golden, 'utf8')) as PolicyDocument)).toBe(355);
});

test('any text: the count is the number of code points of the minified JSON', () => {
  // Lone surrogates too: JSON.stringify writes them as \ud8xx escapes, six characters each.
  fc.assert(
    fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' })), (doc) => {
      expect(policySize(doc)).toBe([...JSON.stringify(doc)].length);
    }),
    { numRuns: 200 },
  );
  expect(policySize({ a: '\ud83d' })).toBe(14); // {"a":"\ud83d"}
  expect(policySize({ a: '\ud83d\ude00\ud83d' })).toBe(15); // one pair, then a lone half
});
