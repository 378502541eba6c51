// The workload kinds whose pods use a ServiceAccount: apps/v1 Deployments, StatefulSets and
// DaemonSets, batch/v1 Jobs and CronJobs, and core/v1 Pods. Enough of the API server for the plan's
// "workloads to restart" and `kubectl rollout restart`: list (all namespaces or one, label selector,
// limit/continue paging like every other list here), get, create (seeding and tests), and the three
// PATCH flavours. Objects are kept as the JSON the client sent, plus the metadata the server owns
// (uid, resourceVersion, generation, creationTimestamp); a Pod gets `spec.serviceAccountName:
// default` when it names none, as the ServiceAccount admission plugin does. Nothing is reconciled:
// no ReplicaSets or Pods appear behind a Deployment.
import type { EmulatorResponse } from '../core/server.js';
import { parseObjectBody } from './body.js';
import { namespaceTerminating } from './namespaces.js';
import { listJson, listPage } from './paging.js';
import { jsonPatch, mergePatch, parsePatchBody } from './patch.js';
import { matchesSelector, parseLabelSelector } from './selector.js';
import type { KubeState } from './state.js';
import { alreadyExists, badRequest, invalid, jsonResponse, notFound } from './status.js';
import { dns1123SubdomainErrors } from './validation.js';

export interface WorkloadKind {
  /** Plural resource name, as in the URL and RBAC rules. */
  resource: WorkloadResource;
  singular: string;
  kind: string;
  /** API group ('' = core). */
  group: '' | 'apps' | 'batch';
  version: 'v1';
  shortNames?: string[];
}

export type WorkloadResource = 'deployments' | 'statefulsets' | 'daemonsets' | 'jobs' | 'cronjobs' | 'pods';

export const WORKLOAD_KINDS: readonly WorkloadKind[] = [
  {
    resource: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    group: 'apps',
    version: 'v1',
    shortNames: ['deploy'],
  },
  {
    resource: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
    group: 'apps',
    version: 'v1',
    shortNames: ['sts'],
  },
  {
    resource: 'daemonsets',
    singular: 'daemonset',
    kind: 'DaemonSet',
    group: 'apps',
    version: 'v1',
    shortNames: ['ds'],
  },
  { resource: 'jobs', singular: 'job', kind: 'Job', group: 'batch', version: 'v1' },
  {
    resource: 'cronjobs',
    singular: 'cronjob',
    kind: 'CronJob',
    group: 'batch',
    version: 'v1',
    shortNames: ['cj'],
  },
  { resource: 'pods', singular: 'pod', kind: 'Pod', group: '', version: 'v1', shortNames: ['po'] },
];

export const workloadKind = (resource: string): WorkloadKind | undefined =>
  WORKLOAD_KINDS.find((k) => k.resource === resource);

/** `deployments.apps`, `pods`: how the API server names a resource in messages. */
export const qualifiedResource = (k: WorkloadKind): string =>
  k.group ? `${k.resource}.${k.group}` : k.resource;

export const apiVersionOf = (k: WorkloadKind): string => (k.group ? `${k.group}/${k.version}` : k.version);

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A stored object: its JSON as served (metadata included). */
export interface StoredWorkload {
  namespace: string;
  name: string;
  object: JsonObject;
}

/** What a test seeds: the object as a client would POST it (apiVersion/kind may be left out). */
export interface WorkloadSeed {
  resource: WorkloadResource;
  namespace: string;
  name: string;
  /** The pod template's (or Pod's) ServiceAccount; left out = none named. */
  serviceAccountName?: string;
  labels?: Record<string, string>;
  /** For Pods and Jobs: who owns it (a Job owned by a CronJob, a Pod owned by a ReplicaSet). */
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid?: string;
    controller?: boolean;
  }>;
  /** Extra top-level fields merged over the generated object (e.g. `spec.paused`). */
  extra?: JsonObject;
}

/** The minimal valid object of a kind whose pods run as `serviceAccountName`. */
export function seedObject(seed: WorkloadSeed): JsonObject {
  const k = workloadKind(seed.resource);
  if (!k) throw new Error(`not a workload resource: ${seed.resource}`);
  const podSpec: JsonObject = {
    ...(seed.serviceAccountName !== undefined ? { serviceAccountName: seed.serviceAccountName } : {}),
    containers: [{ name: 'app', image: 'public.ecr.aws/docker/library/busybox:stable' }],
  };
  const labels = { app: seed.name };
  const template = { metadata: { labels }, spec: podSpec };
  const specs: Record<WorkloadResource, JsonObject> = {
    deployments: { replicas: 1, selector: { matchLabels: labels }, template },
    statefulsets: { replicas: 1, serviceName: seed.name, selector: { matchLabels: labels }, template },
    daemonsets: { selector: { matchLabels: labels }, template },
    jobs: { template: { ...template, spec: { ...podSpec, restartPolicy: 'Never' } } },
    cronjobs: {
      schedule: '0 * * * *',
      jobTemplate: { spec: { template: { ...template, spec: { ...podSpec, restartPolicy: 'Never' } } } },
    },
    pods: podSpec,
  };
  const metadata: JsonObject = {
    name: seed.name,
    namespace: seed.namespace,
    ...(seed.labels ? { labels: seed.labels } : {}),
    ...(seed.ownerReferences ? { ownerReferences: seed.ownerReferences } : {}),
  };
  return mergePatch(
    { apiVersion: apiVersionOf(k), kind: k.kind, metadata, spec: specs[seed.resource] },
    seed.extra ?? {},
  ) as JsonObject;
}

