import { dependencyGraph } from '../../src/apply/graph.js';
import {
  desiredProvider,
  desiredRole,
  desiredServiceAccount,
  ISSUER_HOST,
  observedProvider,
  observedRole,
  observedServiceAccount,
  providerChange,
  roleChange,
  saChange,
  trustPolicy,
} from '../builders.js';

test('providers come before the roles that trust them, roles before their ServiceAccounts', () => {
  const changes = [
    providerChange('create', null, desiredProvider()),
    roleChange('create', null, desiredRole('app')),
    roleChange('update', observedRole(desiredRole('other')), desiredRole('other')),
    saChange('create', null, desiredServiceAccount('app', { role: 'app' }), true),
    saChange(
      'update',
      observedServiceAccount(desiredServiceAccount('other', { role: 'other' }), { created: false }),
      desiredServiceAccount('other', { role: 'other' }),
      true,
    ),
  ];
  const deps = dependencyGraph(changes).map((s) => s.dependsOn);
  expect(deps).toEqual([[], [0], [0], [1], [2]]);
});

test('deletions run in reverse: ServiceAccounts, then their role, then the provider it trusted', () => {
  const otherHost = 'oidc.other.example/id/X';
  const gone = observedRole(desiredRole('gone'), {
    trustPolicy: trustPolicy(['system:serviceaccount:default:gone'], otherHost),
  });
  const changes = [
    providerChange(
      'delete',
      observedProvider({ arn: `arn:aws:iam::123456789012:oidc-provider/${otherHost}` }),
      null,
    ),
    roleChange('delete', gone, null),
    // A role that stays but stops trusting the old issuer must be updated before the provider goes.
    roleChange(
      'update',
      observedRole(desiredRole('moved'), {
        trustPolicy: trustPolicy(['system:serviceaccount:default:moved'], otherHost),
      }),
      desiredRole('moved'),
    ),
    saChange(
      'delete',
      observedServiceAccount(desiredServiceAccount('gone', { role: 'gone' }), { created: false }),
      null,
      true,
    ),
    saChange(
      'delete',
      observedServiceAccount(desiredServiceAccount('released', { role: 'gone' }), { created: false }),
      null,
      false,
    ),
    saChange(
      'delete',
      observedServiceAccount(desiredServiceAccount('unrelated', { role: 'elsewhere' }), { created: false }),
      null,
      true,
    ),
  ];
  const deps = dependencyGraph(changes).map((s) => s.dependsOn);
  expect(deps[0]).toEqual([1, 2]);
  expect(deps[1]).toEqual([3, 4]);
  expect(deps[2]).toEqual([]);
  expect(deps.slice(3)).toEqual([[], [], []]);
});

test('a replaced role waits for the provider it will trust; its ServiceAccounts wait for the replace', () => {
  const changes = [
    providerChange('update', observedProvider({ clientIds: [] }), desiredProvider()),
    roleChange('replace', observedRole(desiredRole('app'), { path: '/' }), desiredRole('app')),
    saChange(
      'update',
      observedServiceAccount(desiredServiceAccount('app', { role: 'app' }), { created: false }),
      desiredServiceAccount('app', { role: 'app' }),
      true,
    ),
  ];
  expect(dependencyGraph(changes).map((s) => s.dependsOn)).toEqual([[], [0], [1]]);
});

test('a provider ARN that is a prefix of another does not create a dependency', () => {
  const prefix = desiredProvider({
    arn: `arn:aws:iam::123456789012:oidc-provider/${ISSUER_HOST.slice(0, -1)}`,
  });
  const changes = [providerChange('create', null, prefix), roleChange('create', null, desiredRole('app'))];
  expect(dependencyGraph(changes).map((s) => s.dependsOn)).toEqual([[], []]);
});
