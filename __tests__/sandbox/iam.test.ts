// The IAM emulator's role actions, checked through the real @aws-sdk/client-iam: shapes the SDK
// parses, IAM's error codes and statuses, URL-encoded documents, limits and the deny list.
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetAccountAuthorizationDetailsCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  ListRolesCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  UpdateRoleDescriptionCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { IamEmulator } from '../../sandbox/iam/index.js';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' };
const FIXED_NOW = Date.parse('2026-03-01T12:00:00.000Z');
const BOUNDARY = 'arn:aws:iam::123456789012:policy/boundary';
const S3_READ = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';

const trust = (service = 'ec2.amazonaws.com'): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });
const readBucket = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
});

interface Failure {
  name: string;
  message: string;
  status?: number;
}

/** The error the SDK raised, reduced to what IAM's answer carried. */
async function failure(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

const emulator = new IamEmulator({ clock: () => FIXED_NOW });
let iam: IAMClient;

beforeAll(async () => {
  const url = await emulator.start();
  iam = new IAMClient({ endpoint: url, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
});

afterAll(async () => {
  iam.destroy();
  await emulator.stop();
});

test('CreateRole returns the full role and GetRole reads it back with a URL-encoded trust policy', async () => {
  const document = `{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:RequestTag/x": "a&b <c>"}}}]\n}`;
  const created = await iam.send(
    new CreateRoleCommand({
      RoleName: 'app-reader',
      Path: '/workload-identity/',
      AssumeRolePolicyDocument: document,
      Description: 'Reads the app bucket',
      MaxSessionDuration: 7200,
      PermissionsBoundary: BOUNDARY,
      Tags: [
        { Key: 'team', Value: 'platform' },
        { Key: 'empty', Value: '' },
      ],
    }),
  );
  expect(created.Role).toMatchObject({
    RoleName: 'app-reader',
    Path: '/workload-identity/',
    Arn: 'arn:aws:iam::123456789012:role/workload-identity/app-reader',
    Description: 'Reads the app bucket',
    MaxSessionDuration: 7200,
    PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: BOUNDARY },
  });
  expect(created.Role?.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
  expect(created.Role?.CreateDate).toEqual(new Date(FIXED_NOW));
  expect(created.$metadata.requestId).toMatch(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  );

  const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'app-reader' }));
  // IAM answers documents URL-encoded and keeps the submitted text, whitespace included.
  expect(Role?.AssumeRolePolicyDocument).toBe(encodeURIComponent(document));
  expect(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '')).toBe(document);
  expect(Role?.Tags).toEqual([
    { Key: 'team', Value: 'platform' },
    { Key: 'empty', Value: '' },
  ]);
  expect(Role?.RoleLastUsed).toBeDefined();
  expect(emulator.getRoleState('APP-READER')?.assumeRolePolicyDocument).toBe(document);
});

test('role names are unique case-insensitively', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'Unique-Role', AssumeRolePolicyDocument: trust() }));
  const error = await failure(
    iam.send(new CreateRoleCommand({ RoleName: 'unique-role', AssumeRolePolicyDocument: trust() })),
  );
  expect(error).toEqual({
    name: 'EntityAlreadyExistsException',
    message: 'Role with name Unique-Role already exists.',
    status: 409,
  });
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'Unique-Role' }));
  expect(Role?.RoleName).toBe('Unique-Role');
});

// IAM documents that names "are not distinguished by case" for uniqueness, but no page says whether a
// call naming a role in another case finds it; the emulator takes the stricter reading (#20).
test('a role named in another case is not found by any call: NoSuchEntity 404', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'x2', AssumeRolePolicyDocument: trust() }));
  for (const call of [
    iam.send(new GetRoleCommand({ RoleName: 'X2' })),
    iam.send(new UpdateRoleCommand({ RoleName: 'X2', MaxSessionDuration: 7200 })),
    iam.send(new TagRoleCommand({ RoleName: 'X2', Tags: [{ Key: 'k', Value: 'v' }] })),
    iam.send(new DeleteRoleCommand({ RoleName: 'X2' })),
  ]) {
    expect(await failure(call)).toEqual({
      name: 'NoSuchEntityException',
      message: 'The role with name X2 cannot be found.',
      status: 404,
    });
  }
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'x2' }));
  expect([Role?.RoleName, Role?.MaxSessionDuration, Role?.Tags]).toEqual(['x2', 3600, undefined]);
});