/** Lists a pod template merges by key under strategic merge patch (others are replaced). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  ownerReferences: 'uid',
};

/**
 * Strategic merge patch as the API server applies it to these kinds: maps merge (null deletes),
 * lists with a patchMergeKey merge item by item, other lists are replaced. Directives (`$patch`,
 * `$setElementOrder/…`) are refused rather than silently misread.
 */
export function strategicMerge(target: unknown, patch: unknown, at = ''): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$'))
      throw badRequest(
        `strategic merge patch directive "${key}" at "${at || '.'}" is not supported by the kube emulator; send the fields to set or a JSON merge patch`,
      );
    if (value === null) {
      delete out[key];
      continue;
    }
    const mergeKey = MERGE_KEYS[key];
    if (mergeKey && Array.isArray(value) && Array.isArray(out[key])) {
      const merged = [...(out[key] as unknown[])];
      for (const item of value) {
        const at2 = isObject(item)
          ? merged.findIndex((m) => isObject(m) && m[mergeKey] === item[mergeKey])
          : -1;
        if (at2 >= 0) merged[at2] = strategicMerge(merged[at2], item, `${at}.${key}`);
        else merged.push(structuredClone(item));
      }
      out[key] = merged;
    } else out[key] = strategicMerge(out[key], value, `${at}.${key}`);
  }
  return out;
}

export type WorkloadPatchType = 'merge' | 'strategic' | 'json';

export class WorkloadApi {
  private readonly state: KubeState;

  constructor(state: KubeState) {
    this.state = state;
  }

  list(k: WorkloadKind, namespace: string | undefined, query: URLSearchParams): EmulatorResponse {
    if (query.get('fieldSelector'))
      throw badRequest(
        'fieldSelector is not supported by the kube emulator for workloads; use labelSelector',
      );
    const selector = parseLabelSelector(query.get('labelSelector'));
    const items = this.state
      .listWorkloads(k.resource, namespace)
      .filter((w) => matchesSelector(selector, labelsOf(w.object)));
    const rv = this.state.resourceVersion;
    const page = listPage(this.state, items, (w) => `${w.namespace}/${w.name}`, query, selector.length > 0);
    const envelope = listJson(
      `${k.kind}List`,
      page.items.map((w) => w.object),
      page,
      rv,
    ) as JsonObject;
    envelope.apiVersion = apiVersionOf(k);
    return jsonResponse(200, envelope);
  }

  get(k: WorkloadKind, namespace: string, name: string): EmulatorResponse {
    return jsonResponse(200, this.find(k, namespace, name).object);
  }

  create(k: WorkloadKind, namespace: string, body: string, contentType: string): EmulatorResponse {
    const value = parseObjectBody(body, contentType, k.kind);
    if (!isObject(value)) throw badRequest(`the request body must be a ${k.kind} object`);
    const meta = isObject(value.metadata) ? value.metadata : {};
    const name = typeof meta.name === 'string' ? meta.name : '';
    if (meta.namespace !== undefined && meta.namespace !== namespace)
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    const errors = dns1123SubdomainErrors(name);
    if (errors.length)
      throw invalid(
        k.kind,
        name,
        errors.map((message) => ({ reason: 'FieldValueInvalid', message, field: 'metadata.name' })),
      );
    const ns = this.state.namespace(namespace);
    if (!ns) throw notFound('namespaces', namespace);
    if (ns.deletionTimestamp) throw namespaceTerminating(qualifiedResource(k), name, namespace);
    if (this.state.workload(k.resource, namespace, name)) throw alreadyExists(qualifiedResource(k), name);
    const stored = this.state.putWorkload(
      k.resource,
      namespace,
      name,
      { ...value, apiVersion: apiVersionOf(k), kind: k.kind },
      true,
    );
    return jsonResponse(201, stored.object);
  }

  patch(
    k: WorkloadKind,
    namespace: string,
    name: string,
    type: WorkloadPatchType,
    body: string,
  ): EmulatorResponse {
    const existing = this.find(k, namespace, name);
    const patch = parsePatchBody(body);
    if (type !== 'json' && !isObject(patch)) throw badRequest(`a ${type} patch must be a JSON object`);
    const patched =
      type === 'json'
        ? jsonPatch(existing.object, patch)
        : type === 'merge'
          ? mergePatch(existing.object, patch)
          : strategicMerge(existing.object, patch);
    if (!isObject(patched)) throw badRequest('the patch must leave an object');
    const meta = isObject(patched.metadata) ? patched.metadata : {};
    if (meta.name !== name || (meta.namespace ?? namespace) !== namespace)
      throw badRequest('metadata.name and metadata.namespace cannot be changed by a patch');
    // As the API server's no-op check: an unchanged object keeps its resourceVersion.
    if (JSON.stringify(patched) === JSON.stringify(existing.object))
      return jsonResponse(200, existing.object);
    const stored = this.state.putWorkload(k.resource, namespace, name, patched, false);
    return jsonResponse(200, stored.object);
  }

  private find(k: WorkloadKind, namespace: string, name: string): StoredWorkload {
    const found = this.state.workload(k.resource, namespace, name);
    if (!found) throw notFound(qualifiedResource(k), name);
    return found;
  }
}

function labelsOf(object: JsonObject): Record<string, string> | undefined {
  const meta = object.metadata;
  return isObject(meta) && isObject(meta.labels) ? (meta.labels as Record<string, string>) : undefined;
}
