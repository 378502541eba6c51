import {
  buildTrustPolicy,
  federatedPrincipalArn,
  isWildcardSubject,
  issuerHostPath,
  subjectClaim,
} from '../../src/policy/trust-policy.js';
import { admits, token } from '../desired/trust-evaluator.js';

const ACCOUNT = '123456789012';
const A = { key: 'a', issuerHostPath: 'oidc.example.com/id/A', audience: 'sts.amazonaws.com' };
const B = { key: 'b', issuerHostPath: 'oidc.example.com/id/B', audience: 'sts.amazonaws.com' };

describe('helpers', () => {
  test('issuerHostPath strips the scheme and trailing slashes', () => {
    expect(issuerHostPath('https://oidc.example.com/id/ABC')).toBe('oidc.example.com/id/ABC');
    expect(issuerHostPath('https://oidc.example.com/id/ABC/')).toBe('oidc.example.com/id/ABC');
    expect(issuerHostPath('HTTPS://oidc.example.com')).toBe('oidc.example.com');
    expect(issuerHostPath('https://oidc.example.com//')).toBe('oidc.example.com');
  });

  test('issuerHostPath refuses what IAM cannot use as a provider URL', () => {
    expect(() => issuerHostPath('http://oidc.example.com')).toThrow('is not an https URL');
    expect(() => issuerHostPath('oidc.example.com')).toThrow('is not an https URL');
    expect(() => issuerHostPath('https:///path')).toThrow('is not an https URL');
  });

  test('principal ARN and subject claim', () => {
    expect(federatedPrincipalArn(ACCOUNT, 'oidc.example.com/id/A')).toBe(
      'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/A',
    );
    expect(subjectClaim('default', 'app')).toBe('system:serviceaccount:default:app');
  });

  test('wildcards are * and ? in namespace or name', () => {
    expect(isWildcardSubject({ namespace: 'team-*', name: 'app' })).toBe(true);
    expect(isWildcardSubject({ namespace: 'team', name: 'app-?' })).toBe(true);
    expect(isWildcardSubject({ namespace: 'team', name: 'app.v1' })).toBe(false);
  });
});