test('a missing role answers NoSuchEntity 404', async () => {
  const error = await failure(iam.send(new GetRoleCommand({ RoleName: 'nobody' })));
  expect(error).toEqual({
    name: 'NoSuchEntityException',
    message: 'The role with name nobody cannot be found.',
    status: 404,
  });
});

test('model constraints answer ValidationError 400 naming every violated member', async () => {
  const badName = await failure(
    iam.send(new CreateRoleCommand({ RoleName: 'bad name!', AssumeRolePolicyDocument: trust() })),
  );
  expect(badName.name).toBe('ValidationError');
  expect(badName.status).toBe(400);
  expect(badName.message).toBe(
    "1 validation error detected: Value 'bad name!' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
  );

  const several = await failure(
    iam.send(
      new CreateRoleCommand({
        RoleName: 'x'.repeat(65),
        Path: 'no-slashes',
        AssumeRolePolicyDocument: trust(),
        MaxSessionDuration: 100,
      }),
    ),
  );
  expect(several.message).toMatch(/^3 validation errors detected: /);
  expect(several.message).toContain(
    "at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64",
  );
  expect(several.message).toContain("Value 'no-slashes' at 'path'");
  expect(several.message).toContain(
    "Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
  );

  const longDescription = await failure(
    iam.send(
      new CreateRoleCommand({
        RoleName: 'd',
        AssumeRolePolicyDocument: trust(),
        Description: 'x'.repeat(1001),
      }),
    ),
  );
  expect(longDescription.message).toContain(
    "at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000",
  );

  const badTag = await failure(
    iam.send(
      new CreateRoleCommand({
        RoleName: 't',
        AssumeRolePolicyDocument: trust(),
        Tags: [{ Key: 'k', Value: 'v'.repeat(257) }],
      }),
    ),
  );
  expect(badTag.message).toContain(
    "at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256",
  );

  const duplicateTags = await failure(
    iam.send(
      new CreateRoleCommand({
        RoleName: 't',
        AssumeRolePolicyDocument: trust(),
        Tags: [
          { Key: 'Team', Value: 'a' },
          { Key: 'team', Value: 'b' },
        ],
      }),
    ),
  );
  expect(duplicateTags).toMatchObject({ name: 'InvalidInputException', status: 400 });
  expect(emulator.getRoleState('t')).toBeUndefined();
});

test('trust policy checks: JSON, IAM shape, principals and the ACLSizePerRole quota', async () => {
  const notJson = await failure(
    iam.send(new CreateRoleCommand({ RoleName: 'm', AssumeRolePolicyDocument: '{"Version": ' })),
  );
  expect(notJson).toEqual({
    name: 'MalformedPolicyDocumentException',
    message: 'This policy contains invalid Json',
    status: 400,
  });

  const withResource = JSON.stringify({
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'ec2.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Resource: '*',
      },
    ],
  });
  expect(
    (
      await failure(
        iam.send(new CreateRoleCommand({ RoleName: 'm', AssumeRolePolicyDocument: withResource })),
      )
    ).message,
  ).toBe('Has prohibited field Resource');

  const noPrincipal = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] });
  expect(
    (await failure(iam.send(new CreateRoleCommand({ RoleName: 'm', AssumeRolePolicyDocument: noPrincipal }))))
      .message,
  ).toBe('Missing required field Principal');

  const missingRole = 'arn:aws:iam::123456789012:role/not-there';
  const awsPrincipal = JSON.stringify({
    Statement: [{ Effect: 'Allow', Principal: { AWS: missingRole }, Action: 'sts:AssumeRole' }],
  });
  expect(
    (
      await failure(
        iam.send(new CreateRoleCommand({ RoleName: 'm', AssumeRolePolicyDocument: awsPrincipal })),
      )
    ).message,
  ).toBe(`Invalid principal in policy: "AWS":"${missingRole}"`);

  // 2,048 non-whitespace characters are allowed; whitespace does not count.
  const padded = (length: number): string => {
    const base = JSON.stringify({
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole', Sid: '' },
      ],
    });
    return base.replace('"Sid":""', `"Sid":"${'s'.repeat(length - base.length)}"`);
  };
  expect(padded(2048).length).toBe(2048);
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'at-quota',
      AssumeRolePolicyDocument: padded(2048).replace(/,/g, ',   \n'),
    }),
  );
  const over = await failure(
    iam.send(new CreateRoleCommand({ RoleName: 'over-quota', AssumeRolePolicyDocument: padded(2049) })),
  );
  expect(over).toEqual({
    name: 'LimitExceededException',
    message: 'Cannot exceed quota for ACLSizePerRole: 2048',
    status: 409,
  });

  await iam.send(new CreateRoleCommand({ RoleName: 'trusting', AssumeRolePolicyDocument: trust() }));
  const trusted = JSON.stringify({
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:role/trusting' },
        Action: 'sts:AssumeRole',
      },
    ],
  });
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'at-quota', PolicyDocument: trusted }));
  expect(emulator.getRoleState('at-quota')?.assumeRolePolicyDocument).toBe(trusted);
  expect(
    (
      await failure(
        iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'at-quota', PolicyDocument: '[]' })),
      )
    ).name,
  ).toBe('MalformedPolicyDocumentException');
});

