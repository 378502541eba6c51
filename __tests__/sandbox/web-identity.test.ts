// The sandbox's IRSA chain checked with real clients: the Kubernetes emulator signs TokenRequest
// tokens (client-node's createNamespacedServiceAccountToken) and serves OIDC discovery + JWKS; the
// STS emulator (the SDK's STSClient, no credentials) validates AssumeRoleWithWebIdentity as AWS
// does and answers each failure with AWS's code and wording.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import {
  AssumeRoleWithWebIdentityCommand,
  ExpiredTokenException,
  IDPCommunicationErrorException,
  InvalidIdentityTokenException,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { IamEmulator } from '../../sandbox/iam/emulator.js';
import { KubeEmulator, kubeconfigFor } from '../../sandbox/kube/emulator.js';

const ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/TESTCLUSTER';
const HOST = ISSUER.replace('https://', '');
const ACCOUNT = '123456789012';
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${HOST}`;

function trust(sub: string, aud = 'sts.amazonaws.com', operator = 'StringEquals'): object {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: PROVIDER_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition:
          operator === 'StringEquals'
            ? { StringEquals: { [`${HOST}:aud`]: aud, [`${HOST}:sub`]: sub } }
            : { StringEquals: { [`${HOST}:aud`]: aud }, [operator]: { [`${HOST}:sub`]: sub } },
      },
    ],
  };
}

let now = Date.UTC(2026, 10, 30, 12, 0, 0);
const kube = new KubeEmulator({
  issuer: ISSUER,
  now: () => new Date(now),
  namespaces: ['default', 'orders'],
});
const iam = new IamEmulator({ clock: () => now, region: 'eu-west-1' });
let api: CoreV1Api;
let sts: STSClient;

beforeAll(async () => {
  await Promise.all([kube.start(), iam.start()]);
  iam.routeIssuer(ISSUER, kube.url);
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigFor(kube));
  api = kc.makeApiClient(CoreV1Api);
  // No credentials at all: AssumeRoleWithWebIdentity is an unsigned call.
  sts = new STSClient({
    endpoint: iam.url,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: () => Promise.reject(new Error('no credentials should be needed')),
  });
});
afterAll(async () => {
  sts.destroy();
  await Promise.all([kube.stop(), iam.stop()]);
});
beforeEach(() => {
  now = Date.UTC(2026, 10, 30, 12, 0, 0);
  kube.seedServiceAccount({ namespace: 'orders', name: 'orders-api' });
  iam.seedOidcProvider({ url: ISSUER, clientIds: ['sts.amazonaws.com'] });
  iam.seedRole({
    roleName: 'orders-writer',
    path: '/workload-identity/',
    assumeRolePolicyDocument: trust('system:serviceaccount:orders:orders-api'),
  });
});

async function token(namespace = 'orders', name = 'orders-api', audiences = ['sts.amazonaws.com']) {
  const answer = await api.createNamespacedServiceAccountToken({
    namespace,
    name,
    body: { spec: { audiences, expirationSeconds: 600 } },
  });
  return answer.status?.token ?? '';
}

function assume(webIdentityToken: string, roleName = 'orders-writer') {
  return sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/workload-identity/${roleName}`,
      RoleSessionName: 'verify',
      WebIdentityToken: webIdentityToken,
    }),
  );
}

async function failure(promise: Promise<unknown>): Promise<STSServiceException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof STSServiceException) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const claims = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;

test('TokenRequest returns an RS256 token with the claims the API server sets', async () => {
  const answer = await api.createNamespacedServiceAccountToken({
    namespace: 'orders',
    name: 'orders-api',
    body: { spec: { audiences: ['sts.amazonaws.com'], expirationSeconds: 600 } },
  });
  const jwt = answer.status?.token ?? '';
  const header = JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString('utf8')) as { alg: string };
  expect(header.alg).toBe('RS256');
  const body = claims(jwt);
  const iat = Math.floor(now / 1000);
  expect(body).toMatchObject({
    iss: ISSUER,
    sub: 'system:serviceaccount:orders:orders-api',
    aud: ['sts.amazonaws.com'],
    iat,
    exp: iat + 600,
    'kubernetes.io': { namespace: 'orders', serviceaccount: { name: 'orders-api' } },
  });
  expect(answer.status!.expirationTimestamp).toEqual(new Date((iat + 600) * 1000));
});

