// Desired ServiceAccounts against observed ones. A ServiceAccount may be shared with other tools
// (Helm charts, operators), so we compare only the annotation and label keys that are ours: the ones
// the file asks for and the ones our field manager set earlier. A ServiceAccount is ours when it has
// our managed-by label and our owner annotation; one with neither is annotated (not taken over);
// one marked by another owner is a conflict.
import { compareStrings } from '../support/order.js';
import type { DesiredServiceAccount, DesiredState } from '../desired/types.js';
import type { ObservedCluster, ObservedServiceAccount } from '../observed/types.js';
import {
  CREATED_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  OWNER_ANNOTATION,
  ROLE_ARN_ANNOTATION,
} from '../support/ownership.js';
import { fieldChange, serviceAccountAddress, serviceAccountKey } from './address.js';
import type { FieldChange, PlanConflict, ServiceAccountChange } from './types.js';

type Ownership = { kind: 'ours' } | { kind: 'unmanaged' } | { kind: 'foreign'; message: string };

function ownership(sa: ObservedServiceAccount, owner: string): Ownership {
  const labelled = sa.labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
  const annotatedOwner = sa.annotations[OWNER_ANNOTATION];
  const name = `ServiceAccount ${sa.namespace}/${sa.name} on cluster "${sa.cluster}"`;
  // Our owner annotation without the label (someone removed it) is still ours: the update re-adds it.
  if (annotatedOwner === owner) return { kind: 'ours' };
  if (annotatedOwner !== undefined) {
    return {
      kind: 'foreign',
      message: `${name} belongs to another owner ("${annotatedOwner}" in its ${OWNER_ANNOTATION} annotation) and is never touched. Remove it from this file, or from the other owner's bindings file first.`,
    };
  }
  if (labelled) {
    return {
      kind: 'foreign',
      message: `${name} has the ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE} label but no ${OWNER_ANNOTATION} annotation, so we cannot tell whose it is; it is never touched. Add the annotation with the right owner, or remove the label.`,
    };
  }
  return { kind: 'unmanaged' };
}

function isOurs(sa: ObservedServiceAccount, owner: string): boolean {
  return sa.labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && sa.annotations[OWNER_ANNOTATION] === owner;
}

function keyChanges(
  prefix: 'annotations' | 'labels',
  desired: Record<string, string>,
  observed: Record<string, string>,
  ownedKeys: string[],
): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const key of Object.keys(desired).sort(compareStrings)) {
    if (observed[key] !== desired[key])
      changes.push(fieldChange(`${prefix}.${key}`, observed[key], desired[key]));
  }
  // Keys we set earlier that the file no longer asks for go away. The created marker is apply's own
  // bookkeeping (it decides whether delete removes the ServiceAccount), never a user key.
  const dropped = ownedKeys.filter(
    (key) => key !== CREATED_ANNOTATION && !(key in desired) && Object.hasOwn(observed, key),
  );
  for (const key of [...new Set(dropped)].sort(compareStrings)) {
    changes.push(fieldChange(`${prefix}.${key}`, observed[key], undefined));
  }
  return changes;
}

function compareDesired(
  desired: DesiredServiceAccount,
  observed: ObservedServiceAccount | undefined,
  owner: string,
): ServiceAccountChange | PlanConflict {
  const address = serviceAccountAddress(desired);
  const base = { kind: 'service-account' as const, address, after: desired };
  if (!observed) {
    // Show the marker apply writes on ServiceAccounts it creates: the plan hides nothing apply does.
    const annotations = { ...desired.annotations, [CREATED_ANNOTATION]: 'true' };
    const fields = [
      ...keyChanges('annotations', annotations, {}, []),
      ...keyChanges('labels', desired.labels, {}, []),
    ];
    return { ...base, action: 'create', fields, before: null, created: true };
  }
  const owned = ownership(observed, owner);
  if (owned.kind === 'foreign') return { address, message: owned.message };
  if (owned.kind === 'ours') {
    const fields = [
      ...keyChanges('annotations', desired.annotations, observed.annotations, observed.ownedByUs.annotations),
      ...keyChanges('labels', desired.labels, observed.labels, observed.ownedByUs.labels),
    ];
    const created = observed.annotations[CREATED_ANNOTATION] === 'true';
    return { ...base, action: fields.length ? 'update' : 'no-op', fields, before: observed, created };
  }
  const fields = [
    ...keyChanges('annotations', desired.annotations, observed.annotations, []),
    ...keyChanges('labels', desired.labels, observed.labels, []),
  ];
  const existingRole = observed.annotations[ROLE_ARN_ANNOTATION];
  const replacesRole =
    existingRole !== undefined && existingRole !== desired.annotations[ROLE_ARN_ANNOTATION];
  const reason = replacesRole
    ? `annotate an existing ServiceAccount we did not create; its ${ROLE_ARN_ANNOTATION} annotation names another role and will be replaced`
    : 'annotate an existing ServiceAccount we did not create';
  return { ...base, action: 'update', reason, fields, before: observed, created: false };
}

/** Our keys on a ServiceAccount we are letting go of, shown as removed. */
function releasedFields(sa: ObservedServiceAccount): FieldChange[] {
  const annotations = [...sa.ownedByUs.annotations, OWNER_ANNOTATION, ROLE_ARN_ANNOTATION];
  const labels = [...sa.ownedByUs.labels, MANAGED_BY_LABEL];
  return [
    ...keyChanges('annotations', {}, sa.annotations, annotations),
    ...keyChanges('labels', {}, sa.labels, labels),
  ];
}

export function diffServiceAccounts(
  desired: DesiredState,
  observedClusters: ObservedCluster[],
): { changes: ServiceAccountChange[]; conflicts: PlanConflict[] } {
  // Only clusters whose Kubernetes side the file manages: IAM-only clusters are never looked at.
  const managed = new Set(desired.clusters.filter((c) => c.kubernetes !== false).map((c) => c.key));
  const observed = new Map<string, ObservedServiceAccount>();
  for (const cluster of observedClusters) {
    if (!managed.has(cluster.key)) continue;
    for (const sa of cluster.serviceAccounts)
      observed.set(serviceAccountKey({ ...sa, cluster: cluster.key }), sa);
  }

  const changes: ServiceAccountChange[] = [];
  const conflicts: PlanConflict[] = [];
  for (const sa of desired.serviceAccounts) {
    if (!managed.has(sa.cluster)) continue;
    const result = compareDesired(sa, observed.get(serviceAccountKey(sa)), desired.owner);
    if ('kind' in result) changes.push(result);
    else conflicts.push(result);
  }

  const wanted = new Set(desired.serviceAccounts.map(serviceAccountKey));
  for (const [key, sa] of observed) {
    if (wanted.has(key) || !isOurs(sa, desired.owner)) continue;
    const created = sa.annotations[CREATED_ANNOTATION] === 'true';
    changes.push({
      kind: 'service-account',
      address: serviceAccountAddress(sa),
      action: 'delete',
      reason: created
        ? 'no binding in the file names this ServiceAccount any more; workload-identity-bindings created it'
        : 'remove our annotations and label (the ServiceAccount was not created by us)',
      fields: releasedFields(sa),
      before: sa,
      after: null,
      created,
    });
  }
  return { changes, conflicts };
}