test('the trust policy and PoliciesPerRole quotas are configurable', async () => {
  expect(() => new IamEmulator({ trustPolicySizeLimit: 5000 })).toThrow(/4096/);
  const big = new IamEmulator({ trustPolicySizeLimit: 4096, managedPoliciesPerRole: 1 });
  const url = await big.start();
  const client = new IAMClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  try {
    const document = JSON.stringify({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'ec2.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Sid: 'x'.repeat(3000),
        },
      ],
    });
    await client.send(new CreateRoleCommand({ RoleName: 'big-trust', AssumeRolePolicyDocument: document }));
    expect(big.getRoleState('big-trust')).toBeDefined();
    await client.send(new AttachRolePolicyCommand({ RoleName: 'big-trust', PolicyArn: S3_READ }));
    const quota = await failure(
      client.send(
        new AttachRolePolicyCommand({
          RoleName: 'big-trust',
          PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
        }),
      ),
    );
    expect(quota.message).toBe('Cannot exceed quota for PoliciesPerRole: 1');
  } finally {
    client.destroy();
    await big.stop();
  }
});

test('UpdateRole and UpdateRoleDescription change description and session duration', async () => {
  await iam.send(
    new CreateRoleCommand({ RoleName: 'updatable', AssumeRolePolicyDocument: trust(), Description: 'old' }),
  );
  await iam.send(new UpdateRoleCommand({ RoleName: 'updatable', MaxSessionDuration: 43200 }));
  let role = (await iam.send(new GetRoleCommand({ RoleName: 'updatable' }))).Role;
  expect([role?.Description, role?.MaxSessionDuration]).toEqual(['old', 43200]);

  const updated = await iam.send(
    new UpdateRoleDescriptionCommand({ RoleName: 'updatable', Description: 'new' }),
  );
  expect(updated.Role?.Description).toBe('new');
  await iam.send(new UpdateRoleCommand({ RoleName: 'updatable', Description: '' }));
  role = (await iam.send(new GetRoleCommand({ RoleName: 'updatable' }))).Role;
  expect(role?.Description).toBeUndefined();

  const tooLong = await failure(
    iam.send(new UpdateRoleCommand({ RoleName: 'updatable', MaxSessionDuration: 43201 })),
  );
  expect(tooLong).toMatchObject({ name: 'ValidationError', status: 400 });
  expect(tooLong.message).toContain('Member must have value less than or equal to 43200');
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#id_tags_rules_creating: role tag keys
// are "not case sensitive, but case is preserved … you add the department=hr tag, it replaces the
// first tag. A second tag is not added."
test('tags: TagRole merges case-insensitively, UntagRole removes, ListRoleTags pages sorted by key, quota 50', async () => {
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'tagged',
      AssumeRolePolicyDocument: trust(),
      Tags: [{ Key: 'Team', Value: 'a' }],
    }),
  );
  await iam.send(
    new TagRoleCommand({
      RoleName: 'tagged',
      Tags: [
        { Key: 'team', Value: 'b' },
        { Key: 'cost', Value: '1' },
        { Key: 'app', Value: 'x' },
      ],
    }),
  );
  const first = await iam.send(new ListRoleTagsCommand({ RoleName: 'tagged', MaxItems: 2 }));
  expect(first.Tags).toEqual([
    { Key: 'app', Value: 'x' },
    { Key: 'cost', Value: '1' },
  ]);
  expect(first.IsTruncated).toBe(true);
  const second = await iam.send(
    new ListRoleTagsCommand({ RoleName: 'tagged', MaxItems: 2, Marker: first.Marker }),
  );
  expect([second.Tags, second.IsTruncated, second.Marker]).toEqual([
    [{ Key: 'team', Value: 'b' }],
    false,
    undefined,
  ]);

  await iam.send(new UntagRoleCommand({ RoleName: 'tagged', TagKeys: ['COST', 'missing'] }));
  expect(emulator.getRoleState('tagged')?.tags.map((t) => t.Key)).toEqual(['team', 'app']);

  const many = Array.from({ length: 48 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  await iam.send(new TagRoleCommand({ RoleName: 'tagged', Tags: many }));
  const over = await failure(
    iam.send(new TagRoleCommand({ RoleName: 'tagged', Tags: [{ Key: 'one-too-many', Value: '' }] })),
  );
  expect(over).toEqual({
    name: 'LimitExceededException',
    message: 'Cannot exceed quota for TagsPerRole: 50',
    status: 409,
  });
});

test('managed policies: attach, list, detach, unknown ARNs and the PoliciesPerRole quota', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'attached', AssumeRolePolicyDocument: trust() }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'attached', PolicyArn: S3_READ }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'attached', PolicyArn: S3_READ }));
  await iam.send(
    new AttachRolePolicyCommand({
      RoleName: 'attached',
      PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    }),
  );
  const listed = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'attached' }));
  expect(listed.AttachedPolicies).toEqual([
    { PolicyName: 'AmazonS3ReadOnlyAccess', PolicyArn: S3_READ },
    {
      PolicyName: 'AWSLambdaBasicExecutionRole',
      PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    },
  ]);
  const underPath = await iam.send(
    new ListAttachedRolePoliciesCommand({ RoleName: 'attached', PathPrefix: '/service-role/' }),
  );
  expect(underPath.AttachedPolicies?.map((p) => p.PolicyName)).toEqual(['AWSLambdaBasicExecutionRole']);

  const unknownAws = 'arn:aws:iam::aws:policy/NoSuchAwsPolicy';
  expect(
    await failure(iam.send(new AttachRolePolicyCommand({ RoleName: 'attached', PolicyArn: unknownAws }))),
  ).toEqual({
    name: 'NoSuchEntityException',
    message: `Policy ${unknownAws} does not exist or is not attachable.`,
    status: 404,
  });
  // Customer policies in the account are accepted by default, except does-not-exist* and removed ones.
  await iam.send(
    new AttachRolePolicyCommand({
      RoleName: 'attached',
      PolicyArn: 'arn:aws:iam::123456789012:policy/team/app-policy',
    }),
  );
  const doesNotExist = await failure(
    iam.send(
      new AttachRolePolicyCommand({
        RoleName: 'attached',
        PolicyArn: 'arn:aws:iam::123456789012:policy/does-not-exist-1',
      }),
    ),
  );
  expect(doesNotExist.name).toBe('NoSuchEntityException');
  emulator.removeManagedPolicy('arn:aws:iam::123456789012:policy/retired');
  expect(
    (
      await failure(
        iam.send(
          new AttachRolePolicyCommand({
            RoleName: 'attached',
            PolicyArn: 'arn:aws:iam::123456789012:policy/retired',
          }),
        ),
      )
    ).name,
  ).toBe('NoSuchEntityException');
  emulator.addManagedPolicy('arn:aws:iam::123456789012:policy/retired');
  await iam.send(
    new AttachRolePolicyCommand({
      RoleName: 'attached',
      PolicyArn: 'arn:aws:iam::123456789012:policy/retired',
    }),
  );
  expect(
    (await failure(iam.send(new AttachRolePolicyCommand({ RoleName: 'attached', PolicyArn: 'not-an-arn' }))))
      .name,
  ).toBe('InvalidInputException');
  const otherAccount = await failure(
    iam.send(
      new AttachRolePolicyCommand({
        RoleName: 'attached',
        PolicyArn: 'arn:aws:iam::210987654321:policy/theirs',
      }),
    ),
  );
  expect(otherAccount.name).toBe('NoSuchEntityException');

  for (let i = 0; i < 6; i += 1)
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: 'attached',
        PolicyArn: `arn:aws:iam::123456789012:policy/p${i}`,
      }),
    );
  expect(emulator.getRoleState('attached')?.attachedPolicyArns).toHaveLength(10);
  const quota = await failure(
    iam.send(
      new AttachRolePolicyCommand({
        RoleName: 'attached',
        PolicyArn: 'arn:aws:iam::123456789012:policy/p10',
      }),
    ),
  );
  expect(quota).toEqual({
    name: 'LimitExceededException',
    message: 'Cannot exceed quota for PoliciesPerRole: 10',
    status: 409,
  });

  await iam.send(new DetachRolePolicyCommand({ RoleName: 'attached', PolicyArn: S3_READ }));
  expect(emulator.getRoleState('attached')?.attachedPolicyArns).not.toContain(S3_READ);
  expect(
    await failure(iam.send(new DetachRolePolicyCommand({ RoleName: 'attached', PolicyArn: S3_READ }))),
  ).toMatchObject({
    name: 'NoSuchEntityException',
    message: `Policy ${S3_READ} was not found.`,
  });
});

