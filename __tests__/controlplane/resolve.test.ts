// Control Plane clusters: issuer and audience lookup, add-on check, token and lookup errors, and the
// trust-policy template comparison — through the real fetch against the Control Plane emulator.
import type { BindingsFile, ClusterConfig } from '../../src/bindings/types.js';
import { checkTrustPolicyTemplate } from '../../src/controlplane/template-check.js';
import { compileDesiredState } from '../../src/desired/compile.js';
import { resolveClusters } from '../../src/engine/resolve-clusters.js';
import { ControlPlaneEmulator } from '../../sandbox/controlplane/emulator.js';

const TOKEN = 'cpln-secret-token-value';
const cp = new ControlPlaneEmulator({ tokens: { [TOKEN]: ['acme'] } });

beforeAll(async () => {
  await cp.start();
  cp.addCluster({
    org: 'acme',
    name: 'prod',
    oidcProviderUrl: 'https://oidc.cpln.io/prod-123/',
    serverUrl: 'https://127.0.0.1:1',
    caPem: 'PEM',
    addOn: true,
  });
  cp.addCluster({
    org: 'acme',
    name: 'stage',
    oidcProviderUrl: 'https://oidc.cpln.io/stage-9',
    serverUrl: 'https://127.0.0.1:2',
    caPem: 'PEM',
    addOn: true,
    audience: 'custom-aud',
  });
  cp.addCluster({
    org: 'acme',
    name: 'bare',
    oidcProviderUrl: 'https://oidc.cpln.io/bare',
    serverUrl: 'https://127.0.0.1:3',
    caPem: 'PEM',
    addOn: false,
  });
});
afterAll(() => cp.stop());
beforeEach(() => cp.resetCounters());

const at = { file: 'w.yaml', line: 1, col: 1 };
function cluster(key: string, rest: Partial<ClusterConfig>): ClusterConfig {
  return { key, kubernetes: {}, location: at, ...rest };
}
function file(clusters: ClusterConfig[]): BindingsFile {
  return {
    path: 'w.yaml',
    version: 1,
    owner: 'acme/platform',
    aws: { accountId: '123456789012', rolePath: '/workload-identity/', tags: {} },
    clusters,
    bindings: [
      {
        role: 'app',
        serviceAccounts: clusters.map((c) => ({
          cluster: c.key,
          namespace: 'default',
          name: 'app',
          location: at,
        })),
        managedPolicies: [],
        inlinePolicies: {},
        maxSessionDuration: 3600,
        tags: {},
        serviceAccountAnnotations: {},
        adopt: false,
        location: at,
      },
    ],
  };
}

