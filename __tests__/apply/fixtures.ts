// Plain-value builders for apply's unit tests: desired and observed roles, providers and
// ServiceAccounts, and the changes between them, shaped as the plan carries them.
import type { DesiredOidcProvider, DesiredRole, DesiredServiceAccount } from '../../src/desired/types.js';
import type { ObservedOidcProvider, ObservedRole, ObservedServiceAccount } from '../../src/observed/types.js';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  OWNER_ANNOTATION,
  OWNER_TAG,
  ROLE_ARN_ANNOTATION,
} from '../../src/support/ownership.js';
import type { OidcProviderChange, Plan, RoleChange, ServiceAccountChange } from '../../src/plan/types.js';

export const ACCOUNT = '123456789012';
export const OWNER = 'acme/platform';
export const ISSUER_HOST = 'oidc.example.com/id/ABC';
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_HOST}`;

export function trustFor(issuerHost: string, subjects: string[]) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuerHost}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${issuerHost}:aud`]: 'sts.amazonaws.com',
            [`${issuerHost}:sub`]: subjects.map((s) => `system:serviceaccount:${s}`),
          },
        },
      },
    ],
  };
}

export function desiredRole(name: string, over: Partial<DesiredRole> = {}): DesiredRole {
  const path = over.path ?? '/workload-identity/';
  return {
    name,
    path,
    arn: `arn:aws:iam::${ACCOUNT}:role${path}${name}`,
    maxSessionDuration: 3600,
    trustPolicy: trustFor(ISSUER_HOST, [`default:${name}`]),
    managedPolicies: [],
    inlinePolicies: {},
    tags: { [OWNER_TAG]: OWNER },
    adopt: false,
    subjects: [{ cluster: 'prod', namespace: 'default', name, wildcard: false }],
    ...over,
  };
}

export function observedRole(name: string, over: Partial<ObservedRole> = {}): ObservedRole {
  const { adopt: _a, subjects: _s, ...rest } = desiredRole(name);
  return { ...rest, ...over };
}

export function desiredProvider(over: Partial<DesiredOidcProvider> = {}): DesiredOidcProvider {
  return {
    arn: PROVIDER_ARN,
    url: `https://${ISSUER_HOST}`,
    clientIds: ['sts.amazonaws.com'],
    clusters: ['prod'],
    tags: { [OWNER_TAG]: OWNER },
    ...over,
  };
}

export function observedProvider(over: Partial<ObservedOidcProvider> = {}): ObservedOidcProvider {
  return {
    arn: PROVIDER_ARN,
    url: `https://${ISSUER_HOST}`,
    clientIds: ['sts.amazonaws.com'],
    tags: { [OWNER_TAG]: OWNER },
    ...over,
  };
}

export function desiredSa(
  name: string,
  role: string,
  over: Partial<DesiredServiceAccount> = {},
): DesiredServiceAccount {
  return {
    cluster: 'prod',
    namespace: 'default',
    name,
    role,
    annotations: {
      [ROLE_ARN_ANNOTATION]: `arn:aws:iam::${ACCOUNT}:role/workload-identity/${role}`,
      [OWNER_ANNOTATION]: OWNER,
    },
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
    ...over,
  };
}

export function observedSa(
  name: string,
  role: string,
  over: Partial<ObservedServiceAccount> = {},
): ObservedServiceAccount {
  const d = desiredSa(name, role);
  return {
    cluster: d.cluster,
    namespace: d.namespace,
    name,
    annotations: d.annotations,
    labels: d.labels,
    ownedByUs: { annotations: Object.keys(d.annotations), labels: Object.keys(d.labels) },
    ...over,
  };
}

export function providerChange(
  action: OidcProviderChange['action'],
  before: ObservedOidcProvider | null,
  after: DesiredOidcProvider | null,
): OidcProviderChange {
  const arn = after?.arn ?? before?.arn ?? '';
  return {
    kind: 'oidc-provider',
    address: `oidc-provider.${arn.split('oidc-provider/')[1]}`,
    action,
    fields: [],
    before,
    after,
  };
}

export function roleChange(
  action: RoleChange['action'],
  before: ObservedRole | null,
  after: DesiredRole | null,
): RoleChange {
  return { kind: 'role', address: `role.${after?.name ?? before?.name}`, action, fields: [], before, after };
}

export function saChange(
  action: ServiceAccountChange['action'],
  before: ObservedServiceAccount | null,
  after: DesiredServiceAccount | null,
  created: boolean,
): ServiceAccountChange {
  const ref = after ?? before!;
  return {
    kind: 'service-account',
    address: `service-account.${ref.cluster}/${ref.namespace}/${ref.name}`,
    action,
    fields: [],
    before,
    after,
    created,
  };
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