test('TokenRequest: unknown ServiceAccount is 404, a read-only user is 403, under 10 minutes is 422', async () => {
  await expect(token('orders', 'nobody')).rejects.toMatchObject({ code: 404 });
  await expect(
    api.createNamespacedServiceAccountToken({
      namespace: 'orders',
      name: 'orders-api',
      body: { spec: { audiences: ['sts.amazonaws.com'], expirationSeconds: 60 } },
    }),
  ).rejects.toMatchObject({ code: 422, body: expect.stringContaining('less than 10 minutes') });
  const readOnly = new KubeEmulator({ readOnlyToken: 'viewer' });
  await readOnly.start();
  try {
    readOnly.seedServiceAccount({ namespace: 'default', name: 'app' });
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfigFor(readOnly, { token: 'viewer' }));
    await expect(
      kc.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
        namespace: 'default',
        name: 'app',
        body: { spec: { audiences: ['sts.amazonaws.com'] } },
      }),
    ).rejects.toMatchObject({
      code: 403,
      body: expect.stringContaining('cannot create resource \\"serviceaccounts/token\\"'),
    });
  } finally {
    await readOnly.stop();
  }
});

test('the issuer serves discovery and a JWKS holding the signing key, without authentication', async () => {
  const discovery = (await (await fetch(`${kube.url}/.well-known/openid-configuration`)).json()) as {
    issuer: string;
    jwks_uri: string;
  };
  expect(discovery).toMatchObject({ issuer: ISSUER, jwks_uri: `${ISSUER}/openid/v1/jwks` });
  const jwks = (await (await fetch(`${kube.url}/openid/v1/jwks`)).json()) as { keys: Array<{ kid: string }> };
  const header = JSON.parse(Buffer.from((await token()).split('.')[0], 'base64url').toString('utf8')) as {
    kid: string;
  };
  expect(jwks.keys.map((k) => k.kid)).toEqual([header.kid]);
});

test('a valid token assumes the role and STS records RoleLastUsed', async () => {
  const answer = await assume(await token());
  expect(answer.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/orders-writer/verify`);
  expect(answer.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  expect(answer.Credentials?.Expiration).toEqual(new Date(now + 3600 * 1000));
  expect(answer.SubjectFromWebIdentityToken).toBe('system:serviceaccount:orders:orders-api');
  expect(answer.Audience).toBe('sts.amazonaws.com');
  expect(answer.Provider).toBe(HOST);
  expect(iam.getRoleState('orders-writer')?.lastUsed).toEqual({ date: new Date(now), region: 'eu-west-1' });
});

test('StringLike subjects admit matching ServiceAccounts', async () => {
  iam.seedRole({
    roleName: 'orders-writer',
    path: '/workload-identity/',
    assumeRolePolicyDocument: trust('system:serviceaccount:orders:*', 'sts.amazonaws.com', 'StringLike'),
  });
  await expect(assume(await token())).resolves.toBeDefined();
});

test('issuer not registered as an OIDC provider: InvalidIdentityToken naming the issuer', async () => {
  expect(iam.deleteOidcProviderState(ISSUER)).toBe(true);
  const error = await failure(assume(await token()));
  expect(error).toBeInstanceOf(InvalidIdentityTokenException);
  expect(error.message).toBe(`No OpenIDConnect provider found in your account for ${ISSUER}`);
});

// The token's iss must equal the provider URL, and IAM provider URLs are case-sensitive ("The URL is
// case-sensitive", https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html):
// a provider registered with the host in another case is not this token's provider (#20).
test('a provider whose URL differs from the token iss only in host case does not match it', async () => {
  expect(iam.deleteOidcProviderState(ISSUER)).toBe(true);
  const upper = ISSUER.replace('oidc.eks.us-east-1.amazonaws.com', 'OIDC.EKS.us-east-1.amazonaws.com');
  iam.seedOidcProvider({ url: upper, clientIds: ['sts.amazonaws.com'] });
  const error = await failure(assume(await token()));
  expect(error).toBeInstanceOf(InvalidIdentityTokenException);
  expect(error.message).toBe(`No OpenIDConnect provider found in your account for ${ISSUER}`);
  expect(iam.deleteOidcProviderState(upper)).toBe(true);
});

test('audience not among the provider client ids: InvalidIdentityToken "Incorrect token audience"', async () => {
  const error = await failure(assume(await token('orders', 'orders-api', ['sts.amazon.com'])));
  expect(error).toBeInstanceOf(InvalidIdentityTokenException);
  expect(error.message).toBe('Incorrect token audience');
});

test('trust policy for another ServiceAccount: AccessDenied', async () => {
  kube.seedServiceAccount({ namespace: 'billing', name: 'orders-api' });
  const error = await failure(assume(await token('billing', 'orders-api')));
  expect(error.name).toBe('AccessDenied');
  expect(error.$metadata.httpStatusCode).toBe(403);
  expect(error.message).toBe('Not authorized to perform sts:AssumeRoleWithWebIdentity');
});

test('trust policy pinned to another audience: AccessDenied even though the provider accepts the token', async () => {
  iam.seedOidcProvider({ url: ISSUER, clientIds: ['sts.amazonaws.com', 'other'] });
  const error = await failure(assume(await token('orders', 'orders-api', ['other'])));
  expect(error.name).toBe('AccessDenied');
});

test('role that does not exist: AccessDenied', async () => {
  const error = await failure(assume(await token(), 'no-such-role'));
  expect(error.name).toBe('AccessDenied');
});

test('expired token: ExpiredTokenException', async () => {
  const jwt = await token();
  now += 601 * 1000;
  const error = await failure(assume(jwt));
  expect(error).toBeInstanceOf(ExpiredTokenException);
  expect(error.message).toMatch(
    /^Token expired: current date\/time \d+ must be before the expiration date\/time\d+$/,
  );
});

test('issuer unreachable: IDPCommunicationError', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const other = 'https://oidc.unreachable.example.com/id/X';
  const cluster = new KubeEmulator({ issuer: other });
  await cluster.start();
  try {
    cluster.seedServiceAccount({ namespace: 'orders', name: 'orders-api' });
    iam.seedOidcProvider({ url: other });
    iam.routeIssuer(other, `http://127.0.0.1:${port}`);
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfigFor(cluster));
    const answer = await kc.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
      namespace: 'orders',
      name: 'orders-api',
      body: { spec: { audiences: ['sts.amazonaws.com'], expirationSeconds: 600 } },
    });
    const error = await failure(assume(answer.status?.token ?? ''));
    expect(error).toBeInstanceOf(IDPCommunicationErrorException);
  } finally {
    await cluster.stop();
  }
});

