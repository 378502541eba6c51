// Desired ServiceAccounts against observed ones. A ServiceAccount may be shared with other tools
// (Helm charts, operators), so we compare only the annotation and label keys that are ours: the ones
// the file asks for and the ones our field manager set earlier. A ServiceAccount is ours when it has
// our owner annotation; one without marks is annotated (not taken over); one marked by another owner
// is a conflict. Only ServiceAccounts we created get our managed-by label: on any other, that label
// may be Helm's (`app.kubernetes.io/managed-by: Helm`, owned by field manager `helm`), so we write
// annotations only, and remove the label earlier versions put there when our field manager owns it.
//
// Server-side apply refuses (409) to change a field another field manager holds — on a real API
// server every field has one: the tool that wrote it, or `before-first-apply` for objects without
// managedFields. So a value we would change that someone else owns is a conflict at plan time,
// placed at the binding, unless the binding opts in with `takeOver: true`; then the change lists
// exactly those fields and apply forces them (and only them).
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

/** The observed ServiceAccount as a plan shows it: field owners are the diff's input, not plan data. */
function planView(sa: ObservedServiceAccount): ObservedServiceAccount {
  if (sa.fieldOwners === undefined) return sa;
  const { fieldOwners: _owners, ...rest } = sa;
  return rest;
}

/** Fields we would set to a new value that other field managers hold: field → those managers. */
function contestedFields(fields: FieldChange[], observed: ObservedServiceAccount): Map<string, string[]> {
  const contested = new Map<string, string[]>();
  for (const f of fields) {
    if (f.after === undefined || f.before === undefined) continue;
    const owners = observed.fieldOwners?.[f.field] ?? [];
    if (owners.length) contested.set(f.field, owners);
  }
  return contested;
}

function describeField(field: string): { kind: 'annotation' | 'label'; key: string } {
  return field.startsWith('labels.')
    ? { kind: 'label', key: field.slice('labels.'.length) }
    : { kind: 'annotation', key: field.slice('annotations.'.length) };
}

const managersText = (owners: string[]): string => owners.map((o) => `\`${o}\``).join(' and ');

function contestedConflict(
  desired: DesiredServiceAccount,
  observed: ObservedServiceAccount,
  contested: Map<string, string[]>,
): PlanConflict {
  const name = `ServiceAccount ${observed.namespace}/${observed.name} on cluster "${observed.cluster}"`;
  const parts = [...contested].map(([field, owners]) => {
    const { kind, key } = describeField(field);
    const undo =
      kind === 'label'
        ? `kubectl label serviceaccount -n ${observed.namespace} ${observed.name} ${key}-`
        : `kubectl annotate serviceaccount -n ${observed.namespace} ${observed.name} ${key}-`;
    return `${kind} ${key} is written by ${managersText(owners)} with another value; take it over with \`takeOver: true\` on the binding, or remove it (\`${undo}\`)`;
  });
  return {
    address: serviceAccountAddress(desired),
    message: `${name}: ${parts.join('; ')}. Apply would be refused with a server-side apply conflict.`,
  };
}

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

/** Ours to delete or release: our owner annotation (ServiceAccounts we only annotate have no label). */
function isOurs(sa: ObservedServiceAccount, owner: string): boolean {
  return sa.annotations[OWNER_ANNOTATION] === owner;
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
  if (!observed) {
    // Show the marker apply writes on ServiceAccounts it creates: the plan hides nothing apply does.
    const annotations = { ...desired.annotations, [CREATED_ANNOTATION]: 'true' };
    const fields = [
      ...keyChanges('annotations', annotations, {}, []),
      ...keyChanges('labels', desired.labels, {}, []),
    ];
    return {
      kind: 'service-account',
      address,
      action: 'create',
      fields,
      before: null,
      after: desired,
      created: true,
    };
  }
  const owned = ownership(observed, owner);
  if (owned.kind === 'foreign') return { address, message: owned.message };
  const created = owned.kind === 'ours' && observed.annotations[CREATED_ANNOTATION] === 'true';
  // Labels only on ServiceAccounts we created; elsewhere annotations only. Our managed-by label from
  // an earlier version is in ownedByUs, so it shows as removed (the migration) when ours to remove.
  const after: DesiredServiceAccount = created ? desired : { ...desired, labels: {} };
  const ours = owned.kind === 'ours';
  const fields = [
    ...keyChanges(
      'annotations',
      after.annotations,
      observed.annotations,
      ours ? observed.ownedByUs.annotations : [],
    ),
    ...keyChanges('labels', after.labels, observed.labels, ours ? ourLabels(observed) : []),
  ];
  const contested = contestedFields(fields, observed);
  if (contested.size > 0 && !desired.takeOver) return contestedConflict(desired, observed, contested);
  const takeOver = [...contested.keys()];
  const takeOverText = takeOver.length
    ? `; takes over ${[...contested].map(([field, owners]) => `${describeField(field).kind} ${describeField(field).key} from ${managersText(owners)}`).join(', ')} (takeOver: true)`
    : '';
  const base = {
    kind: 'service-account' as const,
    address,
    fields,
    before: planView(observed),
    after,
    created,
    ...(takeOver.length ? { takeOver } : {}),
  };
  if (ours) {
    const reason = takeOverText ? takeOverText.slice(2) : undefined;
    return { ...base, action: fields.length ? 'update' : 'no-op', ...(reason ? { reason } : {}) };
  }
  const existingRole = observed.annotations[ROLE_ARN_ANNOTATION];
  const replacesRole =
    existingRole !== undefined && existingRole !== desired.annotations[ROLE_ARN_ANNOTATION];
  const reason = replacesRole
    ? `annotate an existing ServiceAccount we did not create; its ${ROLE_ARN_ANNOTATION} annotation names another role and will be replaced`
    : 'annotate an existing ServiceAccount we did not create';
  return { ...base, action: 'update', reason: reason + takeOverText };
}

/** Labels our field manager set that are ours to remove: the managed-by label only with our value. */
function ourLabels(sa: ObservedServiceAccount): string[] {
  return sa.ownedByUs.labels.filter(
    (key) => key !== MANAGED_BY_LABEL || sa.labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE,
  );
}

/** Our keys on a ServiceAccount we are letting go of, shown as removed. */
function releasedFields(sa: ObservedServiceAccount): FieldChange[] {
  const annotations = [...sa.ownedByUs.annotations, OWNER_ANNOTATION, ROLE_ARN_ANNOTATION];
  // Our managed-by label only when it carries our value: Helm's `managed-by: Helm` stays.
  const labels = [
    ...ourLabels(sa),
    ...(sa.labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE ? [MANAGED_BY_LABEL] : []),
  ];
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
      before: planView(sa),
      after: null,
      created,
    });
  }
  return { changes, conflicts };
}
