// Plain-value builders for desired and observed state and for the plan's changes between them, so
// each test states only what it is about. One set for every test (plan, apply, render).
import type {
  DesiredOidcProvider,
  DesiredRole,
  DesiredServiceAccount,
  DesiredState,
  ResolvedCluster,
} from '../src/desired/types.js';
import type {
  ObservedCluster,
  ObservedOidcProvider,
  ObservedRole,
  ObservedServiceAccount,
  ObservedState,
} from '../src/observed/types.js';
import {
  CREATED_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  OWNER_ANNOTATION,
  OWNER_TAG,
  ROLE_ARN_ANNOTATION,
} from '../src/support/ownership.js';
import type {
  Change,
  OidcProviderChange,
  Plan,
  RoleChange,
  ServiceAccountChange,
} from '../src/plan/types.js';
import type { PolicyDocument } from '../src/policy/types.js';

export const OWNER = 'acme/platform';
export const ACCOUNT = '123456789012';
export const ISSUER_HOST = 'oidc.example.com/id/ABC';
export const ISSUER = `https://${ISSUER_HOST}`;
export const PATH = '/workload-identity/';
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_HOST}`;

export function trustPolicy(subjects: string[], hostPath = ISSUER_HOST): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${hostPath}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${hostPath}:aud`]: 'sts.amazonaws.com',
            [`${hostPath}:sub`]: subjects.length === 1 ? subjects[0] : subjects,
          },
        },
      },
    ],
  };
}

export function s3ReadPolicy(bucket = 'data'): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: `arn:aws:s3:::${bucket}/*` },
    ],
  };
}

export function desiredRole(name: string, overrides: Partial<DesiredRole> = {}): DesiredRole {
  return {
    name,
    path: PATH,
    arn: `arn:aws:iam::${ACCOUNT}:role${PATH}${name}`,
    maxSessionDuration: 3600,
    trustPolicy: trustPolicy([`system:serviceaccount:default:${name}`]),
    managedPolicies: [],
    inlinePolicies: {},
    tags: { [OWNER_TAG]: OWNER },
    adopt: false,
    subjects: [{ cluster: 'prod', namespace: 'default', name, wildcard: false }],
    ...overrides,
  };
}

/** The role as IAM would report it after a successful apply of `role`. */
export function observedRole(role: DesiredRole, overrides: Partial<ObservedRole> = {}): ObservedRole {
  return {
    name: role.name,
    path: role.path,
    arn: role.arn,
    ...(role.description !== undefined ? { description: role.description } : {}),
    maxSessionDuration: role.maxSessionDuration,
    ...(role.permissionsBoundary !== undefined ? { permissionsBoundary: role.permissionsBoundary } : {}),
    trustPolicy: structuredClone(role.trustPolicy),
    managedPolicies: [...role.managedPolicies],
    inlinePolicies: structuredClone(role.inlinePolicies),
    tags: { ...role.tags },
    ...overrides,
  };
}

export function desiredProvider(overrides: Partial<DesiredOidcProvider> = {}): DesiredOidcProvider {
  return {
    arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_HOST}`,
    url: ISSUER,
    clientIds: ['sts.amazonaws.com'],
    clusters: ['prod'],
    tags: { [OWNER_TAG]: OWNER },
    ...overrides,
  };
}

export function observedProvider(overrides: Partial<ObservedOidcProvider> = {}): ObservedOidcProvider {
  return {
    arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_HOST}`,
    url: ISSUER,
    clientIds: ['sts.amazonaws.com'],
    tags: { [OWNER_TAG]: OWNER },
    ...overrides,
  };
}

export function desiredServiceAccount(
  name: string,
  overrides: Partial<DesiredServiceAccount> = {},
): DesiredServiceAccount {
  const role = overrides.role ?? name;
  return {
    cluster: 'prod',
    namespace: 'default',
    name,
    role,
    annotations: {
      [OWNER_ANNOTATION]: OWNER,
      [ROLE_ARN_ANNOTATION]: `arn:aws:iam::${ACCOUNT}:role${PATH}${role}`,
    },
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
    ...overrides,
  };
}

/** The ServiceAccount as the cluster would report it after apply created (or annotated) it. */
export function observedServiceAccount(
  sa: DesiredServiceAccount,
  options: { created?: boolean; extraAnnotations?: Record<string, string>; resourceVersion?: string } = {},
): ObservedServiceAccount {
  const created = options.created ?? true;
  const ours = { ...sa.annotations, ...(created ? { [CREATED_ANNOTATION]: 'true' } : {}) };
  return {
    cluster: sa.cluster,
    namespace: sa.namespace,
    name: sa.name,
    annotations: { ...ours, ...options.extraAnnotations },
    labels: { ...sa.labels },
    resourceVersion: options.resourceVersion ?? '1',
    ownedByUs: { annotations: Object.keys(ours), labels: Object.keys(sa.labels) },
  };
}

export function cluster(key = 'prod', overrides: Partial<ResolvedCluster> = {}): ResolvedCluster {
  return {
    key,
    issuer: ISSUER,
    issuerHostPath: ISSUER_HOST,
    audience: 'sts.amazonaws.com',
    kubernetes: {},
    ...overrides,
  };
}

