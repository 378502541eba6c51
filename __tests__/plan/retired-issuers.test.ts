// Which issuers our roles still trust that no cluster of the file has: the mark of a removed cluster.
import { findRetiredIssuers, retiredIssuerMessage, trustedIssuers } from '../../src/plan/retired-issuers.js';
import { OWNER_TAG } from '../../src/support/ownership.js';
import type { Json, PolicyDocument } from '../../src/policy/types.js';
import { desiredRole, ISSUER_HOST, observedRole, OWNER, trustPolicy } from '../builders.js';

const EU = 'oidc.eu.example.com/id/EU1';

const twoIssuers = (): PolicyDocument => {
  const us = trustPolicy(['system:serviceaccount:apps:a']);
  const eu = trustPolicy(['system:serviceaccount:apps:b'], EU);
  return { ...us, Statement: [...(us.Statement as Json[]), ...(eu.Statement as Json[])] };
};

test('trustedIssuers reads every Federated principal (string or list), case kept (provider URLs are case-sensitive)', () => {
  expect(trustedIssuers(twoIssuers()).sort()).toEqual([EU, ISSUER_HOST].sort());
  expect(
    trustedIssuers({
      Statement: {
        Principal: { Federated: ['arn:aws:iam::123456789012:oidc-provider/OIDC.Example.com/x'] },
      },
    }),
  ).toEqual(['OIDC.Example.com/x']);
  expect(trustedIssuers({ Statement: [{ Principal: { Service: 'ec2.amazonaws.com' } }] })).toEqual([]);
});

test('an issuer only our roles trust, missing from the file, is retired; other owners are ignored', () => {
  const ours = observedRole(desiredRole('billing'), { trustPolicy: twoIssuers() });
  const foreign = observedRole(desiredRole('theirs'), {
    trustPolicy: trustPolicy(['system:serviceaccount:x:y'], 'other.example.com'),
    tags: { [OWNER_TAG]: 'someone/else' },
  });
  expect(findRetiredIssuers([ours, foreign], OWNER, [ISSUER_HOST])).toEqual([
    { issuer: EU, roles: ['billing'] },
  ]);
  // Still in the file: nothing is retired.
  expect(findRetiredIssuers([ours], OWNER, [ISSUER_HOST, EU])).toEqual([]);
});

test('an issuer whose host case changed in the file is another provider to IAM: retired, and the message says why (#20)', () => {
  const ours = observedRole(desiredRole('billing'), { trustPolicy: twoIssuers() });
  const retired = findRetiredIssuers([ours], OWNER, [ISSUER_HOST, 'OIDC.EU.example.com/id/EU1']);
  expect(retired).toEqual([{ issuer: EU, roles: ['billing'], caseVariant: 'OIDC.EU.example.com/id/EU1' }]);
  const message = retiredIssuerMessage(retired[0], { file: 'w.yaml', line: 5, col: 1 });
  expect(message).toContain(
    'The file has https://OIDC.EU.example.com/id/EU1, which differs only in case: IAM provider URLs are case-sensitive',
  );
  expect(message).toContain(`write\n  https://${EU} again; otherwise:`);
});

test('the refusal is positioned and gives both steps', () => {
  const message = retiredIssuerMessage(
    { issuer: EU, roles: ['a', 'b', 'c', 'd'] },
    { file: 'w.yaml', line: 5, col: 1 },
  );
  expect(message).toMatch(/^w\.yaml:5:1: no cluster in the file has the issuer https:\/\/oidc\.eu/);
  expect(message).toContain('roles "a", "b", "c" and 1 more still trust it');
  expect(message).toContain('1. put the cluster back');
  expect(message).toContain('2. then delete the cluster entry');
});