test('inline policies: put, get (URL-encoded), list, delete, malformed documents and the size quota', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'inline', AssumeRolePolicyDocument: trust() }));
  await iam.send(
    new PutRolePolicyCommand({ RoleName: 'inline', PolicyName: 'read-bucket', PolicyDocument: readBucket }),
  );
  await iam.send(
    new PutRolePolicyCommand({ RoleName: 'inline', PolicyName: 'another', PolicyDocument: readBucket }),
  );
  const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'inline', PolicyName: 'read-bucket' }));
  expect(got).toMatchObject({
    RoleName: 'inline',
    PolicyName: 'read-bucket',
    PolicyDocument: encodeURIComponent(readBucket),
  });
  expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'inline' }))).PolicyNames).toEqual([
    'another',
    'read-bucket',
  ]);

  const withPrincipal = JSON.stringify({
    Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }],
  });
  expect(
    await failure(
      iam.send(
        new PutRolePolicyCommand({ RoleName: 'inline', PolicyName: 'bad', PolicyDocument: withPrincipal }),
      ),
    ),
  ).toEqual({
    name: 'MalformedPolicyDocumentException',
    message: 'Policy document should not specify a principal.',
    status: 400,
  });
  expect(
    (
      await failure(
        iam.send(new PutRolePolicyCommand({ RoleName: 'inline', PolicyName: 'bad', PolicyDocument: 'nope' })),
      )
    ).message,
  ).toBe('Syntax errors in policy.');
  const badName = await failure(
    iam.send(
      new PutRolePolicyCommand({ RoleName: 'inline', PolicyName: 'bad name', PolicyDocument: readBucket }),
    ),
  );
  expect(badName.name).toBe('ValidationError');
  expect(badName.message).toContain("at 'policyName'");

  // The quota counts all inline policies of the role together, whitespace excluded.
  const sized = (chars: number): string => {
    const base = JSON.stringify({
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::' }],
    });
    return base.replace('arn:aws:s3:::', `arn:aws:s3:::${'r'.repeat(chars - base.length)}`);
  };
  const used = readBucket.length * 2;
  await iam.send(
    new PutRolePolicyCommand({ RoleName: 'inline', PolicyName: 'big', PolicyDocument: sized(10240 - used) }),
  );
  const over = await failure(
    iam.send(
      new PutRolePolicyCommand({
        RoleName: 'inline',
        PolicyName: 'big',
        PolicyDocument: sized(10241 - used),
      }),
    ),
  );
  expect(over).toEqual({
    name: 'LimitExceededException',
    message: 'Maximum policy size of 10240 bytes exceeded for role inline',
    status: 409,
  });

  await iam.send(new DeleteRolePolicyCommand({ RoleName: 'inline', PolicyName: 'another' }));
  expect(
    await failure(iam.send(new GetRolePolicyCommand({ RoleName: 'inline', PolicyName: 'another' }))),
  ).toMatchObject({
    name: 'NoSuchEntityException',
    message: 'The role policy with name another cannot be found.',
  });
  expect(
    (await failure(iam.send(new DeleteRolePolicyCommand({ RoleName: 'inline', PolicyName: 'another' }))))
      .name,
  ).toBe('NoSuchEntityException');
});

