// The IAM readers through the real SDK against the IAM emulator: which roles and OIDC providers are
// read, how their documents are decoded, and how many IAM calls each strategy costs.
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { IamEmulator } from '../../sandbox/iam/index.js';
import { resolveAccountId } from '../../src/aws/account.js';
import { readOidcProviders } from '../../src/aws/read-oidc-providers.js';
import { readRoles } from '../../src/aws/read-roles.js';
import type { ObservedRole } from '../../src/observed/types.js';
import { OWNER_TAG } from '../../src/support/ownership.js';

const ACCOUNT = '123456789012';
const ISSUER = 'oidc.example.com/id/ABC123';
const ROLE_PATH = '/workload-identity/';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'emulator-secret' };

const trustPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          [`${ISSUER}:sub`]: 'system:serviceaccount:data/app:s3 reader',
          [`${ISSUER}:aud`]: 'sts.amazonaws.com',
        },
      },
    },
  ],
};
// Characters that URL encoding must round-trip: spaces, %, +, &, =, quotes, non-ASCII.
const readPolicy = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::bucket/100% a+b&c=d "q" é/*' },
  ],
};
const listPolicy = {
  Version: '2012-10-17',
  Statement: { Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' },
};

const emulator = new IamEmulator({ accountId: ACCOUNT });
let iam: IAMClient;

beforeAll(async () => {
  const url = await emulator.start();
  iam = new IAMClient({ region: 'us-east-1', endpoint: url, credentials, maxAttempts: 1 });
  for (let i = 0; i < 2500; i++) emulator.seedRole({ roleName: `unrelated-${String(i).padStart(4, '0')}` });
  // Unrelated roles under our path too: ListRoles pages over them, the filter drops them.
  for (let i = 0; i < 5; i++)
    emulator.seedRole({ roleName: `neighbour-${i}`, path: ROLE_PATH, tags: { team: 'x' } });
  emulator.seedRole({
    roleName: 's3-reader',
    path: ROLE_PATH,
    assumeRolePolicyDocument: trustPolicy,
    description: 'Reads the data bucket',
    maxSessionDuration: 7200,
    permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/boundary`,
    tags: { [OWNER_TAG]: 'acme/platform', team: 'data' },
    inlinePolicies: { read: readPolicy, list: listPolicy },
    attachedPolicyArns: [
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    ],
  });
  // Owned by someone else's file: still read (the diff decides), although this file does not name it.
  emulator.seedRole({ roleName: 'queue-worker', path: ROLE_PATH, tags: { [OWNER_TAG]: 'other/repo' } });
  // Another team's hand-made role trusting the same issuer (host in capitals, as IAM allows).
  emulator.seedRole({
    roleName: 'team-b-writer',
    path: '/',
    assumeRolePolicyDocument: {
      ...trustPolicy,
      Statement: [
        {
          ...trustPolicy.Statement[0],
          Principal: { Federated: [`arn:aws:iam::${ACCOUNT}:oidc-provider/OIDC.Example.com/id/ABC123`] },
        },
      ],
    },
  });
  // Named by the file, outside the path, untagged (an adoption candidate).
  emulator.seedRole({
    roleName: 'Legacy-App',
    path: '/',
    description: 'hand made',
    maxSessionDuration: 3600,
  });
});

afterAll(async () => {
  iam?.destroy();
  await emulator.stop();
});

beforeEach(() => {
  emulator.server.resetCounters();
  emulator.server.setFaults({});
  for (const action of ['GetAccountAuthorizationDetails', 'GetRole', 'ListRoles']) emulator.allow(action);
});

const query = { roleNames: ['S3-Reader', 'legacy-app', 'ghost'], rolePath: ROLE_PATH };

const expectedS3Reader: ObservedRole = {
  name: 's3-reader',
  path: ROLE_PATH,
  arn: `arn:aws:iam::${ACCOUNT}:role/workload-identity/s3-reader`,
  description: 'Reads the data bucket',
  maxSessionDuration: 7200,
  permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/boundary`,
  trustPolicy,
  managedPolicies: [
    'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    'arn:aws:iam::aws:policy/ReadOnlyAccess',
  ],
  inlinePolicies: { list: listPolicy, read: readPolicy },
  tags: { [OWNER_TAG]: 'acme/platform', team: 'data' },
};

test('GetAccountAuthorizationDetails path: named and owner-tagged roles, decoded, in ⌈R/1000⌉ + 1 + K_out calls', async () => {
  const { roles, strategy } = await readRoles(iam, query);
  expect(strategy).toBe('account-authorization-details');
  expect(roles.map((r) => r.name)).toEqual(['Legacy-App', 'queue-worker', 's3-reader']);
  expect(roles[2]).toEqual(expectedS3Reader);
  expect(Object.keys(roles[2].inlinePolicies)).toEqual(['list', 'read']);
  expect(roles[0]).toEqual({
    name: 'Legacy-App',
    path: '/',
    arn: `arn:aws:iam::${ACCOUNT}:role/Legacy-App`,
    description: 'hand made',
    maxSessionDuration: 3600,
    trustPolicy: expect.objectContaining({ Version: '2012-10-17' }),
    managedPolicies: [],
    inlinePolicies: {},
    tags: {},
  });
  expect(roles[1]).toMatchObject({
    name: 'queue-worker',
    maxSessionDuration: 3600,
    tags: { [OWNER_TAG]: 'other/repo' },
  });
  expect(roles[1].description).toBeUndefined();

  // 2,510 roles → 3 GAAD pages; 2 kept roles under the path → 1 ListRoles page (7 roles there);
  // Legacy-App sits outside the path → 1 GetRole.
  expect(emulator.server.count('GetAccountAuthorizationDetails')).toBe(3);
  expect(emulator.server.count('ListRoles')).toBe(1);
  expect(emulator.server.count('GetRole')).toBe(1);
  expect(emulator.server.totalCalls()).toBe(5);
});

test('every role in the account that federates to an OIDC provider is recorded, whoever owns it', async () => {
  const { providerTrust } = await readRoles(iam, query);
  expect(providerTrust.complete).toBe(true);
  expect(providerTrust.rolesByProvider).toEqual({
    [`arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`]: ['s3-reader'],
    [`arn:aws:iam::${ACCOUNT}:oidc-provider/OIDC.Example.com/id/ABC123`]: ['team-b-writer'],
  });
  // Without GetAccountAuthorizationDetails only the roles under the path are seen: not complete.
  emulator.deny('GetAccountAuthorizationDetails');
  const fallback = await readRoles(iam, query);
  expect(fallback.providerTrust).toEqual({
    rolesByProvider: { [`arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`]: ['s3-reader'] },
    complete: false,
  });
});

test('when GetRole per kept role is cheaper than paging ListRoles under the path, GetRole is used', async () => {
  const calls: string[] = [];
  const { roles } = await readRoles(iam, {
    roleNames: ['s3-reader'],
    rolePath: '/',
    onCall: (op) => calls.push(op),
  });
  // rolePath "/" puts all 2,510 roles under it: 3 ListRoles pages, while the 2 kept roles are 2 GetRoles.
  expect(roles.map((r) => r.name)).toEqual(['queue-worker', 's3-reader']);
  expect(roles[1]).toEqual(expectedS3Reader);
  expect(emulator.server.count('ListRoles')).toBe(0);
  expect(emulator.server.count('GetRole')).toBe(2);
  expect(calls.filter((c) => c === 'GetRole')).toHaveLength(2);
  expect(calls).toHaveLength(emulator.server.totalCalls());
});

test('fallback when GetAccountAuthorizationDetails is denied reads the same roles one by one', async () => {
  const viaDetails = await readRoles(iam, query);
  emulator.server.resetCounters();
  emulator.deny('GetAccountAuthorizationDetails');

  const calls: string[] = [];
  const viaList = await readRoles(iam, { ...query, concurrency: 3, onCall: (op) => calls.push(op) });
  expect(viaList.strategy).toBe('list-roles');
  expect(viaList.roles).toEqual(viaDetails.roles);
  // 1 denied GAAD + 1 ListRoles (7 roles under the path) + 3 ListRoles pages of every role (2,510),
  // because the file names legacy-app and ghost, which are not under the path: Legacy-App is then
  // read by IAM's spelling (the emulator, like IAM may, finds no role named "legacy-app") and ghost
  // needs no GetRole at all. 8 GetRole (7 listed + Legacy-App) + per kept role ListRolePolicies and
  // ListAttachedRolePolicies (3 each) + 2 GetRolePolicy.
  expect(emulator.server.count('GetAccountAuthorizationDetails')).toBe(1);
  expect(emulator.server.count('ListRoles')).toBe(4);
  expect(emulator.server.count('GetRole')).toBe(8);
  expect(emulator.server.count('ListRolePolicies')).toBe(3);
  expect(emulator.server.count('GetRolePolicy')).toBe(2);
  expect(emulator.server.count('ListAttachedRolePolicies')).toBe(3);
  expect(emulator.server.totalCalls()).toBe(21);
  expect(calls).toHaveLength(21);
});

test('a named role that does not exist is absent, not an error', async () => {
  const { roles } = await readRoles(iam, { roleNames: ['ghost'], rolePath: '/nothing-here/' });
  expect(roles).toEqual([
    expect.objectContaining({ name: 'queue-worker' }),
    expect.objectContaining({ name: 's3-reader' }),
  ]);
  emulator.deny('GetAccountAuthorizationDetails');
  const fallback = await readRoles(iam, { roleNames: ['ghost'], rolePath: '/nothing-here/' });
  expect(fallback.roles).toEqual([]);
});

test('errors name the IAM call, the role and the AWS code', async () => {
  emulator.deny('GetRole');
  await expect(readRoles(iam, query)).rejects.toThrow(
    /^IAM GetRole Legacy-App failed: AccessDenied: User: arn:aws:sts::123456789012:assumed-role\/\S+ is not authorized to perform: iam:GetRole on resource: \S+ — allow iam:GetRole for these credentials$/,
  );
  emulator.allow('GetRole');
  emulator.deny('ListRoles');
  await expect(readRoles(iam, query)).rejects.toThrow(
    /^IAM ListRoles under path \/workload-identity\/ failed: AccessDenied: /,
  );
  emulator.server.setFaults({ errorRate: 1 });
  await expect(readRoles(iam, query)).rejects.toThrow(
    /^IAM GetAccountAuthorizationDetails failed: ServiceFailure/,
  );
});

describe('OIDC providers', () => {
  const oidc = new IamEmulator({ accountId: ACCOUNT });
  let client: IAMClient;
  beforeAll(async () => {
    client = new IAMClient({
      region: 'us-east-1',
      endpoint: await oidc.start(),
      credentials,
      maxAttempts: 1,
    });
    oidc.seedOidcProvider({
      url: `https://${ISSUER}`,
      clientIds: ['sts.amazonaws.com', 'a-second'],
      tags: { team: 'x' },
    });
    oidc.seedOidcProvider({ url: 'https://old.example.com/cluster', tags: { [OWNER_TAG]: 'acme/platform' } });
    oidc.seedOidcProvider({ url: 'https://token.actions.githubusercontent.com' });
  });
  afterAll(async () => {
    client?.destroy();
    await oidc.stop();
  });
  beforeEach(() => oidc.server.resetCounters());

  test('a small account: every provider is read, wanted and owned ones are kept', async () => {
    const providers = await readOidcProviders(client, [
      `https://OIDC.example.com/id/ABC123/`,
      'https://missing.example.com',
    ]);
    expect(providers).toEqual([
      {
        arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.example.com/id/ABC123`,
        url: `https://${ISSUER}`,
        clientIds: ['a-second', 'sts.amazonaws.com'],
        tags: { team: 'x' },
      },
      {
        arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/old.example.com/cluster`,
        url: 'https://old.example.com/cluster',
        clientIds: ['sts.amazonaws.com'],
        tags: { [OWNER_TAG]: 'acme/platform' },
      },
    ]);
    expect(oidc.server.count('ListOpenIDConnectProviders')).toBe(1);
    expect(oidc.server.count('GetOpenIDConnectProvider')).toBe(3);
  });

  test('above 20 providers only the wanted ones are read', async () => {
    for (let i = 0; i < 20; i++) oidc.seedOidcProvider({ url: `https://issuer-${i}.example.com` });
    const providers = await readOidcProviders(client, [`https://${ISSUER}`]);
    expect(providers.map((p) => p.url)).toEqual([`https://${ISSUER}`]);
    expect(oidc.server.count('ListOpenIDConnectProviders')).toBe(1);
    expect(oidc.server.count('GetOpenIDConnectProvider')).toBe(1);
  });

  test('a denied read names the call and the provider', async () => {
    oidc.deny('GetOpenIDConnectProvider');
    try {
      await expect(readOidcProviders(client, [`https://${ISSUER}`])).rejects.toThrow(
        `IAM GetOpenIDConnectProvider arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER} failed: AccessDenied`,
      );
    } finally {
      oidc.allow('GetOpenIDConnectProvider');
    }
  });
});

test('resolveAccountId asks STS, and says what to do when it cannot', async () => {
  const sts = new STSClient({ region: 'us-east-1', endpoint: emulator.url, credentials, maxAttempts: 1 });
  try {
    await expect(resolveAccountId(sts)).resolves.toBe(ACCOUNT);
    emulator.deny('GetCallerIdentity');
    await expect(resolveAccountId(sts)).rejects.toThrow(
      /^STS GetCallerIdentity failed \(AccessDenied: .*\): configure AWS credentials /,
    );
    emulator.allow('GetCallerIdentity');
    // The file's account must be the credentials' account.
    await expect(resolveAccountId(sts, { accountId: ACCOUNT })).resolves.toBe(ACCOUNT);
    await expect(resolveAccountId(sts, { accountId: '111111111111', where: 'f.yaml:3:1' })).rejects.toThrow(
      /^f\.yaml:3:1: aws\.accountId is 111111111111, but the AWS credentials belong to account 123456789012 \(arn:aws:sts::123456789012:\S+\) — run with credentials for 111111111111, or correct aws\.accountId\. Nothing was read or changed\.$/,
    );
  } finally {
    emulator.allow('GetCallerIdentity');
    sts.destroy();
  }
});
