// The ServiceAccounts our own roles trust, read back from their trust policies. ServiceAccounts we
// annotate but did not create carry no label (the label may belong to Helm or another tool), so a
// cluster-wide label list cannot find the ones that left the file; the roles that were bound to them
// still name them (`ISSUER:sub` = system:serviceaccount:NS:NAME) until this apply changes them.
import type { ResolvedCluster } from '../desired/types.js';
import { isOurs } from '../support/ownership.js';
import type { Json } from '../policy/types.js';
import type { ObservedRole } from '../observed/types.js';
import { isObject } from '../support/json.js';

export interface TrustedServiceAccount {
  cluster: string;
  namespace: string;
  name: string;
}

const SUBJECT = /^system:serviceaccount:([^:*?]+):([^:*?]+)$/;

/** Exact (non-wildcard) subjects of `owner`'s roles, per cluster whose issuer the policy names. */
export function trustedServiceAccounts(
  roles: ObservedRole[],
  clusters: ResolvedCluster[],
  owner: string,
): TrustedServiceAccount[] {
  const byIssuer = new Map<string, string[]>();
  for (const cluster of clusters) {
    if (cluster.kubernetes === false) continue;
    byIssuer.set(cluster.issuerHostPath, [...(byIssuer.get(cluster.issuerHostPath) ?? []), cluster.key]);
  }
  const out = new Map<string, TrustedServiceAccount>();
  for (const role of roles) {
    if (!isOurs(role.tags, owner)) continue; // the tag key in any spelling IAM treats as the same
    for (const statement of list(role.trustPolicy.Statement)) {
      if (!isObject(statement) || !isObject(statement.Condition)) continue;
      for (const operator of Object.values(statement.Condition)) {
        if (!isObject(operator)) continue;
        for (const [key, values] of Object.entries(operator)) {
          if (!key.endsWith(':sub')) continue;
          const keys = byIssuer.get(key.slice(0, -':sub'.length)) ?? [];
          for (const value of list(values)) {
            const match = typeof value === 'string' ? SUBJECT.exec(value) : null;
            if (!match) continue;
            for (const cluster of keys) {
              out.set(`${cluster}/${match[1]}/${match[2]}`, { cluster, namespace: match[1], name: match[2] });
            }
          }
        }
      }
    }
  }
  return [...out.values()];
}

function list(value: Json | undefined): Json[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
