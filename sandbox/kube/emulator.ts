// The Kubernetes API server emulator (core/v1 namespaces, serviceaccounts and pods; the apps/v1 and
// batch/v1 workload kinds) that tests, the demo
// and the benchmark start: real clients (@kubernetes/client-node, kubectl) talk to it through a
// kubeconfig from `kubeconfigFor`. `server` carries the request counters and fault knobs; the
// seed/get/list methods reach the state directly, without HTTP and without counting.
import { stringify } from 'yaml';
import { EmulatorServer } from '../core/server.js';
import { serviceAccountJson } from './codec.js';
import { KubeHandler, type DenyRule } from './handler.js';
import type { ContinueExpiry } from './paging.js';
import { namespaceJson } from './namespaces.js';
import { DEFAULT_NAMESPACES, KubeState } from './state.js';
import { testCertificates } from './tls.js';
import { TokenIssuer } from './tokens.js';
import type { ServiceAccountJson, ServiceAccountSeed } from './types.js';
import { seedObject, type WorkloadResource, type WorkloadSeed } from './workloads.js';

export { OPERATIONS } from './types.js';
export type { DenyRule } from './handler.js';
export type { ContinueExpiry } from './paging.js';
export type { ServiceAccountJson, ServiceAccountSeed } from './types.js';
export type { WorkloadResource, WorkloadSeed } from './workloads.js';
export { workloadOperation } from './types.js';

/** The bearer token every emulator accepts unless `token` is given. */
export const DEFAULT_KUBE_TOKEN = 'kube-emulator-admin-token';

export interface KubeEmulatorOptions {
  /** Bearer token with full access (default DEFAULT_KUBE_TOKEN). */
  token?: string;
  /** Bearer token that may only read; writes get 403 Forbidden. */
  readOnlyToken?: string;
  /** Serve https with a generated test CA (see `caPem`) instead of plain http. */
  https?: boolean;
  /** Namespaces that exist at start (default: default, kube-system, kube-public). */
  namespaces?: string[];
  /** Clock for creationTimestamp and managedFields times (default: the real clock). */
  now?: () => Date;
  /**
   * The ServiceAccount issuer (`iss` of tokens, the discovery document's issuer), e.g.
   * https://oidc.eks.us-east-1.amazonaws.com/id/X. Default: the emulator's own URL.
   */
  issuer?: string;
}

export class KubeEmulator {
  readonly server: EmulatorServer;
  readonly state: KubeState;
  private readonly handler: KubeHandler;
  readonly token: string;
  readonly readOnlyToken: string | undefined;
  readonly https: boolean;
  /** Signs TokenRequest tokens and serves the OIDC discovery document and JWKS. */
  readonly tokens: TokenIssuer;
  /** The CA certificate (PEM) that signed the server certificate; set by `start()` in https mode. */
  caPem: string | undefined;

  constructor(options: KubeEmulatorOptions = {}) {
    this.token = options.token ?? DEFAULT_KUBE_TOKEN;
    this.readOnlyToken = options.readOnlyToken;
    this.https = options.https ?? false;
    this.state = new KubeState(options.now);
    for (const ns of options.namespaces ?? DEFAULT_NAMESPACES) this.state.createNamespace(ns);
    this.tokens = new TokenIssuer(() => this.server.url, options.now ?? (() => new Date()), options.issuer);
    this.handler = new KubeHandler(
      this.state,
      { token: this.token, readOnlyToken: this.readOnlyToken },
      () => this.server.url,
      this.tokens,
    );
    this.server = new EmulatorServer('kube', this.handler);
  }

