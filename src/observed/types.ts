// Observed state: what IAM and Kubernetes hold now, as read by the adapters in src/aws and src/kube.
// Shapes mirror the desired ones so the diff compares like with like.
import type { RoleAttributes } from '../policy/role.js';

/** A role as IAM holds it, documents decoded and parsed but never normalised. */
export type ObservedRole = RoleAttributes;

export interface ObservedOidcProvider {
  arn: string;
  /** https://host/path as IAM reports it (IAM stores it without the scheme; readers add it back). */
  url: string;
  clientIds: string[];
  tags: Record<string, string>;
}

export interface ObservedServiceAccount {
  cluster: string;
  namespace: string;
  name: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  /** The object's identity: a ServiceAccount deleted and recreated under the same name has a new one. */
  uid?: string;
  resourceVersion?: string;
  /**
   * Annotation and label keys our field manager owns (from managedFields), so the diff knows which
   * annotations we set earlier and must remove when the file no longer asks for them.
   */
  ownedByUs: { annotations: string[]; labels: string[] };
  /**
   * Other field managers of each annotation and label, keyed `annotations.KEY` / `labels.KEY`
   * (`before-first-apply` for every key of an object without managedFields). Set by the reader; the
   * diff uses it to show a conflict at plan time instead of a 409 at apply. Never part of a plan.
   */
  fieldOwners?: Record<string, string[]>;
}

/** The kinds whose pods run as a ServiceAccount (a Job a CronJob owns is reported as the CronJob). */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob' | 'Pod';

/** A workload whose pods run as `serviceAccount` (pod template's serviceAccountName, default "default"). */
export interface ObservedWorkload {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  serviceAccount: string;
}

export interface ObservedCluster {
  key: string;
  /** ServiceAccounts carrying our managed-by label, plus each wanted SA that exists without it. */
  serviceAccounts: ObservedServiceAccount[];
  /** Which of the namespaces the file mentions exist (and are not being deleted). */
  existingNamespaces: string[];
  /** Which of the namespaces the file mentions are being deleted (`status.phase: Terminating`). */
  terminatingNamespaces?: string[];
  /**
   * Set when ServiceAccounts could not be listed cluster-wide (RBAC) and only the file's namespaces
   * were listed: ServiceAccounts we created in other namespaces are not seen.
   */
  listedNamespacesOnly?: boolean;
}

/**
 * Which roles in the whole account trust which OIDC providers: an OIDC provider is shared by every
 * role that federates to it, whoever owns the role, so deleting one can break roles this file never
 * names.
 */
export interface ProviderTrust {
  /** Role names by federated principal ARN as the trust policies spell it, every role in the account. */
  rolesByProvider: Record<string, string[]>;
  /** False when not every role could be read (GetAccountAuthorizationDetails denied). */
  complete: boolean;
}

export interface ObservedState {
  /** Roles that are named in the file or carry our owner tag (any owner's tag is kept: the diff decides). */
  roles: ObservedRole[];
  oidcProviders: ObservedOidcProvider[];
  clusters: ObservedCluster[];
  /**
   * Who trusts which provider, read by observeState. Absent only in hand-built states (unit tests of
   * other parts of the diff), where no role outside `roles` exists.
   */
  providerTrust?: ProviderTrust;
}
