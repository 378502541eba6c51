// Discovery documents: what kubectl and client-node read to learn which resources exist, their
// kinds, verbs, short names and scope. The core group's namespaces, serviceaccounts and pods are
// served, and `/apis` lists apps/v1 and batch/v1 with the workload kinds (workloads.ts). Aggregated discovery (apidiscovery.k8s.io) is not offered, so
// clients fall back to these legacy documents as they do against older servers.
import { WORKLOAD_KINDS, type WorkloadKind } from './workloads.js';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0+workload-identity-bindings-emulator',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

const WORKLOAD_VERBS = ['create', 'get', 'list', 'patch'];

function workloadResource(k: WorkloadKind): Record<string, unknown> {
  return {
    name: k.resource,
    singularName: k.singular,
    namespaced: true,
    kind: k.kind,
    verbs: WORKLOAD_VERBS,
    ...(k.shortNames ? { shortNames: k.shortNames } : {}),
  };
}

const GROUPS = ['apps', 'batch'] as const;

/** One API group's discovery document (`/apis/apps`). */
export function apiGroup(name: string): Record<string, unknown> | undefined {
  if (!(GROUPS as readonly string[]).includes(name)) return undefined;
  const version = { groupVersion: `${name}/v1`, version: 'v1' };
  return { kind: 'APIGroup', apiVersion: 'v1', name, versions: [version], preferredVersion: version };
}

/** A group version's resources (`/apis/apps/v1`). */
export function groupResources(group: string, version: string): Record<string, unknown> | undefined {
  if (!(GROUPS as readonly string[]).includes(group) || version !== 'v1') return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: `${group}/v1`,
    resources: WORKLOAD_KINDS.filter((k) => k.group === group).map(workloadResource),
  };
}

export const API_GROUP_LIST = {
  kind: 'APIGroupList',
  apiVersion: 'v1',
  groups: GROUPS.map((g) => {
    const { kind: _kind, apiVersion: _apiVersion, ...group } = apiGroup(g) as Record<string, unknown>;
    return group;
  }),
};

export const CORE_V1_RESOURCES = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    {
      name: 'namespaces',
      singularName: 'namespace',
      namespaced: false,
      kind: 'Namespace',
      verbs: ['create', 'get', 'list'],
      shortNames: ['ns'],
      storageVersionHash: 'Q3oi5N2YM8M=',
    },
    {
      name: 'serviceaccounts',
      singularName: 'serviceaccount',
      namespaced: true,
      kind: 'ServiceAccount',
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'],
      shortNames: ['sa'],
      storageVersionHash: 'pbx9ZvyFpBE=',
    },
    ...WORKLOAD_KINDS.filter((k) => k.group === '').map(workloadResource),
    {
      name: 'serviceaccounts/token',
      singularName: '',
      namespaced: true,
      group: 'authentication.k8s.io',
      version: 'v1',
      kind: 'TokenRequest',
      verbs: ['create'],
    },
  ],
};
