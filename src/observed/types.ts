// Observed state: what IAM and Kubernetes hold now, as read by the adapters in src/aws and src/kube.
// Shapes mirror the desired ones so the diff compares like with like.
import type { PolicyDocument } from '../policy/types.js';

export interface ObservedRole {
  name: string;
  path: string;
  arn: string;
  description?: string;
  maxSessionDuration: number;
  permissionsBoundary?: string;
  /** Already URL-decoded and parsed. */
  trustPolicy: PolicyDocument;
  managedPolicies: string[];
  inlinePolicies: Record<string, PolicyDocument>;
  tags: Record<string, string>;
}

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
  resourceVersion?: string;
  /**
   * Annotation and label keys our field manager owns (from managedFields), so the diff knows which
   * annotations we set earlier and must remove when the file no longer asks for them.
   */
  ownedByUs: { annotations: string[]; labels: string[] };
}

export interface ObservedCluster {
  key: string;
  /** ServiceAccounts carrying our managed-by label, plus each wanted SA that exists without it. */
  serviceAccounts: ObservedServiceAccount[];
  /** Which of the namespaces the file mentions exist. */
  existingNamespaces: string[];
}

/**
 * Which roles in the whole account trust which OIDC providers: an OIDC provider is shared by every
 * role that federates to it, whoever owns the role, so deleting one can break roles this file never
 * names.
 */
export interface ProviderTrust {
  /** Role names by federated principal ARN (see `providerTrustKey`), every role in the account. */
  rolesByProvider: Record<string, string[]>;
  /** False when not every role could be read (GetAccountAuthorizationDetails denied). */
  complete: boolean;
}

/** `arn:aws:iam::123:oidc-provider/Host/path` → `123:host/path`, as providers and trust policies compare. */
export function providerTrustKey(arn: string): string {
  const match = /^arn:[^:]+:iam::(\d*):oidc-provider\/(.+)$/.exec(arn.trim());
  if (!match) return arn.trim();
  const hostPath = match[2].replace(/\/+$/, '');
  const slash = hostPath.indexOf('/');
  const host = slash < 0 ? hostPath : hostPath.slice(0, slash);
  return `${match[1]}:${host.toLowerCase()}${slash < 0 ? '' : hostPath.slice(slash)}`;
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
