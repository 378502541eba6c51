// observeState end to end: desired state in, observed state and read statistics out, against an
// IAM emulator and two Kubernetes emulators through the real clients.
import { IAMClient } from '@aws-sdk/client-iam';
import { IamEmulator } from '../../sandbox/iam/index.js';
import { KubeEmulator, kubeconfigFor } from '../../sandbox/kube/emulator.js';
import type { DesiredRole, DesiredServiceAccount, DesiredState } from '../../src/desired/types.js';
import { kubeTargetFromConfig, loadKubeConfig, type KubeTarget } from '../../src/kube/client.js';
import { observeState } from '../../src/engine/observe.js';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  OWNER_TAG,
  ROLE_ARN_ANNOTATION,
} from '../../src/support/ownership.js';

const ACCOUNT = '123456789012';
const ROLE_PATH = '/workload-identity/';
const ISSUER = 'oidc.example.com/id/PROD';

const iamEmulator = new IamEmulator({ accountId: ACCOUNT });
const prod = new KubeEmulator();
const staging = new KubeEmulator();
let iam: IAMClient;
const kube = new Map<string, KubeTarget>();

beforeAll(async () => {
  const url = await iamEmulator.start();
  iam = new IAMClient({
    region: 'us-east-1',
    endpoint: url,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
  });
  for (const [key, emulator] of [
    ['prod', prod],
    ['staging', staging],
  ] as const) {
    await emulator.start();
    kube.set(key, kubeTargetFromConfig(key, loadKubeConfig({ kubeconfigText: kubeconfigFor(emulator) })));
  }
  for (let i = 0; i < 1200; i++) iamEmulator.seedRole({ roleName: `other-${i}` });
  iamEmulator.seedRole({
    roleName: 's3-reader',
    path: ROLE_PATH,
    tags: { [OWNER_TAG]: 'acme/platform' },
    maxSessionDuration: 7200,
  });
  iamEmulator.seedRole({ roleName: 'retired', path: ROLE_PATH, tags: { [OWNER_TAG]: 'acme/platform' } });
  iamEmulator.seedOidcProvider({ url: `https://${ISSUER}` });
  prod.seedServiceAccount({
    namespace: 'data',
    name: 'app',
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
    annotations: { [ROLE_ARN_ANNOTATION]: `arn:aws:iam::${ACCOUNT}:role/workload-identity/s3-reader` },
  });
  staging.seedServiceAccount({ namespace: 'data', name: 'app' });
});

afterAll(async () => {
  iam?.destroy();
  await Promise.all([iamEmulator.stop(), prod.stop(), staging.stop()]);
});

function role(name: string): DesiredRole {
  return {
    name,
    path: ROLE_PATH,
    arn: `arn:aws:iam::${ACCOUNT}:role/workload-identity/${name}`,
    maxSessionDuration: 3600,
    trustPolicy: { Version: '2012-10-17', Statement: [] },
    managedPolicies: [],
    inlinePolicies: {},
    tags: { [OWNER_TAG]: 'acme/platform' },
    adopt: false,
    subjects: [],
  };
}

function serviceAccount(cluster: string, namespace: string, name: string): DesiredServiceAccount {
  return {
    cluster,
    namespace,
    name,
    role: 's3-reader',
    annotations: {},
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
  };
}

const desired: DesiredState = {
  owner: 'acme/platform',
  accountId: ACCOUNT,
  rolePath: ROLE_PATH,
  oidcProviders: [
    {
      arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`,
      url: `https://${ISSUER}`,
      clientIds: ['sts.amazonaws.com'],
      clusters: ['prod', 'staging'],
      tags: {},
    },
  ],
  roles: [role('s3-reader'), role('new-role')],
  serviceAccounts: [
    serviceAccount('prod', 'data', 'app'),
    serviceAccount('staging', 'data', 'app'),
    serviceAccount('staging', 'jobs', 'batch'),
  ],
  clusters: [],
};

test('observeState reads IAM and every cluster, and counts the calls', async () => {
  const observed = await observeState({ iam, kube, desired, rolePath: ROLE_PATH });

  expect(observed.roles.map((r) => [r.name, r.maxSessionDuration])).toEqual([
    ['retired', 3600],
    ['s3-reader', 7200],
  ]);
  expect(observed.oidcProviders.map((p) => p.url)).toEqual([`https://${ISSUER}`]);
  expect(observed.clusters.map((c) => c.key)).toEqual(['prod', 'staging']);
  expect(
    observed.clusters[0].serviceAccounts.map((sa) => `${sa.cluster}/${sa.namespace}/${sa.name}`),
  ).toEqual(['prod/data/app']);
  expect(
    observed.clusters[1].serviceAccounts.map((sa) => `${sa.cluster}/${sa.namespace}/${sa.name}`),
  ).toEqual(['staging/data/app']);
  expect(observed.clusters[1].existingNamespaces).toEqual(['data']);

  // IAM: 2 GAAD pages (1,202 roles) + 1 ListRoles (2 kept roles under the path) + 1 List and 1 Get
  // for the single OIDC provider.
  expect(observed.stats).toEqual({
    iamStrategy: 'account-authorization-details',
    iamCalls: 5,
    iamCallsByOperation: {
      GetAccountAuthorizationDetails: 2,
      ListRoles: 1,
      ListOpenIDConnectProviders: 1,
      GetOpenIDConnectProvider: 1,
    },
    kubeCalls: { prod: prod.server.totalCalls(), staging: staging.server.totalCalls() },
  });
  expect(iamEmulator.server.totalCalls()).toBe(5);
  // prod: 1 list + 1 namespace GET; staging: 1 list + 1 namespace list + 1 GET (data/app; jobs is missing).
  expect(observed.stats.kubeCalls).toEqual({ prod: 2, staging: 3 });
});