describe('buildTrustPolicy', () => {
  test('one subject gives the IRSA statement with string values', () => {
    expect(buildTrustPolicy([{ cluster: 'a', namespace: 'ns', name: 'sa' }], [A], ACCOUNT)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/A' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'oidc.example.com/id/A:aud': 'sts.amazonaws.com',
              'oidc.example.com/id/A:sub': 'system:serviceaccount:ns:sa',
            },
          },
        },
      ],
    });
  });

  test('statements are ordered by issuer and subjects sorted and de-duplicated, whatever the input order', () => {
    const subjects = [
      { cluster: 'b', namespace: 'z', name: 'sa' },
      { cluster: 'a', namespace: 'y', name: 'sa' },
      { cluster: 'a', namespace: 'x', name: 'sa' },
      { cluster: 'a', namespace: 'y', name: 'sa' },
    ];
    const policy = buildTrustPolicy(subjects, [B, A], ACCOUNT);
    expect(JSON.stringify(buildTrustPolicy([...subjects].reverse(), [A, B], ACCOUNT))).toBe(
      JSON.stringify(policy),
    );
    const statements = policy.Statement as Array<{ Condition: { StringEquals: Record<string, unknown> } }>;
    expect(statements.map((s) => s.Condition.StringEquals)).toEqual([
      {
        'oidc.example.com/id/A:aud': 'sts.amazonaws.com',
        'oidc.example.com/id/A:sub': ['system:serviceaccount:x:sa', 'system:serviceaccount:y:sa'],
      },
      {
        'oidc.example.com/id/B:aud': 'sts.amazonaws.com',
        'oidc.example.com/id/B:sub': 'system:serviceaccount:z:sa',
      },
    ]);
  });

  test('clusters without subjects add no statement', () => {
    const policy = buildTrustPolicy([{ cluster: 'b', namespace: 'ns', name: 'sa' }], [A, B], ACCOUNT);
    expect(policy.Statement).toHaveLength(1);
    expect(admits(policy, token(A.issuerHostPath, 'ns', 'sa'))).toBe(false);
    expect(admits(policy, token(B.issuerHostPath, 'ns', 'sa'))).toBe(true);
  });

  test('clusters sharing an issuer and audience share one statement', () => {
    const twin = { ...A, key: 'a-twin' };
    const policy = buildTrustPolicy(
      [
        { cluster: 'a', namespace: 'ns', name: 'one' },
        { cluster: 'a-twin', namespace: 'ns', name: 'two' },
      ],
      [A, twin],
      ACCOUNT,
    );
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Condition: {
          StringEquals: {
            'oidc.example.com/id/A:aud': 'sts.amazonaws.com',
            'oidc.example.com/id/A:sub': ['system:serviceaccount:ns:one', 'system:serviceaccount:ns:two'],
          },
        },
      }),
    ]);
  });

  test('one issuer with different audiences lists the audiences', () => {
    const other = { ...A, key: 'a-other', audience: 'custom-audience' };
    const policy = buildTrustPolicy(
      [
        { cluster: 'a-other', namespace: 'ns', name: 'sa' },
        { cluster: 'a', namespace: 'ns', name: 'sa' },
      ],
      [A, other],
      ACCOUNT,
    );
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Condition: {
          StringEquals: {
            'oidc.example.com/id/A:aud': ['custom-audience', 'sts.amazonaws.com'],
            'oidc.example.com/id/A:sub': 'system:serviceaccount:ns:sa',
          },
        },
      }),
    ]);
    expect(admits(policy, token(A.issuerHostPath, 'ns', 'sa', 'custom-audience'))).toBe(true);
    expect(admits(policy, token(A.issuerHostPath, 'ns', 'sa', 'sts.amazonaws.com'))).toBe(true);
    expect(admits(policy, token(A.issuerHostPath, 'ns', 'sa', 'anything-else'))).toBe(false);
  });

  test('a wildcard subject moves that issuer’s subjects to StringLike, keeps :aud in StringEquals', () => {
    const policy = buildTrustPolicy(
      [
        { cluster: 'a', namespace: 'team-*', name: 'app' },
        { cluster: 'a', namespace: 'ops', name: 'deployer' },
        { cluster: 'b', namespace: 'ops', name: 'deployer' },
      ],
      [A, B],
      ACCOUNT,
    );
    const [onA, onB] = policy.Statement as Array<{ Condition: unknown }>;
    expect(onA.Condition).toEqual({
      StringEquals: { 'oidc.example.com/id/A:aud': 'sts.amazonaws.com' },
      StringLike: {
        'oidc.example.com/id/A:sub': [
          'system:serviceaccount:ops:deployer',
          'system:serviceaccount:team-*:app',
        ],
      },
    });
    // Only the issuer with a wildcard changes operator.
    expect(onB.Condition).toEqual({
      StringEquals: {
        'oidc.example.com/id/B:aud': 'sts.amazonaws.com',
        'oidc.example.com/id/B:sub': 'system:serviceaccount:ops:deployer',
      },
    });
    // The exact subject under StringLike still matches only itself.
    expect(admits(policy, token(A.issuerHostPath, 'ops', 'deployer'))).toBe(true);
    expect(admits(policy, token(A.issuerHostPath, 'ops', 'deployer-2'))).toBe(false);
    expect(admits(policy, token(A.issuerHostPath, 'ops-2', 'deployer'))).toBe(false);
    expect(admits(policy, token(A.issuerHostPath, 'team-red', 'app'))).toBe(true);
    expect(admits(policy, token(A.issuerHostPath, 'team-red', 'db'))).toBe(false);
    // The wildcard does not leak to the other issuer.
    expect(admits(policy, token(B.issuerHostPath, 'team-red', 'app'))).toBe(false);
  });

  test('a subject on an undefined cluster is an error naming the cluster', () => {
    expect(() =>
      buildTrustPolicy([{ cluster: 'prd', namespace: 'ns', name: 'sa' }], [A, B], ACCOUNT),
    ).toThrow('ServiceAccount ns/sa names cluster "prd", which is not defined (defined clusters: a, b).');
  });

  test('no subjects is an error rather than a policy IAM would reject', () => {
    expect(() => buildTrustPolicy([], [A], ACCOUNT)).toThrow('at least one ServiceAccount');
  });
});
