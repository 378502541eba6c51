// Which ServiceAccounts verify checks: every exact subject of every selected role on a cluster whose
// Kubernetes objects we manage. Wildcard subjects (no single ServiceAccount to ask a token for) and
// IAM-only clusters are reported as skipped. `sample` keeps N, spread over the roles round-robin so
// a sample of a big file still touches as many roles as it can.
import type { DesiredState } from '../desired/types.js';
import type { VerifySkip, VerifyTarget } from './types.js';

export interface Selection {
  targets: VerifyTarget[];
  skipped: VerifySkip[];
  notSampled: number;
  /** --binding names that match no role of the file. */
  unknownRoles: string[];
}

export function selectTargets(desired: DesiredState, roles: string[] = [], sample?: number): Selection {
  const clusters = new Map(desired.clusters.map((c) => [c.key, c]));
  const wanted = new Set(roles);
  const known = new Set(desired.roles.map((r) => r.name));
  const perRole: VerifyTarget[][] = [];
  const skipped: VerifySkip[] = [];
  for (const role of desired.roles) {
    if (wanted.size > 0 && !wanted.has(role.name)) continue;
    const list: VerifyTarget[] = [];
    for (const subject of role.subjects) {
      const cluster = clusters.get(subject.cluster);
      const base = {
        role: role.name,
        cluster: subject.cluster,
        namespace: subject.namespace,
        name: subject.name,
      };
      if (subject.wildcard) skipped.push({ ...base, reason: 'wildcard' });
      else if (!cluster || cluster.kubernetes === false) skipped.push({ ...base, reason: 'iam-only' });
      else
        list.push({
          ...base,
          roleArn: role.arn,
          issuer: cluster.issuer,
          issuerHostPath: cluster.issuerHostPath,
          audience: cluster.audience,
        });
    }
    perRole.push(list);
  }
  const all = perRole.flat();
  let targets = all;
  if (sample !== undefined && sample < all.length) {
    targets = [];
    for (let round = 0; targets.length < sample; round += 1)
      for (const list of perRole)
        if (round < list.length && targets.length < sample) targets.push(list[round]);
  }
  return {
    targets,
    skipped,
    notSampled: all.length - targets.length,
    unknownRoles: roles.filter((r) => !known.has(r)),
  };
}
