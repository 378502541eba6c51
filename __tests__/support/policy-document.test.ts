// One reading of policy text for the readers, the writer and the diff. The `%25` case failed before
// they shared it: the readers URL-decoded plain JSON too, so a literal "%25" in a value became "%".
import { decodePolicyDocument, parsePolicyText } from '../../src/support/policy-document.js';
import { policiesEqual } from '../../src/policy/normalize.js';

const doc = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/50%25/*' }],
};

test('reads IAM’s URL-encoded form and plain JSON to the same document', () => {
  const encoded = encodeURIComponent(JSON.stringify(doc));
  expect(parsePolicyText(encoded)).toEqual({ kind: 'document', document: doc });
  expect(parsePolicyText(`  ${JSON.stringify(doc)}\n`)).toEqual({ kind: 'document', document: doc });
});

test('never URL-decodes plain JSON, so a literal %25 in a value survives', () => {
  expect(decodePolicyDocument(JSON.stringify(doc), 'trust policy of role r')).toEqual(doc);
  expect(policiesEqual(JSON.stringify(doc), encodeURIComponent(JSON.stringify(doc)))).toBe(true);
});

test('says what is wrong, each caller in its own words', () => {
  expect(parsePolicyText('%7Bnot json')).toMatchObject({ kind: 'not-json' });
  expect(parsePolicyText('[1]')).toEqual({ kind: 'not-object' });
  expect(parsePolicyText('%ZZ')).toMatchObject({ kind: 'not-json' });
  expect(() => decodePolicyDocument('%5B1%5D', 'trust policy of role r')).toThrow(
    'IAM returned a trust policy of role r that is not a JSON object: fix or re-create the document in IAM.',
  );
  expect(() => policiesEqual('{', doc)).toThrow(/^policy document is not valid JSON \(/);
});
