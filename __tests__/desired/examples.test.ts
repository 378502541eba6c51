// Golden tests: every example in examples/ loads through the real loader and compiles, each role's
// trust policy equals the hand-checked file in __tests__/golden/<example>/<role>.trust.json (key
// order included), and an independent IAM evaluator confirms who each policy admits and keeps out.
import { readdirSync, readFileSync } from 'node:fs';
import { formatDiagnostic } from '../../src/bindings/diagnostics.js';
import { loadBindingsText } from '../../src/bindings/load.js';
import type { BindingsFile } from '../../src/bindings/types.js';
import { compileDesiredState } from '../../src/desired/compile.js';
import { issuerHostPath } from '../../src/policy/trust-policy.js';
import type { DesiredState, ResolvedCluster } from '../../src/desired/types.js';
import { DEFAULT_AUDIENCE } from '../../src/support/ownership.js';
import { admits, token } from './trust-evaluator.js';

const CONTROL_PLANE_ISSUER = 'https://oidc.cpln.io/00000000-0000-0000-0000-000000000000';
const EXAMPLES = ['single-sa', 'multi-cluster', 'shared-role', 'wildcard', 'control-plane'];

/** What the engine's cluster resolution gives, with the Control Plane lookup answered by a constant. */
function resolve(file: BindingsFile): ResolvedCluster[] {
  return file.clusters.map((config) => {
    const issuer = config.issuer ?? CONTROL_PLANE_ISSUER;
    return {
      key: config.key,
      issuer,
      issuerHostPath: issuerHostPath(issuer),
      audience: config.audience ?? DEFAULT_AUDIENCE,
      kubernetes:
        config.kubernetes === false
          ? false
          : config.controlPlane && config.kubernetes.context === undefined
            ? { controlPlane: config.controlPlane }
            : config.kubernetes,
    };
  });
}

function loadExample(name: string) {
  const path = `examples/${name}/workload-identity.yaml`;
  return loadBindingsText(readFileSync(new URL(`../../${path}`, import.meta.url)), path);
}