export function desiredState(overrides: Partial<DesiredState> = {}): DesiredState {
  return {
    owner: OWNER,
    accountId: ACCOUNT,
    rolePath: PATH,
    oidcProviders: [desiredProvider()],
    roles: [],
    serviceAccounts: [],
    clusters: [cluster()],
    ...overrides,
  };
}

export function observedCluster(
  serviceAccounts: ObservedServiceAccount[] = [],
  overrides: Partial<ObservedCluster> = {},
): ObservedCluster {
  return { key: 'prod', serviceAccounts, existingNamespaces: ['default'], ...overrides };
}

export function observedState(overrides: Partial<ObservedState> = {}): ObservedState {
  return { roles: [], oidcProviders: [observedProvider()], clusters: [observedCluster()], ...overrides };
}

/** A desired state whose roles and ServiceAccounts, applied, give `observedState` (no changes). */
export function convergedPair(desired: DesiredState): { desired: DesiredState; observed: ObservedState } {
  return {
    desired,
    observed: observedState({
      roles: desired.roles.map((role) => observedRole(role)),
      clusters: [observedCluster(desired.serviceAccounts.map((sa) => observedServiceAccount(sa)))],
    }),
  };
}

/**
 * One of each: a new issuer, a new role, an updated role (longer sessions and a new subject), an
 * adopted role, a role moved to our path, a role to delete, a new ServiceAccount and an annotated
 * ServiceAccount to release.
 */
export function mixedScenario(): { desired: DesiredState; observed: ObservedState } {
  const reader = desiredRole('s3-reader', {
    managedPolicies: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
  });
  const app = desiredRole('app', {
    maxSessionDuration: 7200,
    trustPolicy: trustPolicy(['system:serviceaccount:default:app', 'system:serviceaccount:default:worker']),
  });
  const legacy = desiredRole('legacy', { adopt: true });
  const moved = desiredRole('moved');
  const readerSa = desiredServiceAccount('s3-reader');
  const appSa = desiredServiceAccount('app');
  const released = observedServiceAccount(desiredServiceAccount('old'), { created: false });
  return {
    desired: desiredState({
      roles: [app, legacy, moved, reader],
      serviceAccounts: [appSa, readerSa],
    }),
    observed: observedState({
      oidcProviders: [],
      roles: [
        observedRole(app, {
          maxSessionDuration: 3600,
          trustPolicy: trustPolicy(['system:serviceaccount:default:app']),
        }),
        observedRole(legacy, { tags: { team: 'data' } }),
        observedRole(moved, { path: '/', arn: `arn:aws:iam::${ACCOUNT}:role/moved` }),
        observedRole(desiredRole('gone')),
      ],
      clusters: [observedCluster([observedServiceAccount(appSa), released])],
    }),
  };
}

/** Builds a change of the shape its action requires (see `ChangeOf` in plan/types), or throws. */
function typed<C extends Change>(
  change: Omit<C, 'action' | 'before' | 'after'> & {
    action: C['action'];
    before: C['before'] | null;
    after: C['after'] | null;
  },
): C {
  const { action, before, after } = change;
  const ok =
    action === 'create'
      ? before === null && after !== null
      : action === 'delete'
        ? before !== null && after === null
        : before !== null && after !== null;
  if (!ok)
    throw new Error(
      `builders: a ${action} change needs ${action === 'create' ? 'only after' : action === 'delete' ? 'only before' : 'before and after'}`,
    );
  return change as C;
}

export function providerChange(
  action: OidcProviderChange['action'],
  before: ObservedOidcProvider | null,
  after: DesiredOidcProvider | null,
): OidcProviderChange {
  const arn = after?.arn ?? before?.arn ?? '';
  return typed<OidcProviderChange>({
    kind: 'oidc-provider',
    address: `oidc-provider.${arn.split('oidc-provider/')[1]}`,
    action,
    fields: [],
    before,
    after,
  });
}

export function roleChange(
  action: RoleChange['action'],
  before: ObservedRole | null,
  after: DesiredRole | null,
): RoleChange {
  return typed<RoleChange>({
    kind: 'role',
    address: `role.${after?.name ?? before?.name}`,
    action,
    fields: [],
    before,
    after,
  });
}

export function saChange(
  action: ServiceAccountChange['action'],
  before: ObservedServiceAccount | null,
  after: DesiredServiceAccount | null,
  created: boolean,
): ServiceAccountChange {
  const ref = after ?? before!;
  return typed<ServiceAccountChange>({
    kind: 'service-account',
    address: `service-account.${ref.cluster}/${ref.namespace}/${ref.name}`,
    action,
    fields: [],
    before,
    after,
    created,
  });
}

export function planOf(changes: Plan['changes']): Plan {
  return {
    formatVersion: 1,
    planId: 'test',
    owner: OWNER,
    accountId: ACCOUNT,
    bindingsFile: 'workload-identity.yaml',
    changes,
    warnings: [],
    summary: { add: 0, change: 0, destroy: 0, adopt: 0, replace: 0 },
  };
}
