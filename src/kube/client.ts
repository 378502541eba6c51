// Kubernetes clients per cluster, resolved as kubectl does: KUBECONFIG (or ~/.kube/config) and a
// named or current context; or, for Control Plane clusters, serverUrl + CA + token.
// Deep import on purpose: the package index loads every generated API and model (see core-api.ts).
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { requestTimeoutMs } from '../support/deadline.js';
import { KubeCoreClient, type KubeConnection, type KubeCoreApi } from './core-api.js';
import { KubeTransport } from './transport.js';
import { KubeWorkloadsClient, type KubeWorkloadsApi } from './workloads-api.js';
import { delimiter } from 'node:path';

export interface KubeTarget {
  /** Cluster key from the bindings file, used in messages. */
  cluster: string;
  api: KubeCoreApi;
  /**
   * The workload kinds that run as a ServiceAccount (the plan's "workloads to restart", rollout
   * restarts). Absent in hand-built targets: those plans say the workloads were not read.
   */
  workloads?: KubeWorkloadsApi;
  /** Where the client points, for messages (never includes credentials). */
  server: string;
  /**
   * Where the server address, CA and token came from, for hints in messages: "the kubeconfig"
   * (default) or e.g. "Control Plane acme/prod (status.serverUrl, /-cacerts, CPLN_TOKEN)".
   */
  source?: string;
}

export interface KubeconfigSource {
  /** Kubeconfig YAML content (the action's `kubeconfig` input); else KUBECONFIG / ~/.kube/config. */
  kubeconfigText?: string;
}

export function loadKubeConfig(
  source: KubeconfigSource = {},
  env: NodeJS.ProcessEnv = process.env,
): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (source.kubeconfigText) kc.loadFromString(source.kubeconfigText);
    else kc.loadFromDefault();
  } catch (error) {
    throw kubeconfigLoadError(error, source.kubeconfigText ? 'the kubeconfig input' : kubeconfigFiles(env));
  }
  return kc;
}

/** Where loadFromDefault read the kubeconfig from, for messages. */
function kubeconfigFiles(env: NodeJS.ProcessEnv): string {
  const files = (env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
  if (files.length === 0) return '~/.kube/config';
  return files.length === 1
    ? `KUBECONFIG (${files[0]})`
    : `one of the KUBECONFIG files (${files.join(', ')})`;
}

/** Messages of client-node's own kubeconfig checks: they name a field, never a value. */
const SHAPE_PROBLEM = /^(clusters|users|contexts)\[\d+\]\.[a-z.-]+ is missing$/;

/**
 * The kubeconfig failed to load; the error says where, never what. The YAML parser's message quotes
 * the lines around the problem (a token on the line before a bad indent, both values of a duplicated
 * `token:`, the tail of an unterminated string) and its reason can quote an alias or tag name, so
 * only the position and a reason made of plain words are kept.
 */
export function kubeconfigLoadError(error: unknown, where: string): Error {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    reason?: unknown;
    mark?: { line?: unknown; column?: unknown };
    message?: unknown;
  };
  const hidden = 'its text is not shown because a kubeconfig holds credentials';
  if (e.name === 'YAMLException' && typeof e.mark?.line === 'number') {
    const column = typeof e.mark.column === 'number' ? `, column ${e.mark.column + 1}` : '';
    const reason = typeof e.reason === 'string' && /^[a-z ]{1,80}$/.test(e.reason) ? ` (${e.reason})` : '';
    return new Error(
      `kubeconfig is not valid YAML at line ${e.mark.line + 1}${column}${reason} in ${where} — fix it there (kubectl config view shows how it parses); ${hidden}.`,
    );
  }
  if (typeof e.message === 'string' && SHAPE_PROBLEM.test(e.message))
    return new Error(`${where} is not a usable kubeconfig: ${e.message} — fix it there.`);
  if (typeof e.message === 'string' && /^(ENOENT|EACCES|EISDIR|EPERM): /.test(e.message))
    return new Error(`cannot read the kubeconfig (${where}): ${e.message.split(',')[0]}.`);
  const kind = typeof e.name === 'string' && /^\w{1,40}$/.test(e.name) ? e.name : 'error';
  return new Error(`the kubeconfig in ${where} could not be loaded (${kind}); ${hidden}.`);
}

/** A client for one context of a kubeconfig (undefined = the current context). */
export function kubeTargetFromConfig(cluster: string, base: KubeConfig, context?: string): KubeTarget {
  const kc = new KubeConfig();
  kc.loadFromString(base.exportConfig());
  const name = context ?? kc.getCurrentContext();
  if (!name || !kc.getContextObject(name)) {
    const known = kc.getContexts().map((c) => c.name);
    throw new Error(
      context
        ? `cluster "${cluster}": kubeconfig context "${context}" not found (contexts: ${known.join(', ') || 'none'}). Set clusters.${cluster}.kubernetes.context to one of them, or "kubernetes: false" to manage IAM only.`
        : `cluster "${cluster}": the kubeconfig has no current context. Set clusters.${cluster}.kubernetes.context, or "kubernetes: false" to manage IAM only.`,
    );
  }
  kc.setCurrentContext(name);
  const server = kc.getCurrentCluster()?.server;
  if (!server) {
    const named = kc.getContextObject(name)?.cluster;
    throw new Error(
      `cluster "${cluster}": kubeconfig context "${name}" names cluster "${named ?? ''}", which the kubeconfig does not define (or gives no server). Fix the context or add the cluster.`,
    );
  }
  return targetFor(kc, cluster, server);
}

/** The clients of one cluster, with pooled connections and a time limit on every request. */
function targetFor(kc: KubeConfig, cluster: string, server: string, source?: string): KubeTarget {
  const connection: KubeConnection = {
    // Resource paths are appended to it; a server URL may carry a path prefix (a proxy's).
    server: server.replace(/\/+$/, ''),
    transport: new KubeTransport(kc),
    timeoutMs: requestTimeoutMs(),
  };
  return {
    cluster,
    api: new KubeCoreClient(connection),
    workloads: new KubeWorkloadsClient(connection),
    server,
    ...(source === undefined ? {} : { source }),
  };
}

/** A client from a server URL, CA bundle and bearer token (the Control Plane path). */
export function kubeTargetFromToken(
  cluster: string,
  server: string,
  caPem: string,
  token: string,
  source?: string,
): KubeTarget {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: cluster, server, caData: Buffer.from(caPem).toString('base64'), skipTLSVerify: false },
    ],
    users: [{ name: 'workload-identity-bindings', token }],
    contexts: [{ name: cluster, cluster, user: 'workload-identity-bindings' }],
    currentContext: cluster,
  });
  return targetFor(kc, cluster, server, source);
}
