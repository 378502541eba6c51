// Import round trip against the emulators through the real clients: roles made by hand (from the
// Control Plane trust-policy template), by eksctl (CloudFormation path and tags) and by Terraform's
// IRSA module (StringEquals aud + StringLike sub), plus roles import must leave out. The imported
// file validates, is stable, plans to ownership changes only, applies, and re-plans to nothing.
import {
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
} from '@aws-sdk/client-iam';
import { loadBindingsText } from '../../src/bindings/load.js';
import { runImport } from '../../src/engine/import.js';
import { Session } from '../../src/engine/session.js';
import { OWNER_TAG } from '../../src/support/ownership.js';
import { ACCOUNT, startSandbox, type ApplySandbox } from '../apply/sandbox.js';
import { kubeconfigFor } from '../../sandbox/kube/emulator.js';

const ISSUER_HOST = 'oidc.example.com/id/ABC';
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_HOST}`;
const OWNER = 'acme/migrated';

const trust = (condition: object, extra: object[] = []) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: PROVIDER },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: condition,
    },
    ...extra,
  ],
});

let box: ApplySandbox;
let session: Session;

beforeAll(async () => {
  box = await startSandbox();
  process.env.AWS_ENDPOINT_URL_IAM = box.iamEmulator.url;
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'x';
  process.env.AWS_REGION = 'us-east-1';
  session = new Session({ kubeconfigText: kubeconfigFor(box.kubeEmulator, { context: 'prod' }) });
  await box.iam.send(
    new CreateOpenIDConnectProviderCommand({
      Url: `https://${ISSUER_HOST}`,
      ClientIDList: ['sts.amazonaws.com'],
    }),
  );
  // 1. By hand, from the Control Plane template: aws iam create-role + attach-role-policy.
  await box.iam.send(
    new CreateRoleCommand({
      RoleName: 'orders-reader',
      Description: 'Reads the orders bucket',
      AssumeRolePolicyDocument: JSON.stringify(
        trust({
          StringEquals: {
            [`${ISSUER_HOST}:sub`]: 'system:serviceaccount:orders:reader',
            [`${ISSUER_HOST}:aud`]: 'sts.amazonaws.com',
          },
        }),
      ),
    }),
  );
  await box.iam.send(
    new AttachRolePolicyCommand({
      RoleName: 'orders-reader',
      PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    }),
  );
  // 2. eksctl create iamserviceaccount: a CloudFormation stack's role with eksctl's tags.
  box.iamEmulator.seedRole({
    roleName: 'eksctl-prod-addon-iamserviceaccount-kube-sy-Role1-1A2B3C4D5E6F',
    assumeRolePolicyDocument: trust({
      StringEquals: {
        [`${ISSUER_HOST}:aud`]: 'sts.amazonaws.com',
        [`${ISSUER_HOST}:sub`]: 'system:serviceaccount:kube-system:aws-node',
      },
    }),
    attachedPolicyArns: ['arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy'],
    tags: {
      'alpha.eksctl.io/cluster-name': 'prod',
      'alpha.eksctl.io/iamserviceaccount-name': 'kube-system/aws-node',
      'alpha.eksctl.io/eksctl-version': '0.190.0',
      'aws:cloudformation:stack-name': 'eksctl-prod-addon-iamserviceaccount-kube-system-aws-node',
    },
  });
  // 3. Terraform's iam-role-for-service-accounts-eks module: StringEquals aud, StringLike sub.
  box.iamEmulator.seedRole({
    roleName: 'payments-irsa',
    description: 'IRSA for payments workers',
    maxSessionDuration: 7200,
    assumeRolePolicyDocument: trust({
      StringEquals: { [`${ISSUER_HOST}:aud`]: 'sts.amazonaws.com' },
      StringLike: {
        [`${ISSUER_HOST}:sub`]: [
          'system:serviceaccount:payments:worker-*',
          'system:serviceaccount:payments:api',
        ],
      },
    }),
    inlinePolicies: {
      'queue-access': {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
            Resource: 'arn:aws:sqs:*:123456789012:payments',
          },
        ],
      },
    },
    tags: { team: 'payments', 'terraform-module': 'iam-role-for-service-accounts-eks' },
  });
  // Left out: a Deny statement, a condition other than sub/aud, another owner's role, no OIDC at all.
  box.iamEmulator.seedRole({
    roleName: 'with-deny',
    assumeRolePolicyDocument: trust(
      { StringEquals: { [`${ISSUER_HOST}:sub`]: 'system:serviceaccount:a:b' } },
      [{ Effect: 'Deny', Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity' }],
    ),
  });
  box.iamEmulator.seedRole({
    roleName: 'with-amr',
    assumeRolePolicyDocument: trust({
      StringEquals: { [`${ISSUER_HOST}:sub`]: 'system:serviceaccount:a:b', [`${ISSUER_HOST}:amr`]: 'x' },
    }),
  });
  box.iamEmulator.seedRole({
    roleName: 'other-team',
    assumeRolePolicyDocument: trust({
      StringEquals: { [`${ISSUER_HOST}:sub`]: 'system:serviceaccount:x:y' },
    }),
    tags: { [OWNER_TAG]: 'acme/someone-else' },
  });
  box.iamEmulator.seedRole({
    roleName: 'ec2-instance',
    assumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
  });
});

