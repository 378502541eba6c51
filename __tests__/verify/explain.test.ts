// The pure part of verify: which claim a trust policy refuses (cross-checked against the independent
// IAM evaluator used by the trust-policy proofs), the TokenRequest causes that the sandbox cannot
// produce through the CLI (RBAC, credentials), and target selection.
import { explainTokenFailure } from '../../src/verify/causes.js';
import { explainTrust } from '../../src/verify/trust-check.js';
import { buildTrustPolicy } from '../../src/policy/trust-policy.js';
import { admits } from '../desired/trust-evaluator.js';
import type { VerifyTarget } from '../../src/verify/types.js';
import type { JsonObject } from '../../src/policy/types.js';

const HOST = 'oidc.example.com/id/ABC';
const PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${HOST}`;
const cluster = { key: 'prod', issuerHostPath: HOST, audience: 'sts.amazonaws.com' };
const policy = buildTrustPolicy(
  [
    { cluster: 'prod', namespace: 'apps', name: 'api' },
    { cluster: 'prod', namespace: 'batch-*', name: 'worker' },
  ],
  [cluster],
  '123456789012',
);
const ask = (sub: string, aud = 'sts.amazonaws.com') =>
  explainTrust(policy, { providerArn: PROVIDER, issuerHostPath: HOST, sub, aud });

test.each([
  ['system:serviceaccount:apps:api', 'sts.amazonaws.com'],
  ['system:serviceaccount:batch-1:worker', 'sts.amazonaws.com'],
  ['system:serviceaccount:apps:other', 'sts.amazonaws.com'],
  ['system:serviceaccount:apps:api', 'other'],
  ['system:serviceaccount:apps:other', 'other'],
])('verdict for %s / %s agrees with the independent evaluator', (sub, aud) => {
  const verdict = ask(sub, aud);
  expect(verdict.allowed).toBe(admits(policy, { issuer: HOST, sub, aud }));
});

test('says which claim no statement admits', () => {
  expect(ask('system:serviceaccount:apps:other')).toMatchObject({
    allowed: false,
    mismatch: 'sub',
    expectedSub: ['system:serviceaccount:apps:api', 'system:serviceaccount:batch-*:worker'],
  });
  expect(ask('system:serviceaccount:apps:api', 'other')).toMatchObject({
    mismatch: 'aud',
    expectedAud: ['sts.amazonaws.com'],
  });
  expect(ask('system:serviceaccount:x:y', 'other')).toMatchObject({ mismatch: 'sub+aud' });
  expect(
    explainTrust(policy, {
      providerArn: 'arn:aws:iam::123456789012:oidc-provider/elsewhere',
      issuerHostPath: 'elsewhere',
      sub: 'system:serviceaccount:apps:api',
      aud: 'sts.amazonaws.com',
    }),
  ).toEqual({ allowed: false, mismatch: 'principal' });
  const denied = {
    ...policy,
    Statement: [
      ...(policy.Statement as JsonObject[]),
      {
        Effect: 'Deny',
        Principal: { Federated: PROVIDER },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${HOST}:sub`]: 'system:serviceaccount:apps:api' } },
      },
    ],
  };
  expect(
    explainTrust(denied, {
      providerArn: PROVIDER,
      issuerHostPath: HOST,
      sub: 'system:serviceaccount:apps:api',
      aud: 'sts.amazonaws.com',
    }),
  ).toEqual({ allowed: false, mismatch: 'deny' });
});

const target: VerifyTarget = {
  role: 'api',
  roleArn: 'arn:aws:iam::123456789012:role/workload-identity/api',
  cluster: 'prod',
  namespace: 'apps',
  name: 'api',
  issuer: `https://${HOST}`,
  issuerHostPath: HOST,
  audience: 'sts.amazonaws.com',
};

test('TokenRequest refusals name the RBAC rule or the credentials', () => {
  expect(explainTokenFailure(target, 403, 'forbidden')).toEqual({
    cause: 'the Kubernetes credentials may not request tokens for apps/api (forbidden)',
    fix: 'grant "create" on "serviceaccounts/token" (the workload-identity-verify ClusterRole in the README)',
  });
  expect(explainTokenFailure(target, 401, 'Unauthorized').fix).toBe(
    'check the kubeconfig context or token for this cluster',
  );
});