test('discovery answering 404 or a JWKS without the key: InvalidIdentityToken (verification key)', async () => {
  const notFound: Server = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => notFound.listen(0, '127.0.0.1', resolve));
  const other = 'https://oidc.private.example.com/id/P';
  const cluster = new KubeEmulator({ issuer: other });
  await cluster.start();
  try {
    cluster.seedServiceAccount({ namespace: 'orders', name: 'orders-api' });
    iam.seedOidcProvider({ url: other });
    iam.routeIssuer(other, `http://127.0.0.1:${(notFound.address() as AddressInfo).port}`);
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfigFor(cluster));
    const jwt =
      (
        await kc.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
          namespace: 'orders',
          name: 'orders-api',
          body: { spec: { audiences: ['sts.amazonaws.com'], expirationSeconds: 600 } },
        })
      ).status?.token ?? '';
    let error = await failure(assume(jwt));
    expect(error).toBeInstanceOf(InvalidIdentityTokenException);
    expect(error.message).toMatch(/^Couldn't retrieve verification key from your identity provider/);
    // Served now, but the key that signed the token was rotated out of the JWKS.
    iam.routeIssuer(other, cluster.url);
    cluster.tokens.rotate();
    error = await failure(assume(jwt));
    expect(error.message).toMatch(/^Couldn't retrieve verification key from your identity provider/);
  } finally {
    await cluster.stop();
    await new Promise<void>((resolve) => notFound.close(() => resolve()));
  }
});

test('a token whose claims were altered fails signature verification', async () => {
  const [header, , signature] = (await token()).split('.');
  const forged = Buffer.from(
    JSON.stringify({ ...claims(await token()), sub: 'system:serviceaccount:kube-system:admin' }),
  ).toString('base64url');
  const error = await failure(assume(`${header}.${forged}.${signature}`));
  expect(error).toBeInstanceOf(InvalidIdentityTokenException);
  expect(error.message).toMatch(/could not be validated by AWS/);
});

test('not a JWT: InvalidIdentityToken', async () => {
  const error = await failure(assume('not-a-token'));
  expect(error).toBeInstanceOf(InvalidIdentityTokenException);
  expect(error.message).toMatch(/not a valid JWT/);
});

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).error === undefined;
(hasKubectl ? test : test.skip)('kubectl create token gets a token STS accepts', async () => {
  const cluster = new KubeEmulator({ https: true, issuer: ISSUER, now: () => new Date(now) });
  await cluster.start();
  const dir = mkdtempSync(join(tmpdir(), 'wib-token-'));
  try {
    cluster.seedServiceAccount({ namespace: 'orders', name: 'orders-api' });
    iam.routeIssuer(ISSUER, cluster.url, cluster.caPem);
    writeFileSync(join(dir, 'kubeconfig'), kubeconfigFor(cluster));
    const { stdout } = await promisify(execFile)(
      'kubectl',
      ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache')]
        .concat(['create', 'token', 'orders-api', '-n', 'orders', '--audience', 'sts.amazonaws.com'])
        .concat(['--duration', '10m']),
      { env: { PATH: process.env.PATH ?? '', HOME: dir }, timeout: 20000 },
    );
    expect(claims(stdout.trim())).toMatchObject({
      sub: 'system:serviceaccount:orders:orders-api',
      iss: ISSUER,
    });
    const answer = await assume(stdout.trim());
    expect(answer.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/orders-writer/verify`);
  } finally {
    iam.routeIssuer(ISSUER, kube.url);
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
