// The plan: a versioned, stable, serialisable list of changes. Reviewers approve it; apply executes
// exactly it. planId hashes the changes only, so the same state and file always give the same id.
import type { DesiredOidcProvider, DesiredRole, DesiredServiceAccount } from '../desired/types.js';
import type {
  ObservedOidcProvider,
  ObservedRole,
  ObservedServiceAccount,
  WorkloadKind,
} from '../observed/types.js';
import type { SourceLocation } from '../bindings/types.js';
import type { Json } from '../policy/types.js';

export const PLAN_FORMAT_VERSION = 1;

export type ChangeAction = 'create' | 'update' | 'replace' | 'delete' | 'adopt' | 'no-op';
export type ResourceKind = 'oidc-provider' | 'role' | 'service-account';

/** One changed attribute: `field` is a dotted path such as `trustPolicy`, `tags.team`, `managedPolicies`. */
export interface FieldChange {
  field: string;
  before?: Json;
  after?: Json;
  /** True when the change broadens who can assume the role or what it can do. */
  broadensAccess?: boolean;
}

interface ChangeCommon<K extends ResourceKind> {
  kind: K;
  /** Stable address, e.g. `role.s3-reader`, `oidc-provider.oidc.example.com/id/ABC`, `service-account.prod/default/app`. */
  address: string;
  /** Why a replace or delete happens, in words (e.g. "path changes from / to /workload-identity/"). */
  reason?: string;
  fields: FieldChange[];
}

/**
 * Typed by action, so no consumer has to handle impossible shapes: a create has nothing before it,
 * a delete nothing after it, everything else both. A plan file read back is checked against this
 * once, in `parse-plan.ts`.
 */
type ChangeOf<K extends ResourceKind, Before, After> =
  | (ChangeCommon<K> & { action: 'create'; before: null; after: After })
  | (ChangeCommon<K> & { action: 'delete'; before: Before; after: null })
  | (ChangeCommon<K> & { action: 'update' | 'replace' | 'adopt' | 'no-op'; before: Before; after: After });

export type OidcProviderChange = ChangeOf<'oidc-provider', ObservedOidcProvider, DesiredOidcProvider>;
export type RoleChange = ChangeOf<'role', ObservedRole, DesiredRole>;
/**
 * For a ServiceAccount: `created` says whether we created it (delete removes it) or only annotate it
 * (delete strips our annotations and label).
 */
export type ServiceAccountChange = ChangeOf<
  'service-account',
  ObservedServiceAccount,
  DesiredServiceAccount
> & {
  created: boolean;
  /**
   * Fields (`annotations.KEY`) another field manager holds that this change takes over because the
   * binding says `takeOver: true`: apply forces exactly these, and fails on any other conflict.
   */
  takeOver?: string[];
};
export type Change = OidcProviderChange | RoleChange | ServiceAccountChange;

export type WarningCode =
  | 'wildcard-subject'
  | 'broad-permissions'
  | 'trust-policy-size'
  | 'missing-namespace'
  | 'namespace-terminating'
  | 'partial-read'
  | 'missing-oidc-provider'
  | 'oidc-provider-kept'
  | 'trust-policy-template-mismatch'
  | 'workloads-partial-read'
  | 'role-recently-used'
  | 'account-quotas-unknown'
  | 'role-name-case';

export interface PlanWarning {
  code: WarningCode;
  message: string;
  address?: string;
}

/** Something the plan must not do: a same-named resource that is not ours. Any conflict fails the plan. */
export interface PlanConflict {
  address: string;
  message: string;
  /** Where in the bindings file the conflicting resource is named, when it is. */
  location?: SourceLocation;
}

export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
  adopt: number;
  replace: number;
}

/** What a ServiceAccount change does to the role its pods get (the webhook reads it at pod creation). */
export type RoleArnChange = 'created' | 'added' | 'changed' | 'removed';

/**
 * The workloads whose pods run as one changed ServiceAccount: the EKS Pod Identity webhook injects
 * credentials only into pods created after the annotation, so running pods keep no role (or the old
 * one) until they are restarted.
 */
export interface RestartGroup {
  /** The ServiceAccount change's address. */
  address: string;
  cluster: string;
  namespace: string;
  serviceAccount: string;
  change: RoleArnChange;
  /** kubectl context for the copy-paste commands; absent = the kubeconfig's current context. */
  context?: string;
  /** The binding says `restart: rollout`: apply restarts the Deployments, StatefulSets and DaemonSets. */
  restart?: 'rollout';
  workloads: Array<{ kind: WorkloadKind; name: string }>;
}

/** When a role the plan destroys or narrows was last used (IAM's RoleLastUsed). */
export interface RoleUsage {
  /** The role change's address. */
  address: string;
  roleName: string;
  /** Why it matters: the role goes, or its trust policy stops admitting a subject. */
  why: 'destroyed' | 'loses-subject';
  /** ISO 8601 time and region of the last use; absent = never used (in IAM's tracking period). */
  lastUsed?: { date: string; region?: string };
  /** Used within the last 7 days when the plan was made. */
  recent: boolean;
}

export interface Plan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  planId: string;
  owner: string;
  accountId: string;
  bindingsFile: string;
  /** Sorted: OIDC providers, roles, ServiceAccounts; within a kind by address. Excludes no-ops. */
  changes: Change[];
  warnings: PlanWarning[];
  summary: PlanSummary;
  /**
   * Workloads to restart, per ServiceAccount whose role annotation the plan changes. Read from the
   * clusters at plan time; not part of planId (it is not something apply changes). Absent when the
   * plan changes no role annotation.
   */
  restarts?: RestartGroup[];
  /** Last use of each role the plan destroys or whose trust loses a subject (not part of planId). */
  roleUsage?: RoleUsage[];
}
