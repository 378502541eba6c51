import type { Binding, BindingsFile, ClusterConfig } from '../../src/bindings/types.js';
import { compileDesiredState } from '../../src/desired/compile.js';
import type { CompileContext, ResolvedCluster } from '../../src/desired/types.js';

const at = { file: 'workload-identity.yaml', line: 1, col: 1 };
const ACCOUNT = '123456789012';
const OWNER = 'acme/platform-iam';

function cluster(key: string, kubernetes: ClusterConfig['kubernetes'] = {}): ClusterConfig {
  return { key, issuer: `https://oidc.example.com/id/${key}`, kubernetes, location: at };
}

function resolved(key: string, overrides: Partial<ResolvedCluster> = {}): ResolvedCluster {
  const issuer = overrides.issuer ?? `https://oidc.example.com/id/${key}`;
  return {
    key,
    issuer,
    issuerHostPath: issuer.replace('https://', ''),
    audience: 'sts.amazonaws.com',
    kubernetes: {},
    ...overrides,
  };
}

function binding(
  role: string,
  serviceAccounts: Array<[string, string, string]>,
  extra: Partial<Binding> = {},
): Binding {
  return {
    role,
    serviceAccounts: serviceAccounts.map(([c, namespace, name]) => ({
      cluster: c,
      namespace,
      name,
      location: at,
    })),
    managedPolicies: [],
    inlinePolicies: {},
    maxSessionDuration: 3600,
    tags: {},
    serviceAccountAnnotations: {},
    adopt: false,
    location: at,
    ...extra,
  };
}

function file(bindings: Binding[], extra: Partial<BindingsFile> = {}): BindingsFile {
  return {
    path: 'workload-identity.yaml',
    version: 1,
    owner: OWNER,
    aws: { rolePath: '/workload-identity/', tags: {} },
    clusters: [cluster('prod')],
    bindings,
    ...extra,
  };
}

const context = (...clusters: ResolvedCluster[]): CompileContext => ({
  accountId: ACCOUNT,
  clusters: clusters.length ? clusters : [resolved('prod')],
});