test('permissions boundary: put, delete, unknown policy', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'bounded', AssumeRolePolicyDocument: trust() }));
  await iam.send(
    new PutRolePermissionsBoundaryCommand({ RoleName: 'bounded', PermissionsBoundary: BOUNDARY }),
  );
  expect(
    (await iam.send(new GetRoleCommand({ RoleName: 'bounded' }))).Role?.PermissionsBoundary
      ?.PermissionsBoundaryArn,
  ).toBe(BOUNDARY);
  const missing = 'arn:aws:iam::123456789012:policy/does-not-exist-boundary';
  expect(
    await failure(
      iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'bounded', PermissionsBoundary: missing })),
    ),
  ).toEqual({
    name: 'NoSuchEntityException',
    message: `Scope ARN: ${missing} does not exist or is not attachable.`,
    status: 404,
  });
  await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'bounded' }));
  await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'bounded' }));
  expect(
    (await iam.send(new GetRoleCommand({ RoleName: 'bounded' }))).Role?.PermissionsBoundary,
  ).toBeUndefined();
});

test('DeleteRole answers DeleteConflict while policies remain, then deletes', async () => {
  await iam.send(new CreateRoleCommand({ RoleName: 'doomed', AssumeRolePolicyDocument: trust() }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'doomed', PolicyArn: S3_READ }));
  await iam.send(
    new PutRolePolicyCommand({ RoleName: 'doomed', PolicyName: 'inline', PolicyDocument: readBucket }),
  );
  expect(await failure(iam.send(new DeleteRoleCommand({ RoleName: 'doomed' })))).toEqual({
    name: 'DeleteConflictException',
    message: 'Cannot delete entity, must detach all policies first.',
    status: 409,
  });
  await iam.send(new DetachRolePolicyCommand({ RoleName: 'doomed', PolicyArn: S3_READ }));
  expect((await failure(iam.send(new DeleteRoleCommand({ RoleName: 'doomed' })))).message).toBe(
    'Cannot delete entity, must delete policies first.',
  );
  await iam.send(new DeleteRolePolicyCommand({ RoleName: 'doomed', PolicyName: 'inline' }));
  await iam.send(new DeleteRoleCommand({ RoleName: 'doomed' }));
  expect(emulator.getRoleState('doomed')).toBeUndefined();
  expect((await failure(iam.send(new DeleteRoleCommand({ RoleName: 'doomed' })))).name).toBe(
    'NoSuchEntityException',
  );
});