test('resolves issuer (trailing slash dropped) and audience, one lookup per cluster, concurrently', async () => {
  const f = file([
    cluster('prod', { controlPlane: { org: 'acme', cluster: 'prod' } }),
    cluster('stage', { controlPlane: { org: 'acme', cluster: 'stage' } }),
    cluster('stage-iam', {
      controlPlane: { org: 'acme', cluster: 'stage' },
      audience: 'file-aud',
      kubernetes: false,
    }),
    cluster('eks', { issuer: 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC' }),
  ]);
  const { clusters } = await resolveClusters(f, { endpoint: cp.url, token: TOKEN });
  expect(clusters.map((c) => [c.key, c.issuer, c.issuerHostPath, c.audience, c.kubernetes])).toEqual([
    [
      'prod',
      'https://oidc.cpln.io/prod-123',
      'oidc.cpln.io/prod-123',
      'sts.amazonaws.com',
      { controlPlane: { org: 'acme', cluster: 'prod' } },
    ],
    [
      'stage',
      'https://oidc.cpln.io/stage-9',
      'oidc.cpln.io/stage-9',
      'custom-aud',
      { controlPlane: { org: 'acme', cluster: 'stage' } },
    ],
    ['stage-iam', 'https://oidc.cpln.io/stage-9', 'oidc.cpln.io/stage-9', 'file-aud', false],
    [
      'eks',
      'https://oidc.eks.us-east-1.amazonaws.com/id/ABC',
      'oidc.eks.us-east-1.amazonaws.com/id/ABC',
      'sts.amazonaws.com',
      { context: undefined },
    ],
  ]);
  // stage is referenced twice but looked up once.
  expect(cp.count('get mk8s')).toBe(2);
});

test('accepts the token with a Bearer prefix too', async () => {
  const { clusters } = await resolveClusters(
    file([cluster('prod', { controlPlane: { org: 'acme', cluster: 'prod' } })]),
    { endpoint: cp.url, token: `Bearer ${TOKEN}` },
  );
  expect(clusters[0].issuer).toBe('https://oidc.cpln.io/prod-123');
});

test('add-on disabled: names the cluster and how to enable it', async () => {
  const run = resolveClusters(file([cluster('bare', { controlPlane: { org: 'acme', cluster: 'bare' } })]), {
    endpoint: cp.url,
    token: TOKEN,
  });
  await expect(run).rejects.toThrow(
    /cluster "bare": Control Plane cluster acme\/bare does not have the AWS Workload Identity add-on enabled.*spec\.addOns\.awsWorkloadIdentity: \{\}/,
  );
});

test('an issuer or audience from Control Plane with a policy variable or wildcard is refused before it reaches IAM (#13)', async () => {
  cp.addCluster({
    org: 'acme',
    name: 'odd-issuer',
    oidcProviderUrl: 'https://oidc.cpln.io/${aws:username}',
    serverUrl: 'https://127.0.0.1:4',
    caPem: 'PEM',
    addOn: true,
  });
  cp.addCluster({
    org: 'acme',
    name: 'odd-audience',
    oidcProviderUrl: 'https://oidc.cpln.io/odd',
    serverUrl: 'https://127.0.0.1:5',
    caPem: 'PEM',
    addOn: true,
    audience: 'sts.*',
  });
  for (const [name, message] of [
    [
      'odd-issuer',
      /cluster "c": Control Plane cluster acme\/odd-issuer reports a value IAM must not get: issuer .* contains "\$\{"/,
    ],
    [
      'odd-audience',
      /cluster "c": Control Plane cluster acme\/odd-audience reports a value IAM must not get: audience "sts\.\*" contains the wildcard/,
    ],
  ] as const) {
    const run = resolveClusters(file([cluster('c', { controlPlane: { org: 'acme', cluster: name } })]), {
      endpoint: cp.url,
      token: TOKEN,
    });
    await expect(run).rejects.toThrow(message);
  }
});

test('bad token: 401 names org and cluster, never the token', async () => {
  const error = await resolveClusters(
    file([cluster('prod', { controlPlane: { org: 'acme', cluster: 'prod' } })]),
    { endpoint: cp.url, token: 'wrong-token-xyz' },
  ).then(
    () => new Error('expected a rejection'),
    (e: unknown) => e as Error,
  );
  expect(error).toBeInstanceOf(Error);
  expect(error.message).toMatch(/cluster "prod".*\/org\/acme\/mk8s\/prod.*401.*token was rejected/);
  expect(error.message).not.toContain('wrong-token-xyz');
});

test('token of another org: 403 explains the permission', async () => {
  cp.addToken('other-org-token', ['globex']);
  await expect(
    resolveClusters(file([cluster('prod', { controlPlane: { org: 'acme', cluster: 'prod' } })]), {
      endpoint: cp.url,
      token: 'other-org-token',
    }),
  ).rejects.toThrow(/403.*grant/);
});

test('unknown cluster: the 403 says what to check, covering both readings (#20)', async () => {
  await expect(
    resolveClusters(file([cluster('x', { controlPlane: { org: 'acme', cluster: 'nope' } })]), {
      endpoint: cp.url,
      token: TOKEN,
    }),
  ).rejects.toThrow(
    /cluster "x".*403: no cluster "nope" in org "acme", or the token may not view it \(or was rejected\)\. Check controlPlane\.org and controlPlane\.cluster/,
  );
});

test('no token: says where to set it, before any request', async () => {
  await expect(
    resolveClusters(file([cluster('prod', { controlPlane: { org: 'acme', cluster: 'prod' } })]), {
      endpoint: cp.url,
    }),
  ).rejects.toThrow(/cpln-token input or the CPLN_TOKEN/);
  expect(cp.totalCalls()).toBe(0);
});

test('unreachable endpoint: names the endpoint and the cause', async () => {
  const closed = new ControlPlaneEmulator();
  const url = await closed.start();
  await closed.stop();
  const error = await resolveClusters(
    file([cluster('prod', { controlPlane: { org: 'acme', cluster: 'prod' } })]),
    { endpoint: url, token: TOKEN },
  ).then(
    () => new Error('expected a rejection'),
    (e: unknown) => e as Error,
  );
  expect(error.message).toContain(`cannot reach ${url} (ECONNREFUSED)`);
});

test('template check: matching template gives no warning; a different condition key gives one', async () => {
  const f = file([cluster('prod', { controlPlane: { org: 'acme', cluster: 'prod' } })]);
  const resolved = await resolveClusters(f, { endpoint: cp.url, token: TOKEN });
  const desired = compileDesiredState(f, { accountId: '123456789012', clusters: resolved.clusters });
  expect(checkTrustPolicyTemplate(desired.roles[0], resolved.clusters[0], '123456789012')).toBeUndefined();

  cp.addCluster({
    org: 'acme',
    name: 'odd',
    oidcProviderUrl: 'https://oidc.cpln.io/odd',
    serverUrl: 'https://127.0.0.1:4',
    caPem: 'PEM',
    addOn: true,
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::<ACCOUNT_ID>:oidc-provider/oidc.cpln.io/odd' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'oidc.cpln.io/odd:sub': 'system:serviceaccount:<NAMESPACE>:<SERVICE_ACCOUNT>',
              'oidc.cpln.io/odd:azp': 'x',
            },
          },
        },
      ],
    },
  });
  const odd = file([cluster('odd', { controlPlane: { org: 'acme', cluster: 'odd' } })]);
  const r2 = await resolveClusters(odd, { endpoint: cp.url, token: TOKEN });
  const d2 = compileDesiredState(odd, { accountId: '123456789012', clusters: r2.clusters });
  const warning = checkTrustPolicyTemplate(d2.roles[0], r2.clusters[0], '123456789012');
  expect(warning).toMatchObject({ code: 'trust-policy-template-mismatch', address: 'role.app' });
  expect(warning?.message).toMatch(
    /condition keys oidc\.cpln\.io\/odd:azp,oidc\.cpln\.io\/odd:sub vs ours oidc\.cpln\.io\/odd:aud,oidc\.cpln\.io\/odd:sub/,
  );
});

