// The IAM emulator's OpenID Connect provider actions through the real SDK, and the trust policy
// check that ties roles to providers: IAM refuses a Federated principal naming a provider that
// does not exist (or is not visible yet).
import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
  IAMClient,
  ListOpenIDConnectProviderTagsCommand,
  ListOpenIDConnectProvidersCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand,
  TagOpenIDConnectProviderCommand,
  UntagOpenIDConnectProviderCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
} from '@aws-sdk/client-iam';
import { IamEmulator } from '../../sandbox/iam/index.js';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' };
const ISSUER = 'oidc.cluster.example.com/id/ABC123';
const PROVIDER_ARN = `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`;
const THUMBPRINT = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280';

const webIdentityTrust = (providerArn: string): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${ISSUER}:sub`]: 'system:serviceaccount:apps:reader',
            [`${ISSUER}:aud`]: 'sts.amazonaws.com',
          },
        },
      },
    ],
  });

async function failure(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

const emulator = new IamEmulator();
let iam: IAMClient;

beforeAll(async () => {
  iam = new IAMClient({
    endpoint: await emulator.start(),
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
});

afterAll(async () => {
  iam.destroy();
  await emulator.stop();
});

test('a web identity trust policy naming a provider that does not exist is refused', async () => {
  const error = await failure(
    iam.send(
      new CreateRoleCommand({ RoleName: 'reader', AssumeRolePolicyDocument: webIdentityTrust(PROVIDER_ARN) }),
    ),
  );
  expect(error).toEqual({
    name: 'MalformedPolicyDocumentException',
    message: `Invalid principal in policy: "Federated":"${PROVIDER_ARN}"`,
    status: 400,
  });
});

test('CreateOpenIDConnectProvider stores the URL without https:// and answers the ARN', async () => {
  const created = await iam.send(
    new CreateOpenIDConnectProviderCommand({
      Url: `https://${ISSUER}`,
      ClientIDList: ['sts.amazonaws.com'],
      Tags: [{ Key: 'workload-identity-bindings/owner', Value: 'acme/platform' }],
    }),
  );
  expect(created.OpenIDConnectProviderArn).toBe(PROVIDER_ARN);
  expect(created.Tags).toEqual([{ Key: 'workload-identity-bindings/owner', Value: 'acme/platform' }]);

  const provider = await iam.send(
    new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: PROVIDER_ARN }),
  );
  expect(provider).toMatchObject({
    Url: ISSUER,
    ClientIDList: ['sts.amazonaws.com'],
    ThumbprintList: [],
    Tags: [{ Key: 'workload-identity-bindings/owner', Value: 'acme/platform' }],
  });
  expect(provider.CreateDate).toBeInstanceOf(Date);

  const duplicate = await failure(
    iam.send(new CreateOpenIDConnectProviderCommand({ Url: `https://${ISSUER}`, ClientIDList: ['x'] })),
  );
  expect(duplicate).toEqual({
    name: 'EntityAlreadyExistsException',
    message: `Provider with url https://${ISSUER} already exists.`,
    status: 409,
  });

  // Now the same trust policy is accepted.
  await iam.send(
    new CreateRoleCommand({ RoleName: 'reader', AssumeRolePolicyDocument: webIdentityTrust(PROVIDER_ARN) }),
  );
  expect(emulator.getRoleState('reader')?.assumeRolePolicyDocument).toBe(webIdentityTrust(PROVIDER_ARN));
});

