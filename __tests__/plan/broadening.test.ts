import { policyBroadens } from '../../src/plan/broadening.js';
import type { PolicyDocument } from '../../src/policy/types.js';
import { ACCOUNT, s3ReadPolicy, trustPolicy } from '../builders.js';

const sub = (name: string, ns = 'prod') => `system:serviceaccount:${ns}:${name}`;

function withStringLike(doc: PolicyDocument, pattern: string): PolicyDocument {
  const copy = structuredClone(doc);
  const statement = (copy.Statement as PolicyDocument[])[0];
  const condition = statement.Condition as PolicyDocument;
  delete (condition.StringEquals as PolicyDocument)['oidc.example.com/id/ABC:sub'];
  condition.StringLike = { 'oidc.example.com/id/ABC:sub': pattern };
  return copy;
}

describe('policyBroadens', () => {
  test('a new policy with an Allow broadens; one with only Deny does not', () => {
    expect(policyBroadens(undefined, s3ReadPolicy())).toBe(true);
    expect(
      policyBroadens(undefined, {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }],
      }),
    ).toBe(false);
  });

  test('a new trust subject broadens; removing one does not', () => {
    const one = trustPolicy([sub('a')]);
    const two = trustPolicy([sub('a'), sub('b')]);
    expect(policyBroadens(one, two)).toBe(true);
    expect(policyBroadens(two, one)).toBe(false);
  });

  test('a wildcard subject broadens', () => {
    const exact = trustPolicy([sub('a')]);
    expect(policyBroadens(exact, withStringLike(exact, 'system:serviceaccount:prod:*'))).toBe(true);
  });

  test('a new issuer broadens', () => {
    const one = trustPolicy([sub('a')]);
    const other = trustPolicy([sub('a')], 'oidc.other.example/id/XYZ');
    const both = {
      ...one,
      Statement: [...(one.Statement as PolicyDocument[]), ...(other.Statement as PolicyDocument[])],
    };
    expect(policyBroadens(one, both)).toBe(true);
    expect(policyBroadens(both, one)).toBe(false);
  });

  test('dropping an audience condition broadens; adding a condition does not', () => {
    const strict = trustPolicy([sub('a')]);
    const loose = structuredClone(strict);
    delete (
      ((loose.Statement as PolicyDocument[])[0].Condition as PolicyDocument).StringEquals as PolicyDocument
    )['oidc.example.com/id/ABC:aud'];
    expect(policyBroadens(strict, loose)).toBe(true);
    expect(policyBroadens(loose, strict)).toBe(false);
  });

  test('negated operators are stricter with more values', () => {
    const doc = (values: string[]): PolicyDocument => ({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalTag/team': values } },
        },
      ],
    });
    expect(policyBroadens(doc(['a']), doc(['a', 'b']))).toBe(false);
    expect(policyBroadens(doc(['a', 'b']), doc(['a']))).toBe(true);
  });

  test('fewer actions or resources do not broaden; more do; "*" covers anything', () => {
    const read = s3ReadPolicy();
    const getOnly = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' }],
    };
    expect(policyBroadens(read, getOnly)).toBe(false);
    expect(policyBroadens(getOnly, read)).toBe(true);
    expect(policyBroadens(read, s3ReadPolicy('other'))).toBe(true);
    const everything = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    };
    expect(policyBroadens(everything, read)).toBe(false);
  });

  test('removing or changing a Deny broadens; adding one does not', () => {
    const deny = { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' };
    const read = s3ReadPolicy();
    const guarded = { ...read, Statement: [...(read.Statement as PolicyDocument[]), deny] };
    expect(policyBroadens(guarded, read)).toBe(true);
    expect(policyBroadens(read, guarded)).toBe(false);
    const otherDeny = {
      ...read,
      Statement: [...(read.Statement as PolicyDocument[]), { ...deny, Action: 's3:PutObject' }],
    };
    expect(policyBroadens(guarded, otherDeny)).toBe(true);
  });

  test('a different principal type or account is not covered', () => {
    const federated = trustPolicy([sub('a')]);
    const aws = structuredClone(federated);
    (aws.Statement as PolicyDocument[])[0].Principal = { AWS: `arn:aws:iam::${ACCOUNT}:root` };
    expect(policyBroadens(federated, aws)).toBe(true);
  });
});
