// Turns a checked file into the typed BindingsFile: defaults filled in, JSON policies parsed, every
// cluster, binding and ServiceAccount carrying its location. Only called when there are no errors,
// so the casts here rest on the schema and semantic checks.
import { punycodeIssuer } from './issuer.js';
import { sortedUnique } from '../support/order.js';
import { DEFAULT_ROLE_PATH } from '../support/ownership.js';
import type { PolicyDocument } from '../policy/types.js';
import { DEFAULT_MAX_MANAGED_POLICIES, DEFAULT_TRUST_POLICY_SIZE_LIMIT } from './limits.js';
import type { JsonPath, Locator } from './parse.js';
import type {
  AwsSettings,
  Binding,
  BindingsFile,
  ClusterConfig,
  ServiceAccountRef,
  SourceLocation,
} from './types.js';

export const DEFAULT_MAX_SESSION_DURATION = 3600;

interface RawCluster {
  issuer?: string;
  controlPlane?: { org: string; cluster: string };
  audience?: string;
  kubernetes?: false | { context?: string };
}

interface RawBinding {
  role: string;
  description?: string;
  serviceAccounts: ServiceAccountRef[];
  managedPolicies?: string[];
  inlinePolicies?: Record<string, PolicyDocument | string>;
  maxSessionDuration?: number;
  permissionsBoundary?: string | null;
  tags?: Record<string, string>;
  serviceAccountAnnotations?: Record<string, string>;
  adopt?: boolean;
  takeOver?: boolean;
  restart?: 'rollout' | 'none';
}

interface RawFile {
  owner: string;
  aws?: Partial<AwsSettings>;
  clusters: Record<string, RawCluster>;
  bindings: RawBinding[];
}

export function buildBindingsFile(
  value: Record<string, unknown>,
  locate: Locator,
  path: string,
): BindingsFile {
  const raw = value as unknown as RawFile;
  const at = (p: JsonPath): SourceLocation => ({ file: path, ...locate.value(p) });
  const aws = raw.aws ?? {};
  const awsSettings: AwsSettings = {
    rolePath: aws.rolePath ?? DEFAULT_ROLE_PATH,
    tags: { ...aws.tags },
    maxManagedPoliciesPerRole: aws.maxManagedPoliciesPerRole ?? DEFAULT_MAX_MANAGED_POLICIES,
    trustPolicySizeLimit: aws.trustPolicySizeLimit ?? DEFAULT_TRUST_POLICY_SIZE_LIMIT,
  };
  if (aws.accountId !== undefined) awsSettings.accountId = aws.accountId;
  if (aws.permissionsBoundary !== undefined) awsSettings.permissionsBoundary = aws.permissionsBoundary;
  if (aws.planRoleArn !== undefined) awsSettings.planRoleArn = aws.planRoleArn;
  if (aws.applyRoleArn !== undefined) awsSettings.applyRoleArn = aws.applyRoleArn;

  const clusters = Object.entries(raw.clusters).map(([key, c]): ClusterConfig => {
    const cluster: ClusterConfig = {
      key,
      kubernetes:
        c.kubernetes === false ? false : c.kubernetes?.context ? { context: c.kubernetes.context } : {},
      location: { file: path, ...locate.key(['clusters', key]) },
    };
    // An internationalised host is used as punycode (validation warned about it).
    if (c.issuer !== undefined) cluster.issuer = punycodeIssuer(c.issuer) ?? c.issuer;
    if (c.controlPlane !== undefined)
      cluster.controlPlane = { org: c.controlPlane.org, cluster: c.controlPlane.cluster };
    if (c.audience !== undefined) cluster.audience = c.audience;
    return cluster;
  });

  const bindings = raw.bindings.map((b, i): Binding => {
    const inlinePolicies: Record<string, PolicyDocument> = {};
    for (const [name, doc] of Object.entries(b.inlinePolicies ?? {})) {
      inlinePolicies[name] = typeof doc === 'string' ? (JSON.parse(doc) as PolicyDocument) : doc;
    }
    const inlinePolicyLocations: Record<string, SourceLocation> = {};
    for (const name of Object.keys(inlinePolicies))
      inlinePolicyLocations[name] = { file: path, ...locate.key(['bindings', i, 'inlinePolicies', name]) };
    const managedPolicyLocations: Record<string, SourceLocation> = {};
    (b.managedPolicies ?? []).forEach((arn, j) => {
      managedPolicyLocations[arn] ??= at(['bindings', i, 'managedPolicies', j]);
    });
    const binding: Binding = {
      role: b.role,
      serviceAccounts: b.serviceAccounts.map((sa, j) => ({
        cluster: sa.cluster,
        namespace: sa.namespace,
        name: sa.name,
        location: at(['bindings', i, 'serviceAccounts', j]),
      })),
      managedPolicies: sortedUnique(b.managedPolicies ?? []),
      managedPolicyLocations,
      inlinePolicies,
      maxSessionDuration: b.maxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
      tags: { ...b.tags },
      serviceAccountAnnotations: { ...b.serviceAccountAnnotations },
      adopt: b.adopt ?? false,
      location: at(['bindings', i]),
    };
    if (b.takeOver) binding.takeOver = true;
    if (b.restart === 'rollout') binding.restart = 'rollout';
    if (Object.keys(inlinePolicyLocations).length > 0) binding.inlinePolicyLocations = inlinePolicyLocations;
    if (b.description !== undefined) binding.description = b.description;
    if (b.permissionsBoundary !== undefined) binding.permissionsBoundary = b.permissionsBoundary;
    return binding;
  });

  const file: BindingsFile = {
    path,
    version: 1,
    owner: raw.owner,
    ownerLocation: { file: path, ...locate.key(['owner']) },
    aws: awsSettings,
    clusters,
    clustersLocation: { file: path, ...locate.key(['clusters']) },
    bindings,
  };
  if (raw.aws !== undefined) file.awsLocation = { file: path, ...locate.key(['aws']) };
  return file;
}