test('providers of other accounts and malformed provider input are refused', async () => {
  const foreign = `arn:aws:iam::210987654321:oidc-provider/${ISSUER}`;
  const error = await failure(
    iam.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: 'reader', PolicyDocument: webIdentityTrust(foreign) }),
    ),
  );
  expect(error.message).toBe(`Invalid principal in policy: "Federated":"${foreign}"`);

  expect(
    (await failure(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'http://insecure.example.com' }))))
      .name,
  ).toBe('InvalidInputException');
  const badThumbprint = await failure(
    iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: 'https://t.example.com', ThumbprintList: ['abc'] }),
    ),
  );
  expect(badThumbprint).toMatchObject({ name: 'ValidationError', status: 400 });
  expect(badThumbprint.message).toContain(
    "Value 'abc' at 'thumbprintList.1.member' failed to satisfy constraint: Member must have length 40",
  );
  expect(
    (
      await failure(
        iam.send(
          new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: 'not-an-arn-at-all-really' }),
        ),
      )
    ).name,
  ).toBe('InvalidInputException');
  const missing = 'arn:aws:iam::123456789012:oidc-provider/missing.example.com';
  expect(
    await failure(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: missing }))),
  ).toEqual({
    name: 'NoSuchEntityException',
    message: `OpenIDConnect Provider not found for arn ${missing}`,
    status: 404,
  });
});

test('client ids, thumbprints and tags can be changed; ListOpenIDConnectProviders lists ARNs', async () => {
  await iam.send(
    new AddClientIDToOpenIDConnectProviderCommand({
      OpenIDConnectProviderArn: PROVIDER_ARN,
      ClientID: 'vault',
    }),
  );
  await iam.send(
    new AddClientIDToOpenIDConnectProviderCommand({
      OpenIDConnectProviderArn: PROVIDER_ARN,
      ClientID: 'vault',
    }),
  );
  await iam.send(
    new RemoveClientIDFromOpenIDConnectProviderCommand({
      OpenIDConnectProviderArn: PROVIDER_ARN,
      ClientID: 'absent',
    }),
  );
  await iam.send(
    new UpdateOpenIDConnectProviderThumbprintCommand({
      OpenIDConnectProviderArn: PROVIDER_ARN,
      ThumbprintList: [THUMBPRINT],
    }),
  );
  await iam.send(
    new TagOpenIDConnectProviderCommand({
      OpenIDConnectProviderArn: PROVIDER_ARN,
      Tags: [
        { Key: 'env', Value: 'prod' },
        { Key: 'cluster', Value: 'c1' },
      ],
    }),
  );
  await iam.send(
    new UntagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: PROVIDER_ARN, TagKeys: ['env'] }),
  );
  const provider = await iam.send(
    new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: PROVIDER_ARN }),
  );
  expect(provider.ClientIDList).toEqual(['sts.amazonaws.com', 'vault']);
  expect(provider.ThumbprintList).toEqual([THUMBPRINT]);
  const tags = await iam.send(
    new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: PROVIDER_ARN }),
  );
  expect(tags.Tags).toEqual([
    { Key: 'cluster', Value: 'c1' },
    { Key: 'workload-identity-bindings/owner', Value: 'acme/platform' },
  ]);
  expect(tags.IsTruncated).toBe(false);

  emulator.seedOidcProvider({ url: 'https://other.example.com', clientIds: ['sts.amazonaws.com'] });
  const listed = await iam.send(new ListOpenIDConnectProvidersCommand({}));
  expect(listed.OpenIDConnectProviderList).toEqual([
    { Arn: PROVIDER_ARN },
    { Arn: 'arn:aws:iam::123456789012:oidc-provider/other.example.com' },
  ]);
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html: "The URL is
// case-sensitive." https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#id_tags_rules_creating:
// tag keys of OpenID Connect identity providers are case sensitive ("you can have separate Costcenter
// and costcenter tag keys").
test('provider URLs are case-sensitive: a host in another case is another provider (#20)', async () => {
  const lower = await iam.send(
    new CreateOpenIDConnectProviderCommand({ Url: 'https://case.example.com/id/C', ClientIDList: ['a'] }),
  );
  const upper = await iam.send(
    new CreateOpenIDConnectProviderCommand({ Url: 'https://CASE.example.com/id/C', ClientIDList: ['b'] }),
  );
  expect(upper.OpenIDConnectProviderArn).toBe(
    'arn:aws:iam::123456789012:oidc-provider/CASE.example.com/id/C',
  );
  expect(lower.OpenIDConnectProviderArn).not.toBe(upper.OpenIDConnectProviderArn);
  const read = await iam.send(
    new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: upper.OpenIDConnectProviderArn }),
  );
  expect([read.Url, read.ClientIDList]).toEqual(['CASE.example.com/id/C', ['b']]);
  // A role may name either; a third spelling names no provider.
  const missing = await failure(
    iam.send(
      new CreateRoleCommand({
        RoleName: 'case-role',
        AssumeRolePolicyDocument: webIdentityTrust(
          'arn:aws:iam::123456789012:oidc-provider/Case.example.com/id/C',
        ),
      }),
    ),
  );
  expect(missing).toMatchObject({ name: 'MalformedPolicyDocumentException', status: 400 });
  for (const arn of [lower.OpenIDConnectProviderArn, upper.OpenIDConnectProviderArn])
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
});