test('ListRoles filters by path and leaves out tags and boundary, as IAM does', async () => {
  emulator.seedRole({
    roleName: 'listed-a',
    path: '/listing/',
    tags: { team: 'x' },
    permissionsBoundary: BOUNDARY,
    description: 'A',
    maxSessionDuration: 7200,
  });
  emulator.seedRole({ roleName: 'listed-b', path: '/listing/deeper/' });
  emulator.seedRole({ roleName: 'listed-c', path: '/elsewhere/' });
  const { Roles, IsTruncated } = await iam.send(new ListRolesCommand({ PathPrefix: '/listing/' }));
  expect(Roles?.map((r) => r.RoleName)).toEqual(['listed-a', 'listed-b']);
  expect(IsTruncated).toBe(false);
  expect(Roles?.[0]).toMatchObject({ Description: 'A', MaxSessionDuration: 7200 });
  expect(Roles?.[0].Tags).toBeUndefined();
  expect(Roles?.[0].PermissionsBoundary).toBeUndefined();
  const tooMany = await failure(iam.send(new ListRolesCommand({ MaxItems: 1001 })));
  expect(tooMany.message).toContain(
    "Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000",
  );
});

test('GetAccountAuthorizationDetails returns RoleDetail with policies, tags and boundary', async () => {
  const inline = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }],
  };
  const seeded = emulator.seedRole({
    roleName: 'detailed',
    path: '/detail/',
    tags: [{ Key: 'workload-identity-bindings/owner', Value: 'acme/platform' }],
    permissionsBoundary: BOUNDARY,
    inlinePolicies: { send: inline },
    attachedPolicyArns: [S3_READ],
    description: 'not in RoleDetail',
    lastUsed: { date: new Date('2026-02-01T00:00:00Z'), region: 'eu-west-1' },
  });
  const details = await iam.send(
    new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'], MaxItems: 1000 }),
  );
  const detail = details.RoleDetailList?.find((r) => r.RoleName === 'detailed');
  expect(detail).toEqual({
    Path: '/detail/',
    RoleName: 'detailed',
    RoleId: seeded.roleId,
    Arn: 'arn:aws:iam::123456789012:role/detail/detailed',
    CreateDate: new Date(FIXED_NOW),
    AssumeRolePolicyDocument: encodeURIComponent(seeded.assumeRolePolicyDocument),
    InstanceProfileList: [],
    RolePolicyList: [{ PolicyName: 'send', PolicyDocument: encodeURIComponent(JSON.stringify(inline)) }],
    AttachedManagedPolicies: [{ PolicyName: 'AmazonS3ReadOnlyAccess', PolicyArn: S3_READ }],
    PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: BOUNDARY },
    Tags: [{ Key: 'workload-identity-bindings/owner', Value: 'acme/platform' }],
    RoleLastUsed: { LastUsedDate: new Date('2026-02-01T00:00:00Z'), Region: 'eu-west-1' },
  });
  expect(details.UserDetailList).toEqual([]);
  expect(details.Policies).toEqual([]);
  const plain = details.RoleDetailList?.find((r) => r.RoleName === 'listed-b');
  expect(plain?.RolePolicyList).toEqual([]);
  expect(plain?.Tags).toEqual([]);

  const usersOnly = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['User'] }));
  expect(usersOnly.RoleDetailList).toEqual([]);
  const badFilter = await failure(
    iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Robot' as 'Role'] })),
  );
  expect(badFilter.name).toBe('ValidationError');
});

