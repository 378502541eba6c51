// Compiles the bindings file into desired state: the IAM roles, OIDC providers and ServiceAccounts
// that should exist. Pure (no I/O, clock or environment) and canonical: every list is sorted and
// every object is built with a fixed key order, so the same file and context give byte-identical
// JSON on every run — the plan and its planId depend on that.
import type { Binding, BindingsFile } from '../bindings/types.js';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  OWNER_ANNOTATION,
  OWNER_TAG,
  ROLE_ARN_ANNOTATION,
} from '../support/ownership.js';
import type { PolicyDocument } from '../policy/types.js';
import { compareStrings, sortedRecord, sortedUnique } from '../support/order.js';
import {
  buildTrustPolicy,
  federatedPrincipalArn,
  isWildcardSubject,
  issuerHostPath,
} from '../policy/trust-policy.js';
import type {
  CompileContext,
  DesiredOidcProvider,
  DesiredRole,
  DesiredServiceAccount,
  DesiredState,
  ResolvedCluster,
} from './types.js';

type Subject = DesiredRole['subjects'][number];

function compareSubjects(a: { cluster: string; namespace: string; name: string }, b: typeof a): number {
  return (
    compareStrings(a.cluster, b.cluster) ||
    compareStrings(a.namespace, b.namespace) ||
    compareStrings(a.name, b.name)
  );
}

/** A fresh copy in a fixed key order, so callers cannot mutate the context through the result. */
function copyCluster(cluster: ResolvedCluster): ResolvedCluster {
  return {
    key: cluster.key,
    issuer: cluster.issuer,
    issuerHostPath: cluster.issuerHostPath,
    audience: cluster.audience,
    kubernetes: structuredClone(cluster.kubernetes),
    ...(cluster.trustPolicyTemplate !== undefined
      ? { trustPolicyTemplate: structuredClone(cluster.trustPolicyTemplate) }
      : {}),
  };
}

/** The resolved cluster of every cluster the file defines, in file order. */
function resolveFileClusters(file: BindingsFile, ctx: CompileContext): Map<string, ResolvedCluster> {
  const resolved = new Map(ctx.clusters.map((cluster) => [cluster.key, cluster]));
  const out = new Map<string, ResolvedCluster>();
  for (const config of file.clusters) {
    const cluster = resolved.get(config.key);
    if (!cluster) {
      throw new Error(
        `cluster "${config.key}" from ${file.path} has no resolved issuer: resolve every cluster (Control Plane clusters through their API) before compiling.`,
      );
    }
    if (issuerHostPath(cluster.issuer) !== cluster.issuerHostPath) {
      throw new Error(
        `cluster "${config.key}": issuerHostPath "${cluster.issuerHostPath}" does not match issuer "${cluster.issuer}"; build it with issuerHostPath(issuer).`,
      );
    }
    out.set(config.key, cluster);
  }
  return out;
}

function roleSubjects(binding: Binding): Subject[] {
  const seen = new Map<string, Subject>();
  for (const { cluster, namespace, name } of binding.serviceAccounts) {
    const subject = { cluster, namespace, name, wildcard: isWildcardSubject({ namespace, name }) };
    seen.set(`${cluster}\n${namespace}\n${name}`, subject);
  }
  return [...seen.values()].sort(compareSubjects);
}

function compileRole(
  file: BindingsFile,
  binding: Binding,
  clusters: Map<string, ResolvedCluster>,
  accountId: string,
): DesiredRole {
  const path = file.aws.rolePath;
  const subjects = roleSubjects(binding);
  const boundary =
    binding.permissionsBoundary === undefined ? file.aws.permissionsBoundary : binding.permissionsBoundary;
  const inlinePolicies: Record<string, PolicyDocument> = {};
  for (const [name, doc] of Object.entries(sortedRecord(binding.inlinePolicies))) {
    inlinePolicies[name] = structuredClone(doc);
  }
  return {
    name: binding.role,
    path,
    arn: `arn:aws:iam::${accountId}:role${path}${binding.role}`,
    ...(binding.description !== undefined ? { description: binding.description } : {}),
    maxSessionDuration: binding.maxSessionDuration,
    ...(typeof boundary === 'string' ? { permissionsBoundary: boundary } : {}),
    trustPolicy: buildTrustPolicy(subjects, [...clusters.values()], accountId),
    managedPolicies: sortedUnique(binding.managedPolicies),
    inlinePolicies,
    // The binding's tags win over the file-wide ones; the owner tag always wins (validation already
    // rejects a binding that sets it).
    tags: sortedRecord({ ...file.aws.tags, ...binding.tags, [OWNER_TAG]: file.owner }),
    adopt: binding.adopt,
    subjects,
  };
}

