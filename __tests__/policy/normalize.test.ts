import fc from 'fast-check';
import {
  canonicalPolicyJson,
  normalizePolicy,
  policiesEqual,
  prettyPolicy,
} from '../../src/policy/normalize.js';
import type { PolicyDocument } from '../../src/policy/types.js';

const trust: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'oidc.example.com/id/ABC:aud': 'sts.amazonaws.com',
          'oidc.example.com/id/ABC:sub': ['system:serviceaccount:prod:b', 'system:serviceaccount:prod:a'],
        },
      },
    },
  ],
};

describe('policiesEqual: spellings IAM treats the same are equal', () => {
  test('URL-encoded JSON as IAM returns it equals the object', () => {
    const encoded = encodeURIComponent(JSON.stringify(trust));
    expect(encoded.startsWith('%7B')).toBe(true);
    expect(policiesEqual(encoded, trust)).toBe(true);
    expect(policiesEqual(encoded.replace(/^%7B/, '%7b'), trust)).toBe(true);
  });

  test('key order and whitespace do not matter', () => {
    const text = `{
      "Statement": [{ "Condition": { "StringEquals": {
          "oidc.example.com/id/ABC:sub": ["system:serviceaccount:prod:b", "system:serviceaccount:prod:a"],
          "oidc.example.com/id/ABC:aud": "sts.amazonaws.com" } },
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Principal": { "Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC" },
        "Effect": "Allow" }],
      "Version": "2012-10-17" }`;
    expect(policiesEqual(text, trust)).toBe(true);
  });

  test('a single value equals a one-element list, for every list field', () => {
    const single: PolicyDocument = {
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
        Principal: { AWS: 'x' },
      },
    };
    const lists: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject'],
          Resource: ['arn:aws:s3:::b/*'],
          Principal: { AWS: ['x'] },
        },
      ],
    };
    expect(policiesEqual(single, lists)).toBe(true);
  });

  test('order and duplicates of actions, resources, condition values and statements do not matter', () => {
    const a: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject', 's3:GetObject'], Resource: ['b', 'a'] },
        { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
      ],
    };
    const b: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Deny', Action: ['iam:*'], Resource: ['*'] },
        { Resource: ['a', 'b'], Action: ['s3:GetObject', 's3:ListBucket'], Effect: 'Allow' },
      ],
    };
    expect(policiesEqual(a, b)).toBe(true);
  });

  test('condition keys ignore case, operators do not', () => {
    const upper = structuredClone(trust);
    const block = ((upper.Statement as PolicyDocument[])[0].Condition as PolicyDocument)
      .StringEquals as PolicyDocument;
    block['OIDC.example.com/id/ABC:SUB'] = block['oidc.example.com/id/ABC:sub'];
    delete block['oidc.example.com/id/ABC:sub'];
    expect(policiesEqual(upper, trust)).toBe(true);
    // The display form keeps what the document wrote.
    expect(prettyPolicy(upper)).toContain('OIDC.example.com/id/ABC:SUB');

    const operator = structuredClone(trust);
    const condition = (operator.Statement as PolicyDocument[])[0].Condition as PolicyDocument;
    condition.stringequals = condition.StringEquals;
    delete condition.StringEquals;
    expect(policiesEqual(operator, trust)).toBe(false);
  });

  test('booleans and numbers in conditions equal their strings', () => {
    const typed = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': false }, NumericLessThan: { 's3:max-keys': 10 } },
        },
      ],
    };
    const strings = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' }, NumericLessThan: { 's3:max-keys': ['10'] } },
        },
      ],
    };
    expect(policiesEqual(typed, strings)).toBe(true);
  });

  test('a missing Version is 2008-10-17, not 2012-10-17', () => {
    const { Version: _version, ...noVersion } = trust;
    expect(policiesEqual(noVersion, { ...trust, Version: '2008-10-17' })).toBe(true);
    expect(policiesEqual(noVersion, trust)).toBe(false);
  });

  test('"Principal": "*" stays a string and differs from a named principal', () => {
    const anyone = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject' }],
    };
    expect((normalizePolicy(anyone).Statement as PolicyDocument[])[0].Principal).toBe('*');
    expect(
      policiesEqual(anyone, {
        ...anyone,
        Statement: [{ Effect: 'Allow', Principal: { AWS: 'x' }, Action: 's3:GetObject' }],
      }),
    ).toBe(false);
  });

  test('real differences are not equal', () => {
    const other = structuredClone(trust);
    const block = ((other.Statement as PolicyDocument[])[0].Condition as PolicyDocument)
      .StringEquals as PolicyDocument;
    block['oidc.example.com/id/ABC:sub'] = ['system:serviceaccount:prod:a'];
    expect(policiesEqual(other, trust)).toBe(false);
    expect(policiesEqual({ ...trust, Statement: [] }, trust)).toBe(false);
  });

  test('shuffling, wrapping and duplicating values never changes the canonical JSON', () => {
    const actions = ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 'kms:Decrypt'];
    fc.assert(
      fc.property(
        fc.shuffledSubarray(actions, { minLength: 1 }),
        fc.boolean(),
        fc.boolean(),
        (picked, wrap, dup) => {
          const sortedDoc = {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: [...picked].sort(), Resource: '*' }],
          };
          const values = dup ? [...picked, picked[0]] : picked;
          const spelled = {
            Statement:
              wrap && values.length === 1
                ? { Resource: ['*'], Action: values[0], Effect: 'Allow' }
                : [{ Resource: '*', Action: values, Effect: 'Allow' }],
            Version: '2012-10-17',
          };
          expect(canonicalPolicyJson(spelled)).toBe(canonicalPolicyJson(sortedDoc));
        },
      ),
      { seed: 163 },
    );
  });
});

describe('normalizePolicy and prettyPolicy', () => {
  test('the canonical form sorts lists, keys and statements', () => {
    expect(normalizePolicy(trust)).toEqual({
      Statement: [
        {
          Action: ['sts:AssumeRoleWithWebIdentity'],
          Condition: {
            StringEquals: {
              'oidc.example.com/id/ABC:aud': ['sts.amazonaws.com'],
              'oidc.example.com/id/ABC:sub': ['system:serviceaccount:prod:a', 'system:serviceaccount:prod:b'],
            },
          },
          Effect: 'Allow',
          Principal: { Federated: ['arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC'] },
        },
      ],
      Version: '2012-10-17',
    });
  });

  test('prettyPolicy is 2-space JSON of the canonical form', () => {
    expect(
      prettyPolicy(
        '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}',
      ),
    ).toBe(
      [
        '{',
        '  "Statement": [',
        '    {',
        '      "Action": [',
        '        "s3:GetObject"',
        '      ],',
        '      "Effect": "Allow",',
        '      "Resource": [',
        '        "*"',
        '      ]',
        '    }',
        '  ],',
        '  "Version": "2012-10-17"',
        '}',
      ].join('\n'),
    );
  });

  test('text that is not a JSON object fails with a message saying what to write', () => {
    expect(() => normalizePolicy('{"Version":')).toThrow(
      /policy document is not valid JSON .*write it as a JSON object/,
    );
    expect(() => normalizePolicy('[1]')).toThrow('policy document is not a JSON object');
  });
});