test('deny() answers AccessDenied 403 naming the caller and the action until allow()', async () => {
  emulator.deny('GetAccountAuthorizationDetails');
  emulator.deny('GetRole');
  try {
    expect(await failure(iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] })))).toEqual({
      name: 'AccessDenied',
      message:
        'User: arn:aws:sts::123456789012:assumed-role/workload-identity-ci/emulator is not authorized to perform: iam:GetAccountAuthorizationDetails on resource: *',
      status: 403,
    });
    const role = await failure(iam.send(new GetRoleCommand({ RoleName: 'detailed' })));
    expect(role.message).toContain('iam:GetRole on resource: arn:aws:iam::123456789012:role/detail/detailed');
  } finally {
    emulator.allow('GetAccountAuthorizationDetails');
    emulator.allow('GetRole');
  }
  await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'], MaxItems: 1 }));
});

test('counters count requests by IAM action with the mutating flag', async () => {
  emulator.server.resetCounters();
  await iam.send(new CreateRoleCommand({ RoleName: 'counted', AssumeRolePolicyDocument: trust() }));
  await iam.send(new GetRoleCommand({ RoleName: 'counted' }));
  await iam.send(new GetRoleCommand({ RoleName: 'counted' }));
  await failure(iam.send(new GetRoleCommand({ RoleName: 'not-counted-role' })));
  await iam.send(new TagRoleCommand({ RoleName: 'counted', Tags: [{ Key: 'a', Value: 'b' }] }));
  expect(emulator.server.counters()).toEqual([
    { operation: 'CreateRole', mutating: true, count: 1 },
    { operation: 'GetRole', mutating: false, count: 3 },
    { operation: 'TagRole', mutating: true, count: 1 },
  ]);
  expect(emulator.server.totalCalls({ mutating: true })).toBe(2);
  expect(emulator.server.totalCalls({ mutating: false })).toBe(3);
});