function readExample(name: string): BindingsFile {
  const { file, diagnostics } = loadExample(name);
  if (!file)
    throw new Error(`example ${name} does not load:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  return file;
}

function compileExample(name: string): DesiredState {
  const file = readExample(name);
  return compileDesiredState(file, { accountId: file.aws.accountId!, clusters: resolve(file) });
}

function goldenDir(name: string): string {
  return new URL(`../golden/${name}/`, import.meta.url).pathname;
}

test('every example directory is covered by these tests', () => {
  const dirs = readdirSync(new URL('../../examples/', import.meta.url).pathname, { withFileTypes: true })
    // examples/workflows holds caller workflows, not a bindings example (checked by the action tests).
    .filter((entry) => entry.isDirectory() && entry.name !== 'workflows')
    .map((entry) => entry.name)
    .sort();
  expect(dirs).toEqual([...EXAMPLES].sort());
});

test('examples load without errors; only the wildcard example warns, once per wildcard subject', () => {
  const warnings = EXAMPLES.map((name) => [
    name,
    loadExample(name).diagnostics.map((d) => `${d.severity} ${d.line}`),
  ]);
  expect(warnings).toEqual([
    ['single-sa', []],
    ['multi-cluster', []],
    ['shared-role', []],
    ['wildcard', ['warning 24', 'warning 26']],
    ['control-plane', []],
  ]);
});

describe.each(EXAMPLES)('example %s', (name) => {
  const desired = compileExample(name);

  test('has exactly one golden trust policy per role', () => {
    const files = readdirSync(goldenDir(name)).sort();
    expect(files).toEqual(desired.roles.map((role) => `${role.name}.trust.json`).sort());
  });

  test.each(desired.roles.map((role) => [role.name, role] as const))(
    'role %s matches its golden trust policy',
    (role, desiredRole) => {
      const golden: unknown = JSON.parse(readFileSync(`${goldenDir(name)}${role}.trust.json`, 'utf8'));
      expect(desiredRole.trustPolicy).toEqual(golden);
      // Same keys in the same order: the JSON we send to IAM is what reviewers read in the golden file.
      expect(JSON.stringify(desiredRole.trustPolicy)).toBe(JSON.stringify(golden));
    },
  );

  test('compiles to the same bytes twice', () => {
    expect(JSON.stringify(compileExample(name))).toBe(JSON.stringify(desired));
  });
});

describe('what each example means', () => {
  test('single-sa: one role, one ServiceAccount, one provider', () => {
    const desired = compileExample('single-sa');
    const [role] = desired.roles;
    expect(role).toMatchObject({
      name: 's3-reader',
      path: '/workload-identity/',
      arn: 'arn:aws:iam::123456789012:role/workload-identity/s3-reader',
      managedPolicies: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
      tags: { 'workload-identity-bindings/owner': 'acme/example-single-sa' },
    });
    expect(Object.keys(role.inlinePolicies)).toEqual(['read-assets']);
    expect(desired.serviceAccounts).toEqual([
      {
        cluster: 'prod',
        namespace: 'default',
        name: 'mk8s-identity-example',
        role: 's3-reader',
        annotations: {
          'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/workload-identity/s3-reader',
          'workload-identity-bindings/owner': 'acme/example-single-sa',
        },
        labels: { 'app.kubernetes.io/managed-by': 'workload-identity-bindings' },
      },
    ]);
    expect(desired.oidcProviders).toEqual([
      {
        arn: 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC',
        url: 'https://oidc.example.com/id/ABC',
        clientIds: ['sts.amazonaws.com'],
        clusters: ['prod'],
        tags: { 'workload-identity-bindings/owner': 'acme/example-single-sa' },
      },
    ]);
    const trust = role.trustPolicy;
    expect(admits(trust, token('oidc.example.com/id/ABC', 'default', 'mk8s-identity-example'))).toBe(true);
    expect(admits(trust, token('oidc.example.com/id/ABC', 'default', 'other-sa'))).toBe(false);
    expect(admits(trust, token('oidc.example.com/id/ABC', 'kube-system', 'mk8s-identity-example'))).toBe(
      false,
    );
    expect(admits(trust, token('oidc.example.com/id/ABC', 'default', 'mk8s-identity-example', 'other'))).toBe(
      false,
    );
    expect(admits(trust, token('oidc.example.com/id/XYZ', 'default', 'mk8s-identity-example'))).toBe(false);
  });

  test('multi-cluster: three issuers trusted, no ServiceAccount on the IAM-only cluster', () => {
    const desired = compileExample('multi-cluster');
    const trust = desired.roles[0].trustPolicy;
    for (const issuer of [
      'oidc.us-east-1.example.com/id/US1',
      'oidc.eu-west-1.example.com/id/EU1',
      'oidc.dr.example.com/id/DR1',
    ]) {
      expect(admits(trust, token(issuer, 'orders', 'orders-api'))).toBe(true);
      expect(admits(trust, token(issuer, 'orders', 'orders-worker'))).toBe(false);
    }
    expect(desired.serviceAccounts.map((sa) => sa.cluster)).toEqual(['prod-eu', 'prod-us']);
    expect(desired.oidcProviders.map((p) => p.url)).toEqual([
      'https://oidc.dr.example.com/id/DR1',
      'https://oidc.eu-west-1.example.com/id/EU1',
      'https://oidc.us-east-1.example.com/id/US1',
    ]);
    expect(desired.clusters.map((c) => c.key)).toEqual(['prod-eu', 'prod-us']);
    expect(desired.roles[0]).toMatchObject({
      maxSessionDuration: 7200,
      tags: {
        'cost-center': '4200',
        team: 'orders',
        'workload-identity-bindings/owner': 'acme/example-multi-cluster',
      },
    });
  });

  test('shared-role: each listed ServiceAccount, and only those, gets in', () => {
    const desired = compileExample('shared-role');
    const trust = desired.roles[0].trustPolicy;
    const issuer = 'oidc.example.com/id/ABC';
    expect(admits(trust, token(issuer, 'web', 'frontend'))).toBe(true);
    expect(admits(trust, token(issuer, 'api', 'backend'))).toBe(true);
    expect(admits(trust, token(issuer, 'jobs', 'worker'))).toBe(true);
    // A listed name in another listed namespace is a different subject.
    expect(admits(trust, token(issuer, 'web', 'backend'))).toBe(false);
    expect(desired.roles[0].permissionsBoundary).toBe('arn:aws:iam::123456789012:policy/workload-boundary');
    expect(desired.serviceAccounts.map((sa) => `${sa.namespace}/${sa.name}`)).toEqual([
      'api/backend',
      'jobs/worker',
      'web/frontend',
    ]);
    expect(desired.serviceAccounts[0].annotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/workload-identity/cache-reader',
      'eks.amazonaws.com/sts-regional-endpoints': 'true',
      'eks.amazonaws.com/token-expiration': '86400',
      'workload-identity-bindings/owner': 'acme/example-shared-role',
    });
  });

  test('wildcard: patterns match as IAM StringLike, exact subjects stay exact, only exact ones become ServiceAccounts', () => {
    const desired = compileExample('wildcard');
    const trust = desired.roles[0].trustPolicy;
    const issuer = 'oidc.dev.example.com/id/DEV';
    expect(admits(trust, token(issuer, 'preview-42', 'app'))).toBe(true);
    expect(admits(trust, token(issuer, 'preview-42', 'db'))).toBe(false);
    expect(admits(trust, token(issuer, 'ci', 'runner-7'))).toBe(true);
    expect(admits(trust, token(issuer, 'ci', 'runner-17'))).toBe(false);
    expect(admits(trust, token(issuer, 'ci', 'seeder'))).toBe(true);
    expect(admits(trust, token(issuer, 'ci', 'seeder-2'))).toBe(false);
    expect(admits(trust, token(issuer, 'preview-42', 'app', 'other-audience'))).toBe(false);
    expect(desired.roles[0].subjects.map((s) => [s.namespace, s.name, s.wildcard])).toEqual([
      ['ci', 'runner-?', true],
      ['ci', 'seeder', false],
      ['preview-*', 'app', true],
    ]);
    expect(desired.serviceAccounts.map((sa) => `${sa.namespace}/${sa.name}`)).toEqual(['ci/seeder']);
    expect(desired.roles[0]).not.toHaveProperty('permissionsBoundary');
  });

  test('control-plane: the resolved issuer is trusted and the cluster is managed through Control Plane', () => {
    const desired = compileExample('control-plane');
    const trust = desired.roles[0].trustPolicy;
    expect(admits(trust, token(issuerHostPath(CONTROL_PLANE_ISSUER), 'apps', 'orders'))).toBe(true);
    expect(admits(trust, token(issuerHostPath(CONTROL_PLANE_ISSUER), 'apps', 'billing'))).toBe(false);
    expect(desired.clusters).toEqual([
      {
        key: 'cpln-prod',
        issuer: CONTROL_PLANE_ISSUER,
        issuerHostPath: 'oidc.cpln.io/00000000-0000-0000-0000-000000000000',
        audience: 'sts.amazonaws.com',
        kubernetes: { controlPlane: { org: 'acme', cluster: 'prod' } },
      },
    ]);
    expect(desired.oidcProviders.map((p) => p.arn)).toEqual([
      'arn:aws:iam::123456789012:oidc-provider/oidc.cpln.io/00000000-0000-0000-0000-000000000000',
    ]);
  });
});
