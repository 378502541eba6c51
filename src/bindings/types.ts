// The bindings file after parsing, validation and defaults: what the user means, with no I/O done.
import type { PolicyDocument } from '../policy/types.js';

export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export interface ServiceAccountRef {
  cluster: string;
  namespace: string;
  name: string;
}

export interface ControlPlaneRef {
  org: string;
  cluster: string;
}

export interface ClusterConfig {
  /** The key under `clusters:` that bindings refer to. */
  key: string;
  /** Issuer URL (https, no query/fragment, no trailing slash) — exactly one of issuer/controlPlane. */
  issuer?: string;
  controlPlane?: ControlPlaneRef;
  /** Undefined when the file does not set it: defaults to sts.amazonaws.com or the Control Plane's. */
  audience?: string;
  /** `false` = manage IAM only; otherwise the kubeconfig context (undefined = current context). */
  kubernetes: false | { context?: string };
  location: SourceLocation;
}

export interface Binding {
  role: string;
  description?: string;
  serviceAccounts: Array<ServiceAccountRef & { location: SourceLocation }>;
  /** Sorted, de-duplicated. */
  managedPolicies: string[];
  /** Where each managed policy ARN is written (its first occurrence in the binding). */
  managedPolicyLocations?: Record<string, SourceLocation>;
  /** Policy name → document (JSON strings already parsed). */
  inlinePolicies: Record<string, PolicyDocument>;
  /** Where each inline policy's name is written (set only when the binding has inline policies). */
  inlinePolicyLocations?: Record<string, SourceLocation>;
  maxSessionDuration: number;
  /** undefined = inherit aws.permissionsBoundary; null = no boundary. */
  permissionsBoundary?: string | null;
  tags: Record<string, string>;
  serviceAccountAnnotations: Record<string, string>;
  adopt: boolean;
  /** Take over our annotations from another field manager (force, for the planned fields only). */
  takeOver?: boolean;
  /** `rollout`: after apply, restart the Deployments, StatefulSets and DaemonSets its ServiceAccounts' role changed for. */
  restart?: 'rollout';
  location: SourceLocation;
}

export interface AwsSettings {
  accountId?: string;
  rolePath: string;
  permissionsBoundary?: string;
  tags: Record<string, string>;
  /** The account's quota of managed policies per role (AWS default 10, at most 20); the loader fills in 10. */
  maxManagedPoliciesPerRole?: number;
  /** The account's quota for trust policy length (AWS default 2048, at most 4096); the loader fills in 2048. */
  trustPolicySizeLimit?: number;
  /** Roles the reusable workflow assumes for this file; win over the workflow's inputs. */
  planRoleArn?: string;
  applyRoleArn?: string;
}

export interface BindingsFile {
  /** Path as given by the user; used in every message. */
  path: string;
  version: 1;
  owner: string;
  /** Where `owner:` is written (discovery names it when two files share an owner); set by the loader. */
  ownerLocation?: SourceLocation;
  aws: AwsSettings;
  /** Where `aws:` is written, when it is. */
  awsLocation?: SourceLocation;
  /** In file order. */
  clusters: ClusterConfig[];
  /** Where the `clusters:` key sits (messages about clusters that left the file point here). */
  clustersLocation?: SourceLocation;
  /** In file order. */
  bindings: Binding[];
}
