// `import`'s --cluster and --kube-context arguments: the forms it takes and the messages it gives.
import { parseClusterSpecs } from '../../src/commands/import.js';

test('issuer and Control Plane clusters, with their kube contexts', () => {
  expect(
    parseClusterSpecs(
      ['prod=https://oidc.example.com/id/ABC', 'cp=controlPlane:acme/prod-mk8s'],
      ['prod=prod-admin'],
    ),
  ).toEqual([
    { key: 'prod', issuer: 'https://oidc.example.com/id/ABC', context: 'prod-admin' },
    { key: 'cp', controlPlane: { org: 'acme', cluster: 'prod-mk8s' } },
  ]);
  expect(parseClusterSpecs([], [])).toBeUndefined();
});

test('bad forms name the argument and the form to write', () => {
  expect(() => parseClusterSpecs(['prod'], [])).toThrow(
    /write KEY=https:\/\/ISSUER or KEY=controlPlane:ORG\/CLUSTER/,
  );
  expect(() => parseClusterSpecs(['prod=http://x'], [])).toThrow(/not an https issuer URL/);
  expect(() => parseClusterSpecs(['prod=https://x'], ['dev=ctx'])).toThrow(/no --cluster dev=/);
  expect(() => parseClusterSpecs([], ['dev=ctx'])).toThrow(/needs --cluster KEY=/);
  expect(() => parseClusterSpecs(['prod=https://x'], ['prod'])).toThrow(/write KEY=CONTEXT/);
});
