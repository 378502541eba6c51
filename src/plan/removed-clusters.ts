// Cluster keys the base branch's bindings file has and this one lacks, while ServiceAccounts of ours
// may still live on that cluster. The trust-policy check (retired-issuers.ts) cannot see a removed
// key whose issuer another key still uses (two contexts of one issuer, Control Plane clusters behind
// one issuer): our roles keep trusting that issuer, yet nothing reaches the removed cluster any more,
// so its ServiceAccounts would be left annotated with roles that no longer trust them. The base file
// says which keys the file used to manage; comparing the two files needs no service at all.
import type { BindingsFile, ClusterConfig, SourceLocation } from '../bindings/types.js';

export interface RemovedCluster {
  /** The key as the base file has it. */
  key: string;
  /** The entry as the base file writes it, in flow style, for step 1 of the message. */
  entry: string;
  /** Exact ServiceAccounts the base file bound on it (`namespace/name`), sorted. */
  serviceAccounts: string[];
}

/** How a cluster's Kubernetes API is reached: two keys reaching it the same way see the same objects. */
function reach(cluster: ClusterConfig): string | undefined {
  if (cluster.kubernetes === false) return undefined;
  if (cluster.controlPlane && cluster.kubernetes.context === undefined)
    return `controlPlane:${cluster.controlPlane.org}/${cluster.controlPlane.cluster}`;
  return `context:${cluster.kubernetes.context ?? ''}`;
}

function flowEntry(cluster: ClusterConfig): string {
  const parts: string[] = [];
  if (cluster.issuer) parts.push(`issuer: ${cluster.issuer}`);
  if (cluster.controlPlane)
    parts.push(`controlPlane: {org: ${cluster.controlPlane.org}, cluster: ${cluster.controlPlane.cluster}}`);
  if (cluster.audience) parts.push(`audience: ${cluster.audience}`);
  if (cluster.kubernetes !== false && cluster.kubernetes.context !== undefined)
    parts.push(`kubernetes: {context: ${cluster.kubernetes.context}}`);
  return `${cluster.key}: {${parts.join(', ')}}`;
}

/**
 * Keys of `base` that `head` lacks, that manage Kubernetes and had exact ServiceAccounts bound, and
 * whose Kubernetes API no cluster of `head` still reaches (a key renamed over the same context is
 * still cleaned up through the new key: our ServiceAccounts there are found by our label).
 */
export function findRemovedClusters(base: BindingsFile, head: BindingsFile): RemovedCluster[] {
  const headKeys = new Set(head.clusters.map((c) => c.key));
  const reached = new Set(head.clusters.map(reach).filter((r): r is string => r !== undefined));
  const removed: RemovedCluster[] = [];
  for (const cluster of base.clusters) {
    if (headKeys.has(cluster.key)) continue;
    const how = reach(cluster);
    if (how === undefined || reached.has(how)) continue;
    const accounts = new Set<string>();
    for (const binding of base.bindings)
      for (const sa of binding.serviceAccounts)
        if (sa.cluster === cluster.key && !/[*?]/.test(sa.namespace + sa.name))
          accounts.add(`${sa.namespace}/${sa.name}`);
    if (accounts.size === 0) continue;
    removed.push({ key: cluster.key, entry: flowEntry(cluster), serviceAccounts: [...accounts].sort() });
  }
  return removed;
}

const quoteList = (names: string[]): string => {
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
};

/** The refusal: one positioned, two-step instruction per removed cluster key. */
export function removedClusterMessage(
  removed: RemovedCluster,
  clusters: SourceLocation,
  baseSource: string,
): string {
  const where = `${clusters.file}:${clusters.line}:${clusters.col}`;
  return [
    `${where}: cluster "${removed.key}" is in the base file (${baseSource}) but not in this one, and it had ServiceAccounts bound (${quoteList(removed.serviceAccounts)}).`,
    '  Without its entry this plan cannot reach that cluster: the ServiceAccounts we created or annotated there would be left behind,',
    '  annotated with roles that no longer trust them. Nothing was changed. Remove the cluster in two steps:',
    '    1. keep the cluster under `clusters:` with no binding naming it:',
    `         ${removed.entry}`,
    '       then plan and apply: our ServiceAccounts there are deleted (or lose our annotations);',
    '    2. then delete the cluster entry.',
  ].join('\n');
}

/** Thrown before anything is read when cluster keys left the file without being drained first. */
export class RemovedClusterError extends Error {
  readonly removed: RemovedCluster[];
  constructor(removed: RemovedCluster[], clusters: SourceLocation, baseSource: string) {
    super(removed.map((r) => removedClusterMessage(r, clusters, baseSource)).join('\n'));
    this.name = 'RemovedClusterError';
    this.removed = removed;
  }
}
