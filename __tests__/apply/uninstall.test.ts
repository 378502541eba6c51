// The README's Uninstall: `bindings: []` (clusters kept) plans the removal of everything this owner
// made; ServiceAccounts we did not create keep existing without our annotations; other owners'
// roles are untouched. Real pipeline against the IAM and Kubernetes emulators.
import { OWNER_ANNOTATION, ROLE_ARN_ANNOTATION } from '../../src/support/ownership.js';
import { bindingsYaml, noSleep, startSandbox, type ApplySandbox } from './sandbox.js';

let sandbox: ApplySandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

test('bindings: [] removes what this owner made and leaves the rest', async () => {
  sandbox.kubeEmulator.seedServiceAccount({ namespace: 'default', name: 'helm-made' });
  sandbox.iamEmulator.seedRole({
    roleName: 'theirs',
    path: '/workload-identity/',
    tags: { 'workload-identity-bindings/owner': 'someone/else' },
  });
  const installed = bindingsYaml([
    { role: 'made', serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: 'made' }] },
    { role: 'annotated', serviceAccounts: [{ cluster: 'prod', namespace: 'default', name: 'helm-made' }] },
  ]);
  expect((await sandbox.apply(await sandbox.plan(installed), { sleep: noSleep })).ok).toBe(true);

  const uninstall = await sandbox.plan(bindingsYaml([]));
  expect(uninstall.changes.map((c) => `${c.action} ${c.address}`)).toEqual([
    'delete oidc-provider.oidc.example.com/id/ABC',
    'delete role.annotated',
    'delete role.made',
    'delete service-account.prod/default/helm-made',
    'delete service-account.prod/default/made',
  ]);
  expect((await sandbox.apply(uninstall, { sleep: noSleep })).ok).toBe(true);
  expect((await sandbox.plan(bindingsYaml([]))).changes).toEqual([]);

  expect(sandbox.iamEmulator.getRoleState('made')).toBeUndefined();
  expect(sandbox.kubeEmulator.getServiceAccount('default', 'made')).toBeUndefined();
  const kept = sandbox.kubeEmulator.getServiceAccount('default', 'helm-made')!;
  expect(kept).toBeDefined();
  expect(kept.metadata.annotations?.[ROLE_ARN_ANNOTATION]).toBeUndefined();
  expect(kept.metadata.annotations?.[OWNER_ANNOTATION]).toBeUndefined();
  expect(sandbox.iamEmulator.getRoleState('theirs')).toBeDefined();
});
