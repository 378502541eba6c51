import fc from 'fast-check';
import { dependencyGraph } from '../../src/apply/graph.js';
import type { Change } from '../../src/plan/types.js';
import { ROLE_ARN_ANNOTATION } from '../../src/support/ownership.js';
import {
  ACCOUNT,
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

/** Every string value of a JSON document, lower-cased. */
function strings(doc: unknown): string[] {
  if (typeof doc === 'string') return [doc.toLowerCase()];
  if (Array.isArray(doc)) return doc.flatMap(strings);
  if (doc !== null && typeof doc === 'object') return Object.values(doc).flatMap(strings);
  return [];
}

/** The graph's four rules, pair by pair: the oracle the indexed implementation must match. */
function pairwiseGraph(changes: Change[]): number[][] {
  const deps = changes.map(() => new Set<number>());
  changes.forEach((a, i) =>
    changes.forEach((b, j) => {
      if (a.kind === 'role' && a.action !== 'delete' && b.kind === 'oidc-provider' && b.action !== 'delete') {
        if (strings(a.after.trustPolicy).includes(b.after.arn.toLowerCase())) deps[i].add(j);
      }
      if (a.kind === 'role' && a.action === 'delete' && b.kind === 'service-account') {
        const old = b.before?.annotations[ROLE_ARN_ANNOTATION];
        if (old !== undefined && old.toLowerCase() === a.before.arn.toLowerCase()) deps[i].add(j);
      }
      if (a.kind === 'oidc-provider' && a.action === 'delete' && b.kind === 'role' && b.before) {
        if (strings(b.before.trustPolicy).includes(a.before.arn.toLowerCase())) deps[i].add(j);
      }
      if (a.kind === 'service-account' && a.after && b.kind === 'role' && b.action !== 'delete') {
        if (b.after.name.toLowerCase() === a.after.role.toLowerCase()) deps[i].add(j);
      }
    }),
  );
  return deps.map((d) => [...d].sort((x, y) => x - y));
}

test('property: the indexed graph equals the pairwise rules, whatever the case of names and ARNs', () => {
  const hosts = ['oidc.a.example/id/ABC', 'oidc.b.example/id/abc', 'oidc.a.example/id/AB'];
  const names = ['app', 'App', 'web', 'WEB-1'];
  // Upper-cases a random selection of characters, as another tool or a hand-made role might.
  const recase = (s: string, mask: number): string =>
    [...s].map((c, i) => ((mask >> (i % 31)) & 1 ? c.toUpperCase() : c)).join('');
  const host = fc.constantFrom(...hosts);
  const providerArn = fc
    .tuple(host, fc.nat())
    .map(([h, mask]) => recase(`arn:aws:iam::${ACCOUNT}:oidc-provider/${h}`, mask));
  // A trust policy naming zero to three providers, sometimes as a list, sometimes repeated.
  const trust = fc
    .tuple(fc.array(fc.tuple(host, fc.nat()), { maxLength: 3 }), fc.boolean())
    .map(([named, asList]) => {
      const arns = named.map(([h, mask]) => recase(`arn:aws:iam::${ACCOUNT}:oidc-provider/${h}`, mask));
      const doc = trustPolicy(['system:serviceaccount:default:app']);
      const statement = (doc.Statement as Record<string, unknown>[])[0];
      statement.Principal = { Federated: asList ? arns : (arns[0] ?? 'sts.amazonaws.com') };
      return doc;
    });
  const role = fc.tuple(fc.constantFrom(...names), trust).map(([n, t]) => desiredRole(n, { trustPolicy: t }));
  const change: fc.Arbitrary<Change> = fc.oneof(
    fc
      .tuple(
        fc.constantFrom('create', 'update', 'delete') as fc.Arbitrary<'create' | 'update' | 'delete'>,
        providerArn,
      )
      .map(([action, arn]) =>
        action === 'create'
          ? providerChange('create', null, desiredProvider({ arn }))
          : action === 'delete'
            ? providerChange('delete', observedProvider({ arn }), null)
            : providerChange('update', observedProvider({ arn }), desiredProvider({ arn })),
      ),
    fc
      .tuple(fc.constantFrom('create', 'update', 'replace', 'adopt', 'delete'), role, role)
      .map(([action, before, after]) =>
        action === 'create'
          ? roleChange('create', null, after)
          : action === 'delete'
            ? roleChange('delete', observedRole(before), null)
            : roleChange(action, observedRole(before), after),
      ),
    fc
      .tuple(
        fc.constantFrom('create', 'update', 'delete'),
        fc.constantFrom(...names),
        fc.constantFrom(...names),
        fc.nat(),
      )
      .map(([action, oldRole, newRole, mask]) => {
        const before = observedServiceAccount(desiredServiceAccount('sa', { role: recase(oldRole, mask) }));
        const after = desiredServiceAccount('sa', { role: newRole });
        return action === 'create'
          ? saChange('create', null, after, true)
          : action === 'delete'
            ? saChange('delete', before, null, true)
            : saChange('update', before, after, true);
      }),
  );
  fc.assert(
    fc.property(fc.array(change, { maxLength: 14 }), (changes) => {
      expect(dependencyGraph(changes).map((s) => s.dependsOn)).toEqual(pairwiseGraph(changes));
    }),
    { numRuns: 1500 },
  );
});
