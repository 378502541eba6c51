import { dependencyGraph } from '../../src/apply/graph.js';
import {
  desiredProvider,
  desiredRole,
  desiredSa,
  ISSUER_HOST,
  observedProvider,
  observedRole,
  observedSa,
  providerChange,
  roleChange,
  saChange,
  trustFor,
} from './fixtures.js';

test('providers come before the roles that trust them, roles before their ServiceAccounts', () => {
  const changes = [
    providerChange('create', null, desiredProvider()),
    roleChange('create', null, desiredRole('app')),
    roleChange('update', observedRole('other'), desiredRole('other')),
    saChange('create', null, desiredSa('app', 'app'), true),
    saChange('update', observedSa('other', 'other'), desiredSa('other', 'other'), true),
  ];
  const deps = dependencyGraph(changes).map((s) => s.dependsOn);
  expect(deps).toEqual([[], [0], [0], [1], [2]]);
});

test('deletions run in reverse: ServiceAccounts, then their role, then the provider it trusted', () => {
  const otherHost = 'oidc.other.example/id/X';
  const gone = observedRole('gone', { trustPolicy: trustFor(otherHost, ['default:gone']) });
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
      observedRole('moved', { trustPolicy: trustFor(otherHost, ['default:moved']) }),
      desiredRole('moved'),
    ),
    saChange('delete', observedSa('gone', 'gone'), null, true),
    saChange('delete', observedSa('released', 'gone'), null, false),
    saChange('delete', observedSa('unrelated', 'elsewhere'), null, true),
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
    roleChange('replace', observedRole('app', { path: '/' }), desiredRole('app')),
    saChange('update', observedSa('app', 'app'), desiredSa('app', 'app'), true),
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
