// Existing IRSA-style roles → a bindings file that adopts them: one binding per role, its subjects,
// policies, tags, boundary, description and session length as IAM holds them, so the first plan of a
// migration changes ownership only. Roles the file format cannot express exactly are left out and
// listed with the reason. Pure: the roles and clusters were read elsewhere.
import type { ObservedRole } from '../observed/types.js';
import type { PolicyDocument } from '../policy/types.js';
import { issuerHostPath } from '../policy/trust-policy.js';
import { DEFAULT_AUDIENCE, OWNER_TAG, ownerOf } from '../support/ownership.js';
import { readTrustPolicy } from './trust.js';

const DEFAULT_SESSION = 3600;
/** Tags other tools keep on roles they made: kept in the file (the plan would otherwise remove them) and listed. */
const BOOKKEEPING_TAG = /^(alpha\.eksctl\.io\/|eksctl\.cluster\.k8s\.io\/|terraform[-_:]|managed[-_]by$)/i;

export interface ImportCluster {
  key: string;
  /** `https://host/path`. */
  issuer: string;
  /** Set when the issuer came from a Control Plane cluster. */
  controlPlane?: { org: string; cluster: string };
  /** The kubeconfig context to manage ServiceAccounts through; false = IAM only. */
  kubernetes: false | { context?: string };
}

export interface ImportRequest {
  roles: ObservedRole[];
  /** Explicit clusters; undefined = one per issuer the roles trust, keys derived from the issuer. */
  clusters?: ImportCluster[];
  /** Undefined = the owner tag the roles already carry. */
  owner?: string;
  /** Only roles under this path. */
  rolePath?: string;
  /** Only roles whose name matches this glob (`*`, `?`). */
  namePattern?: string;
}

export interface SkippedRole {
  role: string;
  reason: string;
}

export interface ImportedFile {
  owner: string;
  accountId?: string;
  rolePath?: string;
  clusters: Array<ImportCluster & { audience?: string }>;
  clustersDerived: boolean;
  bindings: ImportedBinding[];
  skipped: SkippedRole[];
  /** Roles whose trust policy does not check `:aud`: the first apply adds the check. */
  gainsAudience: string[];
  bookkeepingTags: Array<{ role: string; keys: string[] }>;
}

export interface ImportedBinding {
  role: string;
  description?: string;
  serviceAccounts: Array<{ cluster: string; namespace: string; name: string }>;
  managedPolicies?: string[];
  inlinePolicies?: Record<string, PolicyDocument>;
  maxSessionDuration?: number;
  permissionsBoundary?: string;
  tags?: Record<string, string>;
  adopt?: true;
  /** Not written: for reports. */
  arn: string;
}

/** `*` and `?` as IAM's StringLike reads them; flags 'i' for role names (IAM ignores their case). */
export function globToRegExp(glob: string, flags = ''): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