/** ServiceAccounts we create: exact subjects on clusters whose Kubernetes side we manage. */
function compileServiceAccounts(
  file: BindingsFile,
  binding: Binding,
  role: DesiredRole,
  clusters: Map<string, ResolvedCluster>,
): DesiredServiceAccount[] {
  // Ours win over the user's extras (validation rejects a user annotation on our keys).
  const annotations = sortedRecord({
    ...binding.serviceAccountAnnotations,
    [ROLE_ARN_ANNOTATION]: role.arn,
    [OWNER_ANNOTATION]: file.owner,
  });
  return role.subjects
    .filter((subject) => !subject.wildcard && clusters.get(subject.cluster)?.kubernetes !== false)
    .map((subject) => ({
      cluster: subject.cluster,
      namespace: subject.namespace,
      name: subject.name,
      role: role.name,
      annotations: { ...annotations },
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      ...(binding.takeOver ? { takeOver: true as const } : {}),
      ...(binding.restart ? { restart: binding.restart } : {}),
    }));
}

/**
 * One provider per issuer that at least one binding uses. Its client ids are the audiences of the
 * clusters on that issuer that bindings use: the provider accepts exactly the audiences the trust
 * policies check, no more. Unused issuers get no provider (the plan deletes ours that fall out).
 */
function compileOidcProviders(
  file: BindingsFile,
  clusters: Map<string, ResolvedCluster>,
  accountId: string,
): DesiredOidcProvider[] {
  const used = new Set(file.bindings.flatMap((binding) => binding.serviceAccounts.map((sa) => sa.cluster)));
  const byIssuer = new Map<string, ResolvedCluster[]>();
  for (const cluster of clusters.values()) {
    if (!used.has(cluster.key)) continue;
    byIssuer.set(cluster.issuerHostPath, [...(byIssuer.get(cluster.issuerHostPath) ?? []), cluster]);
  }
  return [...byIssuer.entries()]
    .map(([hostPath, members]) => ({
      arn: federatedPrincipalArn(accountId, hostPath),
      url: `https://${hostPath}`,
      clientIds: sortedUnique(members.map((cluster) => cluster.audience)),
      clusters: sortedUnique(members.map((cluster) => cluster.key)),
      tags: { [OWNER_TAG]: file.owner },
    }))
    .sort((a, b) => compareStrings(a.url, b.url));
}

/** Fails loudly on what validation should have caught: two roles or two bindings for one object. */
function assertUnique(roles: DesiredRole[], serviceAccounts: DesiredServiceAccount[]): void {
  const roleNames = new Map<string, string>();
  for (const role of roles) {
    const other = roleNames.get(role.name.toLowerCase());
    if (other !== undefined) {
      throw new Error(
        `roles "${other}" and "${role.name}" have the same IAM name (IAM ignores case): rename one of them.`,
      );
    }
    roleNames.set(role.name.toLowerCase(), role.name);
  }
  const accounts = new Map<string, string>();
  for (const sa of serviceAccounts) {
    const id = `${sa.cluster}/${sa.namespace}/${sa.name}`;
    const other = accounts.get(id);
    // Subjects are de-duplicated within a role, so a repeat means a second role.
    if (other !== undefined) {
      throw new Error(
        `ServiceAccount ${sa.namespace}/${sa.name} on cluster "${sa.cluster}" is bound to both "${other}" and "${sa.role}": a ServiceAccount can assume one role; keep one binding.`,
      );
    }
    accounts.set(id, sa.role);
  }
}

/** The desired state for `file`, given every cluster resolved and the target account. */
export function compileDesiredState(file: BindingsFile, ctx: CompileContext): DesiredState {
  if (!/^\d{12}$/.test(ctx.accountId)) {
    throw new Error(
      `AWS account id "${ctx.accountId}" is not 12 digits: set aws.accountId to the account's id.`,
    );
  }
  const clusters = resolveFileClusters(file, ctx);
  const compiled = file.bindings.map((binding) => {
    const role = compileRole(file, binding, clusters, ctx.accountId);
    return { role, serviceAccounts: compileServiceAccounts(file, binding, role, clusters) };
  });
  const roles = compiled.map((c) => c.role).sort((a, b) => compareStrings(a.name, b.name));
  const serviceAccounts = compiled.flatMap((c) => c.serviceAccounts).sort(compareSubjects);
  assertUnique(roles, serviceAccounts);
  // Every cluster whose Kubernetes side we manage, used or not: when its last binding goes, the plan
  // still has to look there to delete the ServiceAccounts we created.
  const managedClusters = [...clusters.values()]
    .filter((cluster) => cluster.kubernetes !== false)
    .sort((a, b) => compareStrings(a.key, b.key))
    .map(copyCluster);
  return {
    owner: file.owner,
    accountId: ctx.accountId,
    rolePath: file.aws.rolePath,
    oidcProviders: compileOidcProviders(file, clusters, ctx.accountId),
    roles,
    serviceAccounts,
    clusters: managedClusters,
  };
}