test('eventual consistency: a new role reads as missing until newRoleInvisibleForMs has passed', async () => {
  let now = FIXED_NOW;
  const lagging = new IamEmulator({ newRoleInvisibleForMs: 2000, clock: () => now });
  const url = await lagging.start();
  const client = new IAMClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  try {
    await client.send(new CreateRoleCommand({ RoleName: 'fresh', AssumeRolePolicyDocument: trust() }));
    expect((await failure(client.send(new GetRoleCommand({ RoleName: 'fresh' })))).name).toBe(
      'NoSuchEntityException',
    );
    expect(
      (await failure(client.send(new AttachRolePolicyCommand({ RoleName: 'fresh', PolicyArn: S3_READ }))))
        .name,
    ).toBe('NoSuchEntityException');
    expect((await client.send(new ListRolesCommand({}))).Roles).toEqual([]);
    // Uniqueness is checked against every role, visible or not.
    expect(
      (
        await failure(
          client.send(new CreateRoleCommand({ RoleName: 'fresh', AssumeRolePolicyDocument: trust() })),
        )
      ).name,
    ).toBe('EntityAlreadyExistsException');
    now += 2000;
    expect((await client.send(new GetRoleCommand({ RoleName: 'fresh' }))).Role?.RoleName).toBe('fresh');
  } finally {
    client.destroy();
    await lagging.stop();
  }
});

test('STS GetCallerIdentity is served on the same endpoint', async () => {
  const sts = new STSClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('123456789012');
    expect(identity.Arn).toBe('arn:aws:sts::123456789012:assumed-role/workload-identity-ci/emulator');
    expect(identity.UserId).toMatch(/^AROA[A-Z2-7]{17}:emulator$/);
    expect(emulator.server.count('GetCallerIdentity')).toBeGreaterThanOrEqual(1);
  } finally {
    sts.destroy();
  }
});

test('the account id is configurable', async () => {
  const other = new IamEmulator({ accountId: '210987654321' });
  const url = await other.start();
  const client = new IAMClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  const sts = new STSClient({ endpoint: url, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
  try {
    const { Role } = await client.send(
      new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: trust() }),
    );
    expect(Role?.Arn).toBe('arn:aws:iam::210987654321:role/r');
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('210987654321');
  } finally {
    client.destroy();
    sts.destroy();
    await other.stop();
  }
  expect(() => new IamEmulator({ accountId: '42' })).toThrow(/12 digits/);
});

describe('fidelity fixes (#20)', () => {
  const webIdentity = (action: unknown): string =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: action }],
    });
  const malformedAction = {
    name: 'MalformedPolicyDocumentException',
    message:
      'Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML, and sts:AssumeRoleWithWebIdentity',
    status: 400,
  };

  test('a trust policy may only name the STS assume actions, on CreateRole and on UpdateAssumeRolePolicy', async () => {
    for (const action of ['s3:GetObject', 'sts:AssumeRoleWebIdentity', ['sts:AssumeRole', 'iam:PassRole']]) {
      expect(
        await failure(
          iam.send(
            new CreateRoleCommand({ RoleName: 'bad-action', AssumeRolePolicyDocument: webIdentity(action) }),
          ),
        ),
      ).toEqual(malformedAction);
    }
    expect(emulator.getRoleState('bad-action')).toBeUndefined();
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'good-action',
        AssumeRolePolicyDocument: webIdentity(['sts:AssumeRole', 'sts:TagSession', 'STS:SetSourceIdentity']),
      }),
    );
    expect(
      await failure(
        iam.send(
          new UpdateAssumeRolePolicyCommand({
            RoleName: 'good-action',
            PolicyDocument: webIdentity('s3:GetObject'),
          }),
        ),
      ),
    ).toEqual(malformedAction);
    // A wildcard that stands for an assume action is accepted.
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: 'good-action',
        PolicyDocument: webIdentity('sts:AssumeRole*'),
      }),
    );
    await iam.send(new DeleteRoleCommand({ RoleName: 'good-action' }));
  });

  test('ListRoles: a PathPrefix that does not start with "/" is a ValidationError', async () => {
    expect(await failure(iam.send(new ListRolesCommand({ PathPrefix: 'workload-identity/' })))).toEqual({
      name: 'ValidationError',
      message:
        "1 validation error detected: Value 'workload-identity/' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*",
      status: 400,
    });
    expect((await iam.send(new ListRolesCommand({ PathPrefix: '/workload-identity/' }))).Roles).toBeDefined();
  });
});