describe('roles', () => {
  test('name, path, ARN and the fields copied from the binding', () => {
    const f = file(
      [
        binding('reader', [['prod', 'ns', 'sa']], {
          description: 'Reads',
          maxSessionDuration: 7200,
          adopt: true,
        }),
      ],
      {
        aws: { rolePath: '/team/a/', tags: {} },
      },
    );
    const role = compileDesiredState(f, context()).roles[0];
    expect(role).toMatchObject({
      name: 'reader',
      path: '/team/a/',
      arn: 'arn:aws:iam::123456789012:role/team/a/reader',
      description: 'Reads',
      maxSessionDuration: 7200,
      adopt: true,
    });
    expect(Object.keys(role)).toEqual([
      'name',
      'path',
      'arn',
      'description',
      'maxSessionDuration',
      'trustPolicy',
      'managedPolicies',
      'inlinePolicies',
      'tags',
      'adopt',
      'subjects',
    ]);
  });

  test('tags: the binding wins over aws.tags, the owner tag always wins', () => {
    const f = file(
      [
        binding('reader', [['prod', 'ns', 'sa']], {
          tags: { team: 'web', env: 'prod', 'workload-identity-bindings/owner': 'someone-else' },
        }),
      ],
      { aws: { rolePath: '/workload-identity/', tags: { team: 'platform', 'cost-center': '42' } } },
    );
    const { tags } = compileDesiredState(f, context()).roles[0];
    expect(tags).toEqual({
      'cost-center': '42',
      env: 'prod',
      team: 'web',
      'workload-identity-bindings/owner': OWNER,
    });
    expect(Object.keys(tags)).toEqual(['cost-center', 'env', 'team', 'workload-identity-bindings/owner']);
  });

  test('permissions boundary: inherited, overridden, or removed with null', () => {
    const aws = {
      rolePath: '/workload-identity/',
      tags: {},
      permissionsBoundary: 'arn:aws:iam::123456789012:policy/default',
    };
    const f = file(
      [
        binding('inherits', [['prod', 'ns', 'a']]),
        binding('overrides', [['prod', 'ns', 'b']], {
          permissionsBoundary: 'arn:aws:iam::123456789012:policy/own',
        }),
        binding('none', [['prod', 'ns', 'c']], { permissionsBoundary: null }),
      ],
      { aws },
    );
    const roles = Object.fromEntries(compileDesiredState(f, context()).roles.map((r) => [r.name, r]));
    expect(roles.inherits.permissionsBoundary).toBe('arn:aws:iam::123456789012:policy/default');
    expect(roles.overrides.permissionsBoundary).toBe('arn:aws:iam::123456789012:policy/own');
    expect(roles.none).not.toHaveProperty('permissionsBoundary');
    // Without a file-wide boundary, a binding that does not set one has none.
    const plain = compileDesiredState(file([binding('plain', [['prod', 'ns', 'a']])]), context()).roles[0];
    expect(plain).not.toHaveProperty('permissionsBoundary');
  });

  test('managed policies sorted and de-duplicated, inline policies ordered by name', () => {
    const doc = (action: string) => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
    });
    const f = file([
      binding('reader', [['prod', 'ns', 'sa']], {
        managedPolicies: [
          'arn:aws:iam::aws:policy/b',
          'arn:aws:iam::aws:policy/a',
          'arn:aws:iam::aws:policy/b',
        ],
        inlinePolicies: { zeta: doc('s3:GetObject'), alpha: doc('sqs:SendMessage') },
      }),
    ]);
    const role = compileDesiredState(f, context()).roles[0];
    expect(role.managedPolicies).toEqual(['arn:aws:iam::aws:policy/a', 'arn:aws:iam::aws:policy/b']);
    expect(Object.keys(role.inlinePolicies)).toEqual(['alpha', 'zeta']);
    expect(role.inlinePolicies.zeta).toEqual(doc('s3:GetObject'));
  });

  test('subjects are sorted, de-duplicated and flagged when wildcard', () => {
    const f = file(
      [
        binding('reader', [
          ['prod', 'web', 'app'],
          ['dev', 'team-*', 'app'],
          ['prod', 'api', 'app'],
          ['prod', 'web', 'app'],
        ]),
      ],
      { clusters: [cluster('prod'), cluster('dev')] },
    );
    expect(compileDesiredState(f, context(resolved('prod'), resolved('dev'))).roles[0].subjects).toEqual([
      { cluster: 'dev', namespace: 'team-*', name: 'app', wildcard: true },
      { cluster: 'prod', namespace: 'api', name: 'app', wildcard: false },
      { cluster: 'prod', namespace: 'web', name: 'app', wildcard: false },
    ]);
  });
});