/** A cluster key from an issuer: its host and path as letters, digits and dashes (at most 63). */
export function clusterKeyFor(hostPath: string): string {
  const slug = hostPath
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '');
  if (slug.length <= 63) return slug;
  let hash = 0;
  for (const c of hostPath) hash = (Math.imul(hash, 31) + c.charCodeAt(0)) >>> 0;
  return `${slug.slice(0, 54).replace(/-+$/, '')}-${hash.toString(16).padStart(8, '0')}`;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function importBindings(request: ImportRequest): ImportedFile | { error: string } {
  const skipped: SkippedRole[] = [];
  const pattern = request.namePattern ? globToRegExp(request.namePattern, 'i') : undefined;
  const candidates = request.roles
    .filter((r) => !request.rolePath || r.path === request.rolePath)
    .filter((r) => !pattern || pattern.test(r.name));

  // The owner: given, or the one the roles already carry (a second import of adopted roles).
  let owner = request.owner;
  if (owner === undefined) {
    const owners = [...new Set(candidates.map((r) => ownerOf(r.tags)).filter((o) => o !== undefined))];
    if (owners.length !== 1)
      return {
        error:
          owners.length === 0
            ? 'none of the roles carries an owner tag yet: give the owner the new file will stamp with --owner (for example --owner acme/platform-iam)'
            : `the roles carry several owners (${owners.sort().join(', ')}): choose one with --owner`,
      };
    owner = owners[0];
  }

  const byHostPath = new Map<string, ImportCluster>();
  for (const c of request.clusters ?? []) byHostPath.set(issuerHostPath(c.issuer), c);
  const derived = new Map<string, ImportCluster>();
  const audiences = new Map<string, Set<string>>();
  // Each binding with its role's path, until the file's one aws.rolePath is chosen.
  const bindings: Array<ImportedBinding & { path: string }> = [];
  const gainsAudience: string[] = [];
  const bookkeepingTags: Array<{ role: string; keys: string[] }> = [];
  const accounts = new Set<string>();

  for (const role of candidates) {
    const theirs = ownerOf(role.tags);
    if (theirs !== undefined && theirs !== owner) {
      skipped.push({ role: role.name, reason: `owned by "${theirs}" (its owner tag), not "${owner}"` });
      continue;
    }
    const trust = readTrustPolicy(role.trustPolicy);
    if (!trust.ok) {
      skipped.push({ role: role.name, reason: trust.reason });
      continue;
    }
    const serviceAccounts: ImportedBinding['serviceAccounts'] = [];
    let problem: string | undefined;
    let checksAudience = true;
    for (const issuer of trust.issuers) {
      let cluster = byHostPath.get(issuer.hostPath);
      if (!cluster && request.clusters) {
        problem = `trusts the issuer https://${issuer.hostPath}, which no --cluster names`;
        break;
      }
      if (!cluster) {
        cluster = derived.get(issuer.hostPath) ?? {
          key: clusterKeyFor(issuer.hostPath),
          issuer: `https://${issuer.hostPath}`,
          kubernetes: false,
        };
        derived.set(issuer.hostPath, cluster);
      }
      if (issuer.audiences.length > 1) {
        problem = `accepts several audiences (${issuer.audiences.join(', ')}) from https://${issuer.hostPath}; a cluster has one`;
        break;
      }
      if (issuer.audiences.length === 0) checksAudience = false;
      else {
        const seen = audiences.get(cluster.key) ?? new Set();
        seen.add(issuer.audiences[0]);
        audiences.set(cluster.key, seen);
      }
      accounts.add(issuer.accountId);
      for (const s of issuer.subjects) serviceAccounts.push({ cluster: cluster.key, ...s });
    }
    if (problem) {
      skipped.push({ role: role.name, reason: problem });
      continue;
    }
    if (!checksAudience) gainsAudience.push(role.name);
    const binding: ImportedBinding = { role: role.name, serviceAccounts, arn: role.arn };
    if (role.description) binding.description = role.description;
    if (role.managedPolicies.length) binding.managedPolicies = [...role.managedPolicies].sort(compare);
    if (Object.keys(role.inlinePolicies).length) binding.inlinePolicies = role.inlinePolicies;
    if (role.maxSessionDuration !== DEFAULT_SESSION) binding.maxSessionDuration = role.maxSessionDuration;
    if (role.permissionsBoundary) binding.permissionsBoundary = role.permissionsBoundary;
    const tags = Object.fromEntries(
      Object.entries(role.tags)
        .filter(([k]) => k !== OWNER_TAG && !/^aws:/i.test(k))
        .sort(([a], [b]) => compare(a, b)),
    );
    if (Object.keys(tags).length) binding.tags = tags;
    const kept = Object.keys(tags).filter((k) => BOOKKEEPING_TAG.test(k));
    if (kept.length) bookkeepingTags.push({ role: role.name, keys: kept });
    if (theirs === undefined) binding.adopt = true;
    bindings.push({ ...binding, path: role.path });
  }

  // One audience per cluster: roles that disagree with the majority are left out.
  const clusterAudience = new Map<string, string>();
  for (const [key, seen] of audiences) {
    if (seen.size === 1) clusterAudience.set(key, [...seen][0]);
  }
  const conflicted = new Set([...audiences].filter(([, seen]) => seen.size > 1).map(([key]) => key));
  // One role path per file: the most common one; roles elsewhere would be replaced by a path change.
  const paths = new Map<string, number>();
  for (const b of bindings) paths.set(b.path, (paths.get(b.path) ?? 0) + 1);
  const rolePath = [...paths].sort((a, b) => b[1] - a[1] || compare(a[0], b[0]))[0]?.[0];
  const kept: ImportedBinding[] = [];
  for (const b of bindings) {
    const { path, ...binding } = b;
    const audienceClash = binding.serviceAccounts.find((sa) => conflicted.has(sa.cluster));
    if (audienceClash) {
      skipped.push({
        role: b.role,
        reason: `roles trusting cluster "${audienceClash.cluster}" expect different audiences`,
      });
    } else if (path !== rolePath) {
      skipped.push({
        role: b.role,
        reason: `its path ${path} is not the file's aws.rolePath ${rolePath} (a path change replaces a role): import it into another file with --role-path ${path}`,
      });
    } else {
      kept.push(binding);
    }
  }

  const usedKeys = new Set(kept.flatMap((b) => b.serviceAccounts.map((sa) => sa.cluster)));
  const clusters = [...(request.clusters ?? []), ...derived.values()]
    .filter((c) => usedKeys.has(c.key) || request.clusters?.includes(c))
    .map((c) => {
      const audience = clusterAudience.get(c.key);
      return audience && audience !== DEFAULT_AUDIENCE ? { ...c, audience } : c;
    })
    .sort((a, b) => compare(a.key, b.key));
  return {
    owner,
    ...(accounts.size === 1 ? { accountId: [...accounts][0] } : {}),
    ...(rolePath ? { rolePath } : {}),
    clusters,
    clustersDerived: request.clusters === undefined,
    bindings: kept.sort((a, b) => compare(a.role, b.role)),
    skipped: skipped.sort((a, b) => compare(a.role, b.role)),
    gainsAudience: gainsAudience.filter((r) => kept.some((b) => b.role === r)).sort(compare),
    bookkeepingTags: bookkeepingTags.filter((t) => kept.some((b) => b.role === t.role)),
  };
}
