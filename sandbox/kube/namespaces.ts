// The Namespace endpoints the project needs: list (label selector, paging), get, create and delete.
// A deleted namespace stays `Terminating` (its `kubernetes` finalizer is never run here unless a test
// finalizes it) and the NamespaceLifecycle admission plugin's 403 refuses new objects in it.
import type { EmulatorResponse } from '../core/server.js';
import { parseObjectBody } from './body.js';
import { listJson, listPage } from './paging.js';
import { matchesSelector, parseLabelSelector } from './selector.js';
import type { KubeState } from './state.js';
import {
  alreadyExists,
  invalid,
  jsonResponse,
  KubeStatusError,
  notFound,
  type StatusCause,
} from './status.js';
import type { StoredNamespace } from './types.js';
import { dns1123LabelErrors, invalidValue, metadataMapErrors } from './validation.js';

export function namespaceJson(ns: StoredNamespace, withType = true): unknown {
  return {
    ...(withType ? { kind: 'Namespace', apiVersion: 'v1' } : {}),
    metadata: {
      name: ns.name,
      uid: ns.uid,
      resourceVersion: ns.resourceVersion,
      creationTimestamp: ns.creationTimestamp,
      ...(ns.deletionTimestamp ? { deletionTimestamp: ns.deletionTimestamp } : {}),
      labels: { ...ns.labels },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: ns.deletionTimestamp ? 'Terminating' : 'Active' },
  };
}

/**
 * The NamespaceLifecycle admission plugin's answer to a create in a namespace being deleted: 403
 * Forbidden with a `NamespaceTerminating` cause (k8s.io/apiserver admission/plugin/namespace/lifecycle;
 * the cause type is metav1.NamespaceTerminatingCause).
 */
export function namespaceTerminating(resource: string, name: string, namespace: string): KubeStatusError {
  return new KubeStatusError(
    403,
    'Forbidden',
    `${resource} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    {
      name,
      kind: resource,
      causes: [
        {
          reason: 'NamespaceTerminating',
          message: `namespace ${namespace} is being terminated`,
          field: 'metadata.namespace',
        },
      ],
    },
  );
}

export class NamespaceApi {
  private readonly state: KubeState;

  constructor(state: KubeState) {
    this.state = state;
  }

  list(query: URLSearchParams): EmulatorResponse {
    const selector = parseLabelSelector(query.get('labelSelector'));
    const matching = this.state.listNamespaces().filter((ns) => matchesSelector(selector, ns.labels));
    const rv = this.state.resourceVersion;
    const page = listPage(this.state, matching, (ns) => ns.name, query, selector.length > 0);
    return jsonResponse(
      200,
      listJson(
        'NamespaceList',
        page.items.map((ns) => namespaceJson(ns, false)),
        page,
        rv,
      ),
    );
  }

  get(name: string): EmulatorResponse {
    const ns = this.state.namespace(name);
    if (!ns) throw notFound('namespaces', name);
    return jsonResponse(200, namespaceJson(ns));
  }

  /** The API server answers a namespace delete with the namespace, now Terminating. */
  delete(name: string): EmulatorResponse {
    const ns = this.state.terminateNamespace(name);
    if (!ns) throw notFound('namespaces', name);
    return jsonResponse(200, namespaceJson(ns));
  }

  create(body: string, contentType: string): EmulatorResponse {
    const parsed = parseObjectBody(body, contentType, 'Namespace');
    const metadata = (parsed as { metadata?: { name?: unknown; labels?: unknown } } | null)?.metadata ?? {};
    const name = typeof metadata.name === 'string' ? metadata.name : '';
    const labels = isStringMap(metadata.labels) ? metadata.labels : {};
    const causes: StatusCause[] =
      name === ''
        ? [
            {
              reason: 'FieldValueRequired',
              message: 'Required value: name or generateName is required',
              field: 'metadata.name',
            },
          ]
        : [];
    for (const e of name === '' ? [] : dns1123LabelErrors(name))
      causes.push(invalidValue('metadata.name', name, e));
    causes.push(...metadataMapErrors(labels, {}));
    if (causes.length > 0) throw invalid('Namespace', name, causes);
    if (this.state.namespace(name)) throw alreadyExists('namespaces', name);
    return jsonResponse(201, namespaceJson(this.state.createNamespace(name, labels)));
  }
}

function isStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string')
  );
}