test('provider tag keys are case-sensitive: Costcenter and costcenter are two tags (#20)', async () => {
  const { OpenIDConnectProviderArn: arn } = await iam.send(
    new CreateOpenIDConnectProviderCommand({ Url: 'https://tags-case.example.com', ClientIDList: ['a'] }),
  );
  await iam.send(
    new TagOpenIDConnectProviderCommand({
      OpenIDConnectProviderArn: arn,
      Tags: [{ Key: 'Costcenter', Value: '1234' }],
    }),
  );
  await iam.send(
    new TagOpenIDConnectProviderCommand({
      OpenIDConnectProviderArn: arn,
      Tags: [{ Key: 'costcenter', Value: '5678' }],
    }),
  );
  const both = await iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn }));
  expect(both.Tags).toEqual([
    { Key: 'Costcenter', Value: '1234' },
    { Key: 'costcenter', Value: '5678' },
  ]);
  await iam.send(
    new UntagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, TagKeys: ['COSTCENTER'] }),
  );
  await iam.send(
    new UntagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, TagKeys: ['costcenter'] }),
  );
  const left = await iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn }));
  expect(left.Tags).toEqual([{ Key: 'Costcenter', Value: '1234' }]);
  await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
});

test('DeleteOpenIDConnectProvider is idempotent', async () => {
  const arn = 'arn:aws:iam::123456789012:oidc-provider/other.example.com';
  await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
  await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
  expect(emulator.listOidcProviderArns()).toEqual([PROVIDER_ARN]);
  expect(emulator.getOidcProviderState(`https://${ISSUER}`)?.clientIds).toEqual([
    'sts.amazonaws.com',
    'vault',
  ]);
});

test('eventual consistency: a just-created provider is not yet a valid principal', async () => {
  let now = 1_000_000;
  const lagging = new IamEmulator({ newOidcProviderInvisibleForMs: 5000, clock: () => now });
  const client = new IAMClient({
    endpoint: await lagging.start(),
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  try {
    const { OpenIDConnectProviderArn } = await client.send(
      new CreateOpenIDConnectProviderCommand({
        Url: `https://${ISSUER}`,
        ClientIDList: ['sts.amazonaws.com'],
      }),
    );
    const early = await failure(
      client.send(
        new CreateRoleCommand({
          RoleName: 'reader',
          AssumeRolePolicyDocument: webIdentityTrust(PROVIDER_ARN),
        }),
      ),
    );
    expect(early.message).toBe(`Invalid principal in policy: "Federated":"${OpenIDConnectProviderArn}"`);
    now += 5000;
    await client.send(
      new CreateRoleCommand({ RoleName: 'reader', AssumeRolePolicyDocument: webIdentityTrust(PROVIDER_ARN) }),
    );
    expect(lagging.getRoleState('reader')).toBeDefined();
  } finally {
    client.destroy();
    await lagging.stop();
  }
});