describe('ServiceAccounts', () => {
  test('one per exact subject, annotated with the role ARN and owner, labelled managed-by', () => {
    const f = file([
      binding('reader', [['prod', 'ns', 'sa']], {
        serviceAccountAnnotations: {
          'eks.amazonaws.com/token-expiration': '86400',
          'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/x',
        },
      }),
    ]);
    expect(compileDesiredState(f, context()).serviceAccounts).toEqual([
      {
        cluster: 'prod',
        namespace: 'ns',
        name: 'sa',
        role: 'reader',
        annotations: {
          // Ours win even over a user value that validation should already have rejected.
          'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/workload-identity/reader',
          'eks.amazonaws.com/token-expiration': '86400',
          'workload-identity-bindings/owner': OWNER,
        },
        labels: { 'app.kubernetes.io/managed-by': 'workload-identity-bindings' },
      },
    ]);
  });

  test('wildcard subjects are trusted but get no ServiceAccount', () => {
    const f = file([
      binding('reader', [
        ['prod', 'team-*', 'app'],
        ['prod', 'ns', 'sa-?'],
      ]),
    ]);
    const desired = compileDesiredState(f, context());
    expect(desired.serviceAccounts).toEqual([]);
    expect(desired.roles[0].subjects.every((s) => s.wildcard)).toBe(true);
    // The cluster is still one we manage, so ServiceAccounts we created there earlier can be deleted.
    expect(desired.clusters.map((c) => c.key)).toEqual(['prod']);
  });

  test('kubernetes: false manages IAM only: trusted, but no ServiceAccount and not a managed cluster', () => {
    const f = file(
      [
        binding('reader', [
          ['prod', 'ns', 'sa'],
          ['iam-only', 'ns', 'sa'],
        ]),
      ],
      {
        clusters: [cluster('prod'), cluster('iam-only', false)],
      },
    );
    const desired = compileDesiredState(
      f,
      context(resolved('prod'), resolved('iam-only', { kubernetes: false })),
    );
    expect(desired.serviceAccounts.map((sa) => sa.cluster)).toEqual(['prod']);
    expect(desired.clusters.map((c) => c.key)).toEqual(['prod']);
    expect(desired.roles[0].trustPolicy.Statement).toHaveLength(2);
    expect(desired.oidcProviders.map((p) => p.clusters)).toEqual([['iam-only'], ['prod']]);
  });

  test('sorted by cluster, namespace, name across roles', () => {
    const f = file(
      [
        binding('b-role', [
          ['prod', 'b', 'x'],
          ['dev', 'z', 'x'],
        ]),
        binding('a-role', [
          ['prod', 'a', 'y'],
          ['prod', 'b', 'a'],
        ]),
      ],
      { clusters: [cluster('prod'), cluster('dev')] },
    );
    const desired = compileDesiredState(f, context(resolved('prod'), resolved('dev')));
    expect(
      desired.serviceAccounts.map((sa) => `${sa.cluster}/${sa.namespace}/${sa.name}→${sa.role}`),
    ).toEqual(['dev/z/x→b-role', 'prod/a/y→a-role', 'prod/b/a→a-role', 'prod/b/x→b-role']);
    expect(desired.roles.map((r) => r.name)).toEqual(['a-role', 'b-role']);
  });
});

describe('OIDC providers', () => {
  test('clusters sharing an issuer share one provider; client ids are their distinct audiences', () => {
    const shared = 'https://oidc.example.com/id/shared';
    const f = file(
      [
        binding('reader', [
          ['blue', 'ns', 'sa'],
          ['green', 'ns', 'sa'],
          ['other', 'ns', 'sa'],
        ]),
      ],
      {
        clusters: [cluster('green'), cluster('blue'), cluster('other'), cluster('unused')],
      },
    );
    const desired = compileDesiredState(
      f,
      context(
        resolved('green', { issuer: shared, audience: 'sts.amazonaws.com' }),
        resolved('blue', { issuer: shared, audience: 'custom' }),
        resolved('other'),
        resolved('unused', { audience: 'never-used' }),
      ),
    );
    expect(desired.oidcProviders).toEqual([
      {
        arn: 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/other',
        url: 'https://oidc.example.com/id/other',
        clientIds: ['sts.amazonaws.com'],
        clusters: ['other'],
        tags: { 'workload-identity-bindings/owner': OWNER },
      },
      {
        arn: 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/shared',
        url: 'https://oidc.example.com/id/shared',
        clientIds: ['custom', 'sts.amazonaws.com'],
        clusters: ['blue', 'green'],
        tags: { 'workload-identity-bindings/owner': OWNER },
      },
    ]);
    // The trust policy agrees: one statement for the shared issuer, with both audiences.
    const statements = desired.roles[0].trustPolicy.Statement as Array<{
      Condition: { StringEquals: Record<string, unknown> };
    }>;
    expect(statements).toHaveLength(2);
    expect(statements[1].Condition.StringEquals['oidc.example.com/id/shared:aud']).toEqual([
      'custom',
      'sts.amazonaws.com',
    ]);
    // An unused cluster gets no provider but is still a managed cluster (its old ServiceAccounts can go).
    expect(desired.clusters.map((c) => c.key)).toEqual(['blue', 'green', 'other', 'unused']);
  });
});

