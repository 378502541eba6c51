// Desired state: what IAM and Kubernetes should hold, compiled from the bindings file by pure
// functions. Every list is sorted so the same file always gives the same desired state.
import type { RoleAttributes } from '../policy/role.js';
import type { PolicyDocument } from '../policy/types.js';
import type { ServiceAccountRef } from '../bindings/types.js';

/** A cluster once its issuer is known (Control Plane clusters are resolved before compiling). */
export interface ResolvedCluster {
  key: string;
  /** https://host/path, no trailing slash. */
  issuer: string;
  /** issuer without the scheme: the OIDC provider's URL in IAM and the condition-key prefix. */
  issuerHostPath: string;
  audience: string;
  /** false = IAM only. */
  kubernetes: false | { context?: string } | { controlPlane: { org: string; cluster: string } };
  /** The trust policy template the Control Plane cluster publishes, if any (checked by the plan). */
  trustPolicyTemplate?: PolicyDocument;
}

export interface CompileContext {
  accountId: string;
  clusters: ResolvedCluster[];
}

export interface DesiredOidcProvider {
  /** arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH */
  arn: string;
  /** https://host/path */
  url: string;
  /** Sorted audiences (client ids) every cluster using this issuer needs. */
  clientIds: string[];
  /** Cluster keys using this issuer. */
  clusters: string[];
  tags: Record<string, string>;
}

export interface DesiredRole extends RoleAttributes {
  adopt: boolean;
  /** Every subject the trust policy admits (including wildcard ones), sorted. */
  subjects: Array<ServiceAccountRef & { wildcard: boolean }>;
}

export interface DesiredServiceAccount extends ServiceAccountRef {
  /** The role this ServiceAccount assumes. */
  role: string;
  /** Our annotations: role-arn, extras and the owner annotation. */
  annotations: Record<string, string>;
  /** Our labels, put only on ServiceAccounts we create (managed-by): a label on someone else's
   * ServiceAccount may belong to their tool (Helm owns `app.kubernetes.io/managed-by`). */
  labels: Record<string, string>;
  /** The binding says `takeOver: true`: annotations another manager holds may be forced. */
  takeOver?: true;
  /** The binding says `restart: rollout`: apply restarts the workloads running as it when its role changes. */
  restart?: 'rollout';
}

export interface DesiredState {
  owner: string;
  accountId: string;
  rolePath: string;
  oidcProviders: DesiredOidcProvider[];
  roles: DesiredRole[];
  serviceAccounts: DesiredServiceAccount[];
  /** Clusters whose ServiceAccounts we manage. */
  clusters: ResolvedCluster[];
}
