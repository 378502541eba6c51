import { validatePolicyDocument } from '../../src/policy/validate.js';

const allow = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };

test('an IAM-shaped identity policy has no problems', () => {
  expect(validatePolicyDocument({ Version: '2012-10-17', Statement: [allow] }, 'identity')).toEqual([]);
  expect(validatePolicyDocument({ Version: '2008-10-17', Id: 'x', Statement: allow }, 'identity')).toEqual(
    [],
  );
  const withCondition = {
    Statement: [
      {
        Sid: 'DenyInsecure',
        Effect: 'Deny',
        NotAction: ['iam:*', 'sts:*'],
        NotResource: ['arn:aws:s3:::a', 'arn:aws:s3:::b'],
        Condition: {
          Bool: { 'aws:SecureTransport': false },
          StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] },
        },
      },
    ],
  };
  expect(validatePolicyDocument(withCondition, 'identity')).toEqual([]);
});

test('each shape problem is reported with its sub-path', () => {
  const doc = {
    Version: '2012-10-18',
    Statement: [
      { Action: 's3:GetObject', Resource: '*' },
      { Effect: 'Allow', Action: 's3:GetObject', NotAction: 's3:PutObject', Resource: '*', NotResource: 'x' },
      { Effect: 'Allow', Principal: { AWS: '*' }, Action: '*', Resource: '*', Conditon: {} },
      {
        Effect: 'Allow',
        Resource: '*',
        Sid: 'has space',
        Condition: { StringEquals: { k: { nested: true } } },
      },
    ],
  };
  expect(validatePolicyDocument(doc, 'identity')).toEqual([
    'Version: Version is "2012-10-18" — write Version: "2012-10-17" (or the older "2008-10-17")',
    'Statement[0]: the statement has no Effect — add Effect: Allow (or Deny)',
    'Statement[1].NotAction: the statement has both Action and NotAction — keep exactly one of them',
    'Statement[1].NotResource: the statement has both Resource and NotResource — keep exactly one of them',
    'Statement[2].Conditon: unknown key "Conditon" in a statement — did you mean "Condition"?',
    'Statement[2].Principal: Principal is not allowed in an identity policy — remove it (who may assume the role comes from serviceAccounts)',
    'Statement[3].Sid: Sid "has space" is not valid — a Sid has only letters and digits (for example ReadAssets)',
    'Statement[3]: the statement has neither Action nor NotAction — add one, for example Action: s3:GetObject',
    'Statement[3].Condition.StringEquals.k: condition value for k must be a string or a list of strings — for example Condition: {StringEquals: {"aws:RequestedRegion": eu-west-1}}',
  ]);
});

test('documents that are not maps, or have no usable Statement, are rejected', () => {
  expect(validatePolicyDocument('{}', 'identity')).toEqual([
    'a policy document must be a map with Version and Statement — for example {Version: "2012-10-17", Statement: [...]}',
  ]);
  expect(validatePolicyDocument({ Version: '2012-10-17' }, 'identity')).toEqual([
    'the policy has no Statement — add Statement: a list of {Effect, Action, Resource} maps',
  ]);
  expect(validatePolicyDocument({ Statement: [] }, 'identity')).toEqual([
    'Statement: Statement is an empty list — add at least one statement',
  ]);
  expect(validatePolicyDocument({ Statement: 'x' }, 'identity')).toHaveLength(1);
  expect(validatePolicyDocument({ Statement: [allow], Extra: 1 }, 'identity')).toEqual([
    'Extra: unknown key "Extra" in a policy document — a policy document has only Version, Id and Statement',
  ]);
});

test('a trust policy needs a Principal and has no Resource', () => {
  const trust = {
    Effect: 'Allow',
    Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/x' },
    Action: 'sts:AssumeRoleWithWebIdentity',
  };
  expect(validatePolicyDocument({ Version: '2012-10-17', Statement: [trust] }, 'trust')).toEqual([]);
  const { Principal: _omitted, ...withoutPrincipal } = trust;
  expect(validatePolicyDocument({ Statement: [{ ...withoutPrincipal, Resource: '*' }] }, 'trust')).toEqual([
    'Statement[0]: the statement has neither Principal nor NotPrincipal — add one, for example Principal: {Federated: ...}',
    'Statement[0].Resource: Resource is not allowed in a trust policy — remove it',
  ]);
});
