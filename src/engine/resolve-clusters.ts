// Turns the file's clusters into ResolvedClusters: issuer clusters directly, Control Plane clusters
// through one concurrent lookup each per run (issuer, audience, add-on check, trust-policy template).
import { audienceProblem, issuerProblem } from '../bindings/issuer.js';
import type { BindingsFile, ClusterConfig } from '../bindings/types.js';
import type { ControlPlaneAccess, Mk8sCluster } from '../controlplane/client.js';
import { bareToken } from '../controlplane/token.js';
import type { ResolvedCluster } from '../desired/types.js';
import { DEFAULT_AUDIENCE } from '../support/ownership.js';
import { errorMessage } from '../support/errors.js';

export interface ResolvedClusters {
  clusters: ResolvedCluster[];
  /** Control Plane lookups by cluster key, reused for Kubernetes access (serverUrl). */
  controlPlane: Map<string, Mk8sCluster>;
}

export function stripIssuer(url: string): { issuer: string; hostPath: string } {
  const issuer = url.trim().replace(/\/+$/, '');
  return { issuer, hostPath: issuer.replace(/^https:\/\//i, '') };
}

/**
 * A Control Plane issuer in the https form. No public source shows a real status.oidcProviderUrl,
 * with or without the scheme, so both `https://host/path` and a bare `host/path` are accepted; the
 * host and path are kept exactly as published (a token's `iss` must match them). Another scheme is
 * not an OIDC issuer IAM accepts: undefined.
 */
export function controlPlaneIssuer(url: string | undefined): string | undefined {
  const trimmed = (url ?? '').trim();
  if (trimmed === '') return undefined;
  if (/^https:\/\//i.test(trimmed)) return `https://${trimmed.slice('https://'.length)}`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return undefined;
  return `https://${trimmed}`;
}

function resolveKubernetes(config: ClusterConfig): ResolvedCluster['kubernetes'] {
  if (config.kubernetes === false) return false;
  if (config.controlPlane && config.kubernetes.context === undefined)
    return { controlPlane: { ...config.controlPlane } };
  return { context: config.kubernetes.context };
}

function fromControlPlane(config: ClusterConfig, found: Mk8sCluster, ready?: ReadyState): ResolvedCluster {
  const ref = `${found.org}/${found.name}`;
  if (!found.awsWorkloadIdentity) {
    if (found.addOnEnabled) {
      const why = ready?.message ? ` (Control Plane says: ${ready.message})` : '';
      throw new Error(
        `cluster "${config.key}": the AWS Workload Identity add-on of Control Plane cluster ${ref} is enabled, not ready yet${why}: its status (issuer, audience, trust policy) is not filled in. Wait until \`GET /org/${found.org}/mk8s/${found.name}/-ready\` says ready, then run again.`,
      );
    }
    throw new Error(
      `cluster "${config.key}": Control Plane cluster ${ref} does not have the AWS Workload Identity add-on enabled. ` +
        'Enable it with `spec.addOns.awsWorkloadIdentity: {}` in the cluster manifest (cpln apply), or the Add-ons tab of the cluster in the console, then run again.',
    );
  }
  const url = controlPlaneIssuer(found.oidcProviderUrl ?? found.awsWorkloadIdentity.providerUrl);
  if (!url) {
    throw new Error(
      `cluster "${config.key}": Control Plane cluster ${ref} reports no https OIDC issuer (status.oidcProviderUrl) yet; wait until the cluster is ready, or set clusters.${config.key}.issuer.`,
    );
  }
  const { issuer, hostPath } = stripIssuer(url);
  const audience = config.audience ?? found.awsWorkloadIdentity.audience ?? DEFAULT_AUDIENCE;
  // What Control Plane answers meets the rules the file's own issuer and audience meet (#13): no
  // wildcard, policy variable or control character reaches an OIDC provider or a trust policy.
  const problem = issuerProblem(issuer) ?? audienceProblem(audience);
  if (problem)
    throw new Error(
      `cluster "${config.key}": Control Plane cluster ${ref} reports a value IAM must not get: ${problem}. Set clusters.${config.key}.issuer (and audience) in the file, or fix the cluster.`,
    );
  return {
    key: config.key,
    issuer,
    issuerHostPath: hostPath,
    audience,
    kubernetes: resolveKubernetes(config),
    trustPolicyTemplate: found.awsWorkloadIdentity.trustPolicy,
  };
}

type ReadyState = { ready: boolean; message?: string };

export async function resolveClusters(
  file: BindingsFile,
  controlPlane: Omit<ControlPlaneAccess, 'token'> & { token?: string },
): Promise<ResolvedClusters> {
  const lookups = new Map<string, Promise<Mk8sCluster>>();
  const token = bareToken(controlPlane.token);
  // The REST client is loaded only for a file with a Control Plane cluster (most have none).
  const client = file.clusters.some((c) => c.controlPlane)
    ? await import('../controlplane/client.js')
    : undefined;
  for (const config of file.clusters) {
    if (!config.controlPlane) continue;
    const { org, cluster } = config.controlPlane;
    if (!token) {
      throw new Error(
        `cluster "${config.key}" is a Control Plane cluster (${org}/${cluster}) but no Control Plane token was given: set the cpln-token input or the CPLN_TOKEN environment variable.`,
      );
    }
    const key = `${org}/${cluster}`;
    if (!lookups.has(key)) lookups.set(key, client!.getMk8sCluster({ ...controlPlane, token }, org, cluster));
  }
  // Every lookup is started before any is awaited: several clusters cost one round trip of wall time.
  const keys = [...lookups.keys()];
  const results = await Promise.allSettled(keys.map((key) => lookups.get(key)!));
  const settled = new Map(keys.map((key, i) => [key, results[i]]));

  const clusters: ResolvedCluster[] = [];
  const found = new Map<string, Mk8sCluster>();
  const problems: string[] = [];
  for (const config of file.clusters) {
    if (config.controlPlane) {
      const result = settled.get(`${config.controlPlane.org}/${config.controlPlane.cluster}`)!;
      if (result.status === 'rejected') {
        problems.push(`cluster "${config.key}": ${errorMessage(result.reason)}`);
        continue;
      }
      try {
        // Enabled in the spec but no status yet: ask why (best effort; the message is only a hint).
        const pending = result.value.addOnEnabled && !result.value.awsWorkloadIdentity;
        const ready = pending
          ? await client!
              .getMk8sReady(
                { ...controlPlane, token: token! },
                config.controlPlane.org,
                config.controlPlane.cluster,
              )
              .catch(() => undefined)
          : undefined;
        clusters.push(fromControlPlane(config, result.value, ready));
        found.set(config.key, result.value);
      } catch (error) {
        problems.push(errorMessage(error));
      }
    } else {
      const { issuer, hostPath } = stripIssuer(config.issuer ?? '');
      clusters.push({
        key: config.key,
        issuer,
        issuerHostPath: hostPath,
        audience: config.audience ?? DEFAULT_AUDIENCE,
        kubernetes: resolveKubernetes(config),
      });
    }
  }
  if (problems.length) throw new Error(problems.join('\n'));
  return { clusters, controlPlane: found };
}