describe('what the Control Plane sources leave open (#20)', () => {
  beforeAll(() => {
    cp.addCluster({
      org: 'acme',
      name: 'schemeless',
      // No public source shows a real status.oidcProviderUrl: it may come without the scheme.
      oidcProviderUrl: 'oidc.cpln.io/schemeless-7',
      serverUrl: 'https://127.0.0.1:4',
      caPem: 'PEM',
      addOn: true,
    });
    cp.addCluster({
      org: 'acme',
      name: 'pending',
      oidcProviderUrl: 'https://oidc.cpln.io/pending',
      serverUrl: 'https://127.0.0.1:5',
      caPem: 'PEM',
      addOn: 'pending',
      ready: { ready: false, message: 'awsWorkloadIdentity: waiting for the OIDC provider' },
    });
  });

  test('an issuer with or without https:// resolves to the same https form', async () => {
    const { clusters } = await resolveClusters(
      file([
        cluster('bare-host', { controlPlane: { org: 'acme', cluster: 'schemeless' } }),
        cluster('with-scheme', { controlPlane: { org: 'acme', cluster: 'stage' } }),
      ]),
      { endpoint: cp.url, token: TOKEN },
    );
    expect(clusters.map((c) => [c.key, c.issuer, c.issuerHostPath])).toEqual([
      ['bare-host', 'https://oidc.cpln.io/schemeless-7', 'oidc.cpln.io/schemeless-7'],
      ['with-scheme', 'https://oidc.cpln.io/stage-9', 'oidc.cpln.io/stage-9'],
    ]);
  });

  test('an add-on enabled in the spec without status yet is "enabled, not ready yet", with -ready’s message', async () => {
    await expect(
      resolveClusters(file([cluster('p', { controlPlane: { org: 'acme', cluster: 'pending' } })]), {
        endpoint: cp.url,
        token: TOKEN,
      }),
    ).rejects.toThrow(
      'cluster "p": the AWS Workload Identity add-on of Control Plane cluster acme/pending is enabled, not ready yet (Control Plane says: awsWorkloadIdentity: waiting for the OIDC provider)',
    );
    // Only a spec without the add-on says "not enabled".
    await expect(
      resolveClusters(file([cluster('b', { controlPlane: { org: 'acme', cluster: 'bare' } })]), {
        endpoint: cp.url,
        token: TOKEN,
      }),
    ).rejects.toThrow('does not have the AWS Workload Identity add-on enabled');
  });
});