afterAll(async () => {
  session.close();
  await box.stop();
});

test('import → validate → plan (ownership only) → apply → re-plan (nothing) → import again picks the owner', async () => {
  const calls: string[] = [];
  const first = await runImport(session, { owner: OWNER, onCall: (c) => calls.push(c) });
  if ('error' in first) throw new Error(first.error);
  // The plan's read budget: GAAD pages, one ListRoles page set, ListOpenIDConnectProviders.
  expect(calls.sort()).toEqual(['GetAccountAuthorizationDetails', 'ListOpenIDConnectProviders', 'ListRoles']);
  expect(first.imported.bindings.map((b) => b.role)).toEqual([
    'eksctl-prod-addon-iamserviceaccount-kube-sy-Role1-1A2B3C4D5E6F',
    'orders-reader',
    'payments-irsa',
  ]);
  expect(first.imported.skipped).toEqual([
    { role: 'other-team', reason: 'owned by "acme/someone-else" (its owner tag), not "acme/migrated"' },
    { role: 'with-amr', reason: expect.stringContaining(`condition on ${ISSUER_HOST}:amr`) },
    { role: 'with-deny', reason: 'trust statement 2 is a Deny statement' },
  ]);
  expect(first.text).toMatch(/^# yaml-language-server: \$schema=\.\/workload-identity\.schema\.json$/m);
  expect(first.text).toContain('with-deny: trust statement 2 is a Deny statement');
  expect(first.text).toContain('alpha.eksctl.io/cluster-name');
  expect(first.text).not.toContain('aws:cloudformation');

  // Valid, and the same bytes the second time.
  const loaded = loadBindingsText(first.text, 'imported.yaml');
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const again = await runImport(session, { owner: OWNER });
  expect('text' in again && again.text).toBe(first.text);

  // Derived cluster key, IAM only: plan the file as is.
  const plan = await box.plan(first.text);
  expect(plan.summary).toMatchObject({ add: 0, destroy: 0 });
  const changed = plan.changes.filter((c) => c.action !== 'no-op');
  expect(changed.map((c) => [c.address, c.action])).toEqual([
    ['role.eksctl-prod-addon-iamserviceaccount-kube-sy-Role1-1A2B3C4D5E6F', 'adopt'],
    ['role.orders-reader', 'adopt'],
    ['role.payments-irsa', 'adopt'],
  ]);
  for (const c of changed) expect(c.fields.map((f) => f.field)).toEqual([`tags.${OWNER_TAG}`]);

  const report = await box.apply(plan);
  expect(report.ok).toBe(true);
  const replan = await box.plan(first.text);
  expect(replan.changes.filter((c) => c.action !== 'no-op')).toEqual([]);

  // Now owned: a second import needs no --owner and adopts nothing — unless the account holds roles
  // of several owners, when it asks which one.
  expect(await runImport(session, {})).toEqual({
    error: 'the roles carry several owners (acme/migrated, acme/someone-else): choose one with --owner',
  });
  box.iamEmulator.deleteRoleState('other-team');
  const owned = await runImport(session, {});
  if ('error' in owned) throw new Error(owned.error);
  expect(owned.imported.owner).toBe(OWNER);
  expect(owned.imported.bindings.every((b) => b.adopt === undefined)).toBe(true);
  expect(owned.imported.bindings).toHaveLength(3);
});

test('--cluster and --kube-context: only that issuer, ServiceAccounts checked against the roles', async () => {
  box.kubeEmulator.seedNamespace('payments');
  // Annotated by hand with a role whose trust policy does not admit it.
  box.kubeEmulator.seedServiceAccount({
    namespace: 'payments',
    name: 'api',
    annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/orders-reader` },
  });
  const result = await runImport(session, {
    owner: OWNER,
    clusters: [{ key: 'prod', issuer: `https://${ISSUER_HOST}`, context: 'prod' }],
    kubeconfigText: kubeconfigFor(box.kubeEmulator, { context: 'prod' }),
  });
  if ('error' in result) throw new Error(result.error);
  expect(result.imported.clusters.map((c) => c.key)).toEqual(['prod']);
  expect(result.text).toContain('prod: orders-reader trusts orders/reader, which does not exist');
  expect(result.text).toContain(
    'prod: payments/api is annotated with orders-reader, whose trust policy does not admit it',
  );
  const loaded = loadBindingsText(result.text, 'imported.yaml');
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
});

test('no --owner and no owner tag: a clear error', async () => {
  const result = await runImport(session, { namePattern: 'orders-*', rolePath: '/nowhere/' });
  expect(result).toEqual({ error: expect.stringContaining('--owner') });
});

test('with a kube context the first plan adds only our ownership to the existing ServiceAccounts', async () => {
  await box.iam.send(
    new CreateRoleCommand({
      RoleName: 'billing-reader',
      AssumeRolePolicyDocument: JSON.stringify(
        trust({
          StringEquals: {
            [`${ISSUER_HOST}:sub`]: 'system:serviceaccount:billing:reader',
            [`${ISSUER_HOST}:aud`]: 'sts.amazonaws.com',
          },
        }),
      ),
    }),
  );
  box.kubeEmulator.seedNamespace('billing');
  // Annotated by hand (kubectl annotate), as the Control Plane guide says.
  box.kubeEmulator.seedServiceAccount({
    namespace: 'billing',
    name: 'reader',
    annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/billing-reader` },
    fieldManager: 'kubectl-annotate',
  });
  const result = await runImport(session, {
    owner: 'acme/billing',
    namePattern: 'billing-*',
    clusters: [{ key: 'prod', issuer: `https://${ISSUER_HOST}`, context: 'prod' }],
    kubeconfigText: kubeconfigFor(box.kubeEmulator, { context: 'prod' }),
  });
  if ('error' in result) throw new Error(result.error);
  const plan = await box.plan(result.text);
  const changed = plan.changes.filter((c) => c.action !== 'no-op');
  expect(
    changed.map((c) => [c.address, c.action, c.fields.map((f) => [f.field, f.before, f.after])]),
  ).toEqual([
    ['role.billing-reader', 'adopt', [[`tags.${OWNER_TAG}`, undefined, 'acme/billing']]],
    [
      'service-account.prod/billing/reader',
      'update',
      [['annotations.workload-identity-bindings/owner', undefined, 'acme/billing']],
    ],
  ]);
  expect(plan.summary).toMatchObject({ add: 0, destroy: 0 });
  expect((await box.apply(plan)).ok).toBe(true);
  expect((await box.plan(result.text)).changes.filter((c) => c.action !== 'no-op')).toEqual([]);
});

test('1,000 roles are read within the plan budget: 2 GAAD pages, 2 ListRoles pages, 1 ListOpenIDConnectProviders', async () => {
  for (let i = 0; i < 1000; i++)
    box.iamEmulator.seedRole({
      roleName: `bulk-${String(i).padStart(4, '0')}`,
      assumeRolePolicyDocument: trust({
        StringEquals: {
          [`${ISSUER_HOST}:sub`]: `system:serviceaccount:bulk:sa-${i}`,
          [`${ISSUER_HOST}:aud`]: 'sts.amazonaws.com',
        },
      }),
    });
  const calls = new Map<string, number>();
  const result = await runImport(session, {
    owner: 'acme/bulk',
    namePattern: 'bulk-*',
    onCall: (c) => calls.set(c, (calls.get(c) ?? 0) + 1),
  });
  if ('error' in result) throw new Error(result.error);
  expect(result.imported.bindings).toHaveLength(1000);
  // Over 1,000 roles in the account (the bulk ones plus the others): two pages of each list.
  expect(Object.fromEntries(calls)).toEqual({
    GetAccountAuthorizationDetails: 2,
    ListRoles: 2,
    ListOpenIDConnectProviders: 1,
  });
});
