// In-memory Control Plane data behind the emulator: managed Kubernetes (mk8s) clusters per org and
// API tokens with the orgs they may read. Setup mistakes throw; lookups return undefined so the
// handler can answer 404 the way the API does.
import type { JsonObject } from '../../src/policy/types.js';

export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';

export interface ClusterInput {
  org: string;
  name: string;
  /** Issuer of the cluster's ServiceAccount tokens, `https://…`. */
  oidcProviderUrl: string;
  /** Kubernetes API server URL. */
  serverUrl: string;
  /** PEM CA bundle served by `/-cacerts`. */
  caPem: string;
  /**
   * AWS Workload Identity add-on: `true` = enabled and reconciled (spec and status), `'pending'` =
   * enabled in the spec but its status block not filled in yet, `false` = not enabled.
   */
  addOn: boolean | 'pending';
  /** What `GET …/-ready` answers; default ready unless the add-on is pending. */
  ready?: { ready: boolean; message: string };
  /** status.addOns.awsWorkloadIdentity.oidcProviderConfig.audience; default sts.amazonaws.com. */
  audience?: string;
  /** status.addOns.awsWorkloadIdentity.oidcProviderConfig.providerUrl; default oidcProviderUrl. */
  providerUrl?: string;
  /** The add-on's trust policy template; default one built from the issuer with <ACCOUNT_ID>, <NAMESPACE>, <SERVICE_ACCOUNT>. */
  trustPolicy?: JsonObject;
  description?: string;
  tags?: Record<string, string>;
  /** Kubernetes version in spec.version. */
  kubernetesVersion?: string;
  /** spec.provider; default a generic provider in homeLocation. */
  provider?: JsonObject;
  homeLocation?: string;
}

export interface StoredCluster extends Required<Omit<ClusterInput, 'trustPolicy' | 'provider' | 'ready'>> {
  ready: { ready: boolean; message: string };
  id: string;
  alias: string;
  /** Resource version, bumped each time the cluster is replaced. */
  version: number;
  trustPolicy: JsonObject;
  provider: JsonObject;
  created: string;
  lastModified: string;
}

/** `https://host/path` → `host/path`, the form IAM uses in ARNs and condition keys. */
export function issuerHostPath(url: string): string {
  return url.replace(/^https:\/\//, '').replace(/\/+$/, '');
}

/** The template Control Plane publishes: placeholders filled in by whoever creates the IAM role. */
export function defaultTrustPolicy(providerUrl: string, audience: string): JsonObject {
  const issuer = issuerHostPath(providerUrl);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::<ACCOUNT_ID>:oidc-provider/${issuer}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: 'system:serviceaccount:<NAMESPACE>:<SERVICE_ACCOUNT>',
            [`${issuer}:aud`]: audience,
          },
        },
      },
    ],
  };
}

function key(org: string, name: string): string {
  return `${org}/${name}`;
}

export class ControlPlaneState {
  private readonly now: () => Date;
  private readonly clusters = new Map<string, StoredCluster>();
  /** token → orgs it may read (`*`: every org). */
  private readonly tokens = new Map<string, string[]>();
  private seq = 0;

  constructor(now: () => Date = () => new Date()) {
    this.now = now;
  }

  addToken(token: string, orgs: string[]): void {
    if (token.trim() === '') throw new Error('Control Plane emulator: a token cannot be empty.');
    this.tokens.set(token, [...orgs]);
  }

  removeToken(token: string): void {
    this.tokens.delete(token);
  }

  /** Orgs the token may read, or undefined for an unknown token. */
  orgsOf(token: string): string[] | undefined {
    return this.tokens.get(token);
  }

  /** Adds a cluster, or replaces it (same id and created time, version + 1). */
  addCluster(input: ClusterInput): StoredCluster {
    // No public source shows a real status.oidcProviderUrl, with or without the scheme (#20): the
    // emulator serves either form as given, and clients must accept both.
    if (/^[a-z]+:\/\//i.test(input.oidcProviderUrl) && !/^https:\/\//.test(input.oidcProviderUrl)) {
      throw new Error(
        `Control Plane emulator: oidcProviderUrl must be https://host/path or host/path (got ${input.oidcProviderUrl}).`,
      );
    }
    const previous = this.clusters.get(key(input.org, input.name));
    const at = this.now().toISOString();
    const homeLocation = input.homeLocation ?? 'aws-eu-central-1';
    const audience = input.audience ?? DEFAULT_AUDIENCE;
    const providerUrl = input.providerUrl ?? input.oidcProviderUrl;
    this.seq += 1;
    const cluster: StoredCluster = {
      org: input.org,
      name: input.name,
      oidcProviderUrl: input.oidcProviderUrl,
      serverUrl: input.serverUrl,
      caPem: input.caPem,
      addOn: input.addOn,
      ready:
        input.ready ??
        (input.addOn === 'pending'
          ? { ready: false, message: 'awsWorkloadIdentity add-on is being provisioned' }
          : { ready: true, message: 'ready' }),
      audience,
      providerUrl,
      trustPolicy: structuredClone(input.trustPolicy ?? defaultTrustPolicy(providerUrl, audience)),
      description: input.description ?? input.name,
      tags: { ...input.tags },
      kubernetesVersion: input.kubernetesVersion ?? '1.31.5',
      provider: structuredClone(
        input.provider ?? {
          generic: {
            location: homeLocation,
            networking: { serviceNetwork: '10.43.0.0/16', podNetwork: '10.42.0.0/16' },
            nodePools: [],
          },
        },
      ),
      homeLocation,
      id:
        previous?.id ??
        `0c5e1a7e-${this.seq.toString(16).padStart(4, '0')}-4b6d-9f3a-${(0x1f2e3d4c5b6a + this.seq).toString(16)}`,
      alias: previous?.alias ?? `k${(0x6a1b2c + this.seq * 7919).toString(36)}`,
      version: (previous?.version ?? 0) + 1,
      created: previous?.created ?? at,
      lastModified: at,
    };
    this.clusters.set(key(input.org, input.name), cluster);
    return cluster;
  }

  removeCluster(org: string, name: string): boolean {
    return this.clusters.delete(key(org, name));
  }

  cluster(org: string, name: string): StoredCluster | undefined {
    return this.clusters.get(key(org, name));
  }
}