describe('trust-policy template compared by meaning (#20)', () => {
  // No public source shows a real Control Plane template (see /work/shared/README.md), so these are
  // variants of the documented IRSA shape, not a real template passed off as one.
  const issuer = 'oidc.cpln.io/prod-123';
  const provider = `arn:aws:iam::<ACCOUNT_ID>:oidc-provider/${issuer}`;
  async function warningFor(trustPolicy: Record<string, unknown>) {
    cp.addCluster({
      org: 'acme',
      name: 'variant',
      oidcProviderUrl: `https://${issuer}`,
      serverUrl: 'https://127.0.0.1:6',
      caPem: 'PEM',
      addOn: true,
      trustPolicy: trustPolicy as never,
    });
    const f = file([cluster('variant', { controlPlane: { org: 'acme', cluster: 'variant' } })]);
    const resolved = await resolveClusters(f, { endpoint: cp.url, token: TOKEN });
    const desired = compileDesiredState(f, { accountId: '123456789012', clusters: resolved.clusters });
    return checkTrustPolicyTemplate(desired.roles[0], resolved.clusters[0], '123456789012');
  }

  test('layout is never a difference: one statement object, StringLike, lists, key order', async () => {
    expect(
      await warningFor({
        Statement: {
          Condition: {
            StringLike: { [`${issuer}:sub`]: ['system:serviceaccount:<NAMESPACE>:*'] },
            StringEquals: { [`${issuer}:aud`]: ['sts.amazonaws.com'] },
          },
          Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
          Principal: { Federated: provider },
          Effect: 'Allow',
        },
        Version: '2012-10-17',
      }),
    ).toBeUndefined();
  });

  test('a real difference warns: another audience, a subject the template does not admit, another provider', async () => {
    const base = (aud: string, sub: string, federated = provider) => ({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: federated },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${issuer}:aud`]: aud, [`${issuer}:sub`]: sub } },
        },
      ],
    });
    expect(
      (await warningFor(base('other-aud', 'system:serviceaccount:<NAMESPACE>:<SERVICE_ACCOUNT>')))?.message,
    ).toContain('audience other-aud vs ours sts.amazonaws.com');
    expect(
      (await warningFor(base('sts.amazonaws.com', 'system:serviceaccount:kube-system:<SERVICE_ACCOUNT>')))
        ?.message,
    ).toContain("the template's subject does not admit system:serviceaccount:default:app");
    expect(
      (
        await warningFor(
          base(
            'sts.amazonaws.com',
            'system:serviceaccount:<NAMESPACE>:<SERVICE_ACCOUNT>',
            'arn:aws:iam::<ACCOUNT_ID>:oidc-provider/elsewhere',
          ),
        )
      )?.message,
    ).toContain('principal arn:aws:iam::123456789012:oidc-provider/elsewhere vs ours');
  });
});