describe('determinism and purity', () => {
  const build = (reverse: boolean) => {
    const order = <T>(list: T[]) => (reverse ? [...list].reverse() : list);
    const bindings = [
      binding(
        'writer',
        order<[string, string, string]>([
          ['prod', 'b', 'w'],
          ['dev', 'a', 'w'],
          ['dev', 'team-*', 'w'],
        ]),
        {
          tags: order<[string, string]>([
            ['z', '1'],
            ['a', '2'],
          ]).reduce((t, [k, v]) => ({ ...t, [k]: v }), {}),
          managedPolicies: order(['arn:aws:iam::aws:policy/Z', 'arn:aws:iam::aws:policy/A']),
        },
      ),
      binding(
        'reader',
        order<[string, string, string]>([
          ['prod', 'a', 'r'],
          ['dev', 'a', 'r'],
        ]),
      ),
    ];
    return compileDesiredState(
      file(order(bindings), { clusters: order([cluster('prod'), cluster('dev')]) }),
      context(...order([resolved('prod'), resolved('dev')])),
    );
  };

  test('the same file gives the same bytes, whatever order the file lists things in', () => {
    const once = JSON.stringify(build(false));
    expect(JSON.stringify(build(false))).toBe(once);
    expect(JSON.stringify(build(true))).toBe(once);
  });

  test('the result shares no objects with the input', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    };
    const ctx = context(resolved('prod', { trustPolicyTemplate: { Version: '2012-10-17' } }));
    const f = file([binding('reader', [['prod', 'ns', 'sa']], { inlinePolicies: { read: doc } })]);
    const desired = compileDesiredState(f, ctx);
    (desired.roles[0].inlinePolicies.read.Statement as unknown[]).push('changed');
    desired.clusters[0].trustPolicyTemplate!.Version = 'changed';
    expect(doc.Statement).toHaveLength(1);
    expect(ctx.clusters[0].trustPolicyTemplate).toEqual({ Version: '2012-10-17' });
  });
});

describe('errors', () => {
  test('a cluster without a resolved issuer names the cluster', () => {
    const f = file([binding('reader', [['prod', 'ns', 'sa']])], {
      clusters: [cluster('prod'), cluster('cpln')],
    });
    expect(() => compileDesiredState(f, context(resolved('prod')))).toThrow(
      'cluster "cpln" from workload-identity.yaml has no resolved issuer',
    );
  });

  test('a resolved cluster whose host path disagrees with its issuer', () => {
    const f = file([binding('reader', [['prod', 'ns', 'sa']])]);
    expect(() =>
      compileDesiredState(f, context(resolved('prod', { issuerHostPath: 'elsewhere.example.com' }))),
    ).toThrow('does not match issuer');
  });

  test('an account id that is not 12 digits', () => {
    const f = file([binding('reader', [['prod', 'ns', 'sa']])]);
    expect(() => compileDesiredState(f, { ...context(), accountId: '1234' })).toThrow('is not 12 digits');
  });

  test('one ServiceAccount bound to two roles', () => {
    const f = file([binding('one', [['prod', 'ns', 'sa']]), binding('two', [['prod', 'ns', 'sa']])]);
    expect(() => compileDesiredState(f, context())).toThrow('is bound to both "one" and "two"');
  });

  test('role names that differ only in case', () => {
    const f = file([binding('Reader', [['prod', 'ns', 'a']]), binding('reader', [['prod', 'ns', 'b']])]);
    expect(() => compileDesiredState(f, context())).toThrow('same IAM name (IAM ignores case)');
  });
});