  /** Starts listening on 127.0.0.1 (random port unless given); resolves to the base URL. */
  async start(port = 0): Promise<string> {
    if (!this.https) return this.server.start(port);
    const certs = await testCertificates();
    this.caPem = certs.caPem;
    return this.server.start(port, { key: certs.keyPem, cert: certs.certPem });
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  get url(): string {
    return this.server.url;
  }

  /** The `iss` of the tokens this cluster signs. */
  get issuer(): string {
    return this.tokens.issuer;
  }

  /**
   * Requests refused with 401 because the bearer token was missing or unknown. `server` counters
   * never include them, so "no request at all" is `server.totalCalls() + unauthenticatedRequests()`.
   */
  unauthenticatedRequests(): number {
    return this.handler.unauthenticated;
  }

  /** Clears the operation counters and the 401 count. */
  resetCounters(): void {
    this.server.resetCounters();
    this.handler.unauthenticated = 0;
  }

  /** RBAC gaps for every token from now on (replaces earlier ones; `[]` allows everything again). */
  denyRequests(rules: DenyRule[]): void {
    this.handler.deny = [...rules];
  }

  /** How continue tokens expire from now on (`{}`: never). See ContinueExpiry. */
  expireContinueTokens(expiry: ContinueExpiry): void {
    const target = this.state.continueExpiry;
    delete target.ttlMs;
    delete target.expireNext;
    Object.assign(target, expiry);
  }

  /**
   * Whether paged lists without a selector report `remainingItemCount` from now on (default true,
   * as the API server does; false: a server that leaves it unset, which ListMeta allows).
   */
  reportRemainingItemCount(on: boolean): void {
    this.state.reportsRemainingItemCount = on;
  }

  /** Deletes a namespace as `kubectl delete namespace` would: it stays Terminating until finalized. */
  terminateNamespace(name: string): void {
    this.state.terminateNamespace(name);
  }

  /** Finishes a namespace deletion: its ServiceAccounts and the namespace go. */
  finalizeNamespace(name: string): void {
    this.state.finalizeNamespace(name);
  }

  seedNamespace(name: string, labels: Record<string, string> = {}): void {
    if (!this.state.namespace(name)) this.state.createNamespace(name, labels);
  }

  /** Stores a ServiceAccount (creating its namespace if needed) and returns it as the API would. */
  seedServiceAccount(seed: ServiceAccountSeed): ServiceAccountJson {
    return serviceAccountJson(this.state.seedServiceAccount(seed));
  }

  /**
   * Stores a Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod (creating its namespace if
   * needed) and returns it as the API would.
   */
  seedWorkload(seed: WorkloadSeed): Record<string, unknown> {
    this.seedNamespace(seed.namespace);
    const create = !this.state.workload(seed.resource, seed.namespace, seed.name);
    return this.state.putWorkload(seed.resource, seed.namespace, seed.name, seedObject(seed), create).object;
  }

  getWorkload(
    resource: WorkloadResource,
    namespace: string,
    name: string,
  ): Record<string, unknown> | undefined {
    return this.state.workload(resource, namespace, name)?.object;
  }

  getServiceAccount(namespace: string, name: string): ServiceAccountJson | undefined {
    const sa = this.state.serviceAccount(namespace, name);
    return sa && serviceAccountJson(sa);
  }

  /** All ServiceAccounts (or one namespace's) in the order the API lists them. */
  listServiceAccounts(namespace?: string): ServiceAccountJson[] {
    return this.state.listServiceAccounts(namespace).map((sa) => serviceAccountJson(sa));
  }

  namespaces(): string[] {
    return this.state.listNamespaces().map((ns) => ns.name);
  }

  getNamespace(name: string): unknown {
    const ns = this.state.namespace(name);
    return ns && namespaceJson(ns);
  }
}

export interface KubeconfigOptions {
  /** Context, cluster and user name (default `kube-emulator`). */
  context?: string;
  /** Bearer token to put in the kubeconfig (default: the emulator's full-access token). */
  token?: string;
  /** Default namespace of the context. */
  namespace?: string;
  /**
   * For an https emulator: skip server verification instead of embedding the CA. Plain http
   * emulators always get `insecure-skip-tls-verify: true`, which client-node needs to accept http.
   */
  insecureSkipTlsVerify?: boolean;
}

/**
 * Kubeconfig YAML for a started emulator, usable by client-node (`loadFromString`) and kubectl.
 * kubectl (client-go) sends bearer tokens only over TLS, so point kubectl at an https emulator.
 */
export function kubeconfigFor(emulator: KubeEmulator, options: KubeconfigOptions = {}): string {
  if (!emulator.url)
    throw new Error('kubeconfigFor: start the KubeEmulator first (await emulator.start()) so it has a URL');
  const name = options.context ?? 'kube-emulator';
  const verify = emulator.https && !options.insecureSkipTlsVerify;
  if (verify && !emulator.caPem)
    throw new Error('kubeconfigFor: the https emulator has no CA yet; await emulator.start() first');
  const cluster = verify
    ? { server: emulator.url, 'certificate-authority-data': Buffer.from(emulator.caPem!).toString('base64') }
    : { server: emulator.url, 'insecure-skip-tls-verify': true };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name, user: { token: options.token ?? emulator.token } }],
    contexts: [
      {
        name,
        context: {
          cluster: name,
          user: name,
          ...(options.namespace ? { namespace: options.namespace } : {}),
        },
      },
    ],
    'current-context': name,
    preferences: {},
  });
}
