// Control Plane wire shapes: the mk8s resource as `GET /org/{org}/mk8s/{name}` returns it (field
// names from the Terraform provider's client: Base + spec + status) and the error body.
import type { JsonObject } from '../../src/policy/types.js';
import type { StoredCluster } from './state.js';

export function mk8sJson(cluster: StoredCluster): JsonObject {
  const self = `/org/${cluster.org}/mk8s/${cluster.name}`;
  const specAddOns: JsonObject = { dashboard: {} };
  const statusAddOns: JsonObject = {
    dashboard: { url: `https://console.cpln.io/console/org/${cluster.org}/mk8s/${cluster.name}/-dashboard` },
  };
  if (cluster.addOn) specAddOns.awsWorkloadIdentity = {};
  if (cluster.addOn === true) {
    statusAddOns.awsWorkloadIdentity = {
      oidcProviderConfig: { providerUrl: cluster.providerUrl, audience: cluster.audience },
      trustPolicy: structuredClone(cluster.trustPolicy),
    };
  }
  return {
    id: cluster.id,
    name: cluster.name,
    kind: 'mk8s',
    version: cluster.version,
    description: cluster.description,
    tags: { ...cluster.tags },
    created: cluster.created,
    lastModified: cluster.lastModified,
    links: [
      { rel: 'self', href: self },
      { rel: 'org', href: `/org/${cluster.org}` },
    ],
    alias: cluster.alias,
    spec: {
      version: cluster.kubernetesVersion,
      firewall: [{ sourceCIDR: '0.0.0.0/0', description: 'default allow-all' }],
      provider: structuredClone(cluster.provider),
      addOns: specAddOns,
    },
    status: {
      oidcProviderUrl: cluster.oidcProviderUrl,
      serverUrl: cluster.serverUrl,
      homeLocation: cluster.homeLocation,
      addOns: statusAddOns,
    },
  };
}

/** Error body: `{ status, message, code }` (an assumed shape; see the emulator's notes). */
export function errorJson(status: number, message: string, code: string): string {
  return JSON.stringify({ status, message, code });
}
