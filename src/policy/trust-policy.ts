// Builds a role's trust policy: which ServiceAccount tokens, from which cluster issuers, may call
// sts:AssumeRoleWithWebIdentity. Same shape as the IRSA policy EKS documents and the template a
// Control Plane mk8s cluster publishes (status.addOns.awsWorkloadIdentity.trustPolicy).
//
// One statement per issuer. Clusters that share an issuer (two kubeconfig contexts for one cluster,
// or clusters behind one issuer) share that statement: the token's issuer, not our cluster key, is
// what IAM sees. Different audiences on one issuer become an `:aud` list.
//
// Wildcard subjects (`*` or `?` in namespace or name) need StringLike. When one issuer has both
// exact and wildcard subjects, we put ALL of that statement's `:sub` values under StringLike rather
// than splitting into two statements: exact subjects cannot contain `*` or `?` (namespaces and
// ServiceAccount names are DNS names), so StringLike matches them exactly; the policy stays one
// statement per issuer (smaller against the 2,048-character limit, and the layout the plan and the
// Control Plane template check expect); `:aud` always stays in StringEquals.
import type { JsonObject, PolicyDocument } from './types.js';
import { compareStrings, sortedUnique } from '../support/order.js';

export interface TrustSubject {
  cluster: string;
  namespace: string;
  name: string;
}

export interface TrustCluster {
  key: string;
  issuerHostPath: string;
  audience: string;
}

/** True when the namespace or name holds an IAM StringLike wildcard (`*` or `?`). */
export function isWildcardSubject(subject: { namespace: string; name: string }): boolean {
  return /[*?]/.test(subject.namespace) || /[*?]/.test(subject.name);
}

/** The issuer as IAM names it: without `https://` and without a trailing slash. */
export function issuerHostPath(issuerUrl: string): string {
  const match = /^https:\/\/([^/\s]\S*)$/i.exec(issuerUrl.trim());
  if (!match) {
    throw new Error(
      `issuer "${issuerUrl}" is not an https URL: IAM OIDC providers need an issuer like https://oidc.example.com/id/ABC.`,
    );
  }
  return match[1].replace(/\/+$/, '');
}

/** The Federated principal of an IAM OIDC provider. */
export function federatedPrincipalArn(accountId: string, hostPath: string): string {
  return `arn:aws:iam::${accountId}:oidc-provider/${hostPath}`;
}

/** The `sub` claim Kubernetes puts in a ServiceAccount token. */
export function subjectClaim(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

interface IssuerGroup {
  audiences: Set<string>;
  subjects: Set<string>;
  wildcard: boolean;
}

/** One value stays a string (as IAM and the templates write it); several become a sorted list. */
function oneOrList(values: Iterable<string>): string | string[] {
  const list = sortedUnique(values);
  return list.length === 1 ? list[0] : list;
}

function statement(accountId: string, hostPath: string, group: IssuerGroup): JsonObject {
  const aud = oneOrList(group.audiences);
  const sub = oneOrList(group.subjects);
  const condition: JsonObject = group.wildcard
    ? { StringEquals: { [`${hostPath}:aud`]: aud }, StringLike: { [`${hostPath}:sub`]: sub } }
    : { StringEquals: { [`${hostPath}:aud`]: aud, [`${hostPath}:sub`]: sub } };
  return {
    Effect: 'Allow',
    Principal: { Federated: federatedPrincipalArn(accountId, hostPath) },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: condition,
  };
}

/**
 * The trust policy admitting exactly `subjects`, each through its cluster's issuer and audience.
 * Deterministic: statements sorted by issuer, subjects and audiences sorted and de-duplicated.
 */
export function buildTrustPolicy(
  subjects: TrustSubject[],
  clusters: TrustCluster[],
  accountId: string,
): PolicyDocument {
  if (subjects.length === 0) {
    throw new Error('a trust policy needs at least one ServiceAccount: add one under serviceAccounts.');
  }
  const byKey = new Map(clusters.map((cluster) => [cluster.key, cluster]));
  const groups = new Map<string, IssuerGroup>();
  for (const subject of subjects) {
    const cluster = byKey.get(subject.cluster);
    if (!cluster) {
      const known = [...byKey.keys()].sort(compareStrings).join(', ') || 'none';
      throw new Error(
        `ServiceAccount ${subject.namespace}/${subject.name} names cluster "${subject.cluster}", which is not defined (defined clusters: ${known}).`,
      );
    }
    let group = groups.get(cluster.issuerHostPath);
    if (!group) {
      group = { audiences: new Set(), subjects: new Set(), wildcard: false };
      groups.set(cluster.issuerHostPath, group);
    }
    group.audiences.add(cluster.audience);
    group.subjects.add(subjectClaim(subject.namespace, subject.name));
    group.wildcard ||= isWildcardSubject(subject);
  }
  const statements = [...groups.keys()]
    .sort(compareStrings)
    .map((hostPath) => statement(accountId, hostPath, groups.get(hostPath)!));
  return { Version: '2012-10-17', Statement: statements };
}
