// The ServiceAccount endpoints: list (all namespaces or one, label selector, paging), get, create,
// update with optimistic concurrency, the three PATCH flavours, server-side apply with field
// ownership, and delete with preconditions. Each write records managedFields, bumps the global
// resourceVersion, and is skipped when it would change nothing (like the API server's no-op check).
import { parse as parseYaml } from 'yaml';
import type { EmulatorResponse } from '../core/server.js';
import { parseObjectBody } from './body.js';
import {
  decodeServiceAccount,
  serviceAccountJson,
  metadataMap,
  type DecodedServiceAccount,
  type FieldValidation,
} from './codec.js';
import { recordUpdate, sameState, serverSideApply, type ApplyResult } from './managed-fields.js';
import { namespaceTerminating } from './namespaces.js';
import { listJson, listPage } from './paging.js';
import { jsonPatch, mergePatch, parsePatchBody, strategicMergePatch } from './patch.js';
import { matchesSelector, parseLabelSelector } from './selector.js';
import type { KubeState } from './state.js';
import {
  alreadyExists,
  badRequest,
  invalid,
  jsonResponse,
  KubeStatusError,
  modifiedConflict,
  notFound,
  type StatusCause,
} from './status.js';
import type { FieldMap, StoredServiceAccount } from './types.js';
import { dns1123SubdomainErrors, invalidValue, metadataMapErrors } from './validation.js';

const RESOURCE = 'serviceaccounts';
const KIND = 'ServiceAccount';

export const PATCH_TYPES = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export type PatchType = keyof typeof PATCH_TYPES;

/** What every write needs to know about the request. */
export interface WriteContext {
  query: URLSearchParams;
  body: string;
  contentType: string;
  /** Field manager for non-apply writes when `?fieldManager=` is absent (derived from the User-Agent). */
  defaultManager: string;
}

export class ServiceAccountApi {
  private readonly state: KubeState;

  constructor(state: KubeState) {
    this.state = state;
  }

  list(namespace: string | undefined, query: URLSearchParams): EmulatorResponse {
    // Like the API server, listing a namespace that does not exist gives an empty list.
    const selector = parseLabelSelector(query.get('labelSelector'));
    const matching = this.state
      .listServiceAccounts(namespace)
      .filter((sa) => matchesSelector(selector, metadataMap(sa.fields, 'labels')));
    const rv = this.state.resourceVersion;
    const page = listPage(
      this.state,
      matching,
      (sa) => `${sa.namespace}/${sa.name}`,
      query,
      selector.length > 0,
    );
    const items = page.items.map((sa) => serviceAccountJson(sa, false));
    return jsonResponse(200, listJson('ServiceAccountList', items, page, rv));
  }

  get(namespace: string, name: string): EmulatorResponse {
    return jsonResponse(200, serviceAccountJson(this.existing(namespace, name)));
  }

  create(namespace: string, ctx: WriteContext): EmulatorResponse {
    const decoded = decodeServiceAccount(parseBody(ctx), fieldValidation(ctx.query));
    const name = decoded.name ?? '';
    checkNamespace(decoded, namespace);
    if (decoded.resourceVersion)
      throw badRequest('resourceVersion should not be set on objects to be created');
    this.admitCreate(namespace, name);
    validate(name, decoded.fields);
    if (this.state.serviceAccount(namespace, name)) throw alreadyExists(RESOURCE, name);
    const now = this.state.now();
    const managers = recordUpdate([], managerFor(ctx), new Map(), decoded.fields, now);
    const draft = {
      namespace,
      name,
      uid: this.state.newUid(),
      creationTimestamp: now,
      fields: decoded.fields,
      managers,
    };
    const created = isDryRun(ctx.query)
      ? { ...draft, resourceVersion: '' }
      : this.state.putServiceAccount(draft);
    return jsonResponse(201, serviceAccountJson(created), warningHeaders(decoded));
  }

  update(namespace: string, name: string, ctx: WriteContext): EmulatorResponse {
    const decoded = decodeServiceAccount(parseBody(ctx), fieldValidation(ctx.query));
    checkName(decoded, name);
    checkNamespace(decoded, namespace);
    const current = this.existing(namespace, name);
    if (decoded.resourceVersion && decoded.resourceVersion !== current.resourceVersion)
      throw modifiedConflict(RESOURCE, name);
    validate(name, decoded.fields);
    const managers = recordUpdate(
      current.managers,
      managerFor(ctx),
      current.fields,
      decoded.fields,
      this.state.now(),
    );
    return this.commit(current, { fields: decoded.fields, managers }, ctx, 200, decoded);
  }

  patch(
    namespace: string,
    name: string,
    type: Exclude<PatchType, 'apply'>,
    ctx: WriteContext,
  ): EmulatorResponse {
    if (ctx.query.get('force') !== null) {
      throw invalid('PatchOptions', '', [
        {
          reason: 'FieldValueForbidden',
          message: 'Forbidden: may not be specified for non-apply patch',
          field: 'force',
        },
      ]);
    }
    const current = this.existing(namespace, name);
    const patch = parsePatchBody(ctx.body);
    const doc = serviceAccountJson(current);
    const patched =
      type === 'json'
        ? jsonPatch(doc, patch)
        : type === 'strategic'
          ? strategicMergePatch(doc, patch)
          : mergePatch(doc, patch);
    const decoded = decodeServiceAccount(patched, fieldValidation(ctx.query));
    checkName(decoded, name);
    checkNamespace(decoded, namespace);
    if (decoded.resourceVersion && decoded.resourceVersion !== current.resourceVersion)
      throw modifiedConflict(RESOURCE, name);
    validate(name, decoded.fields);
    const managers = recordUpdate(
      current.managers,
      managerFor(ctx),
      current.fields,
      decoded.fields,
      this.state.now(),
    );
    return this.commit(current, { fields: decoded.fields, managers }, ctx, 200, decoded);
  }

  /** Server-side apply: creates the object when missing. */
  apply(namespace: string, name: string, ctx: WriteContext): EmulatorResponse {
    const manager = ctx.query.get('fieldManager') ?? '';
    if (manager === '') {
      throw invalid('PatchOptions', '', [
        {
          reason: 'FieldValueRequired',
          message: 'Required value: is required for apply patch',
          field: 'fieldManager',
        },
      ]);
    }
    checkManagerLength(manager);
    const config = parseApplyBody(ctx.body);
    const decoded = decodeServiceAccount(config, fieldValidation(ctx.query));
    checkName(decoded, name);
    checkNamespace(decoded, namespace);
    const force = ctx.query.get('force') === 'true';
    const now = this.state.now();
    const current = this.state.serviceAccount(namespace, name);
    if (!current) {
      this.admitCreate(namespace, name);
      const result = serverSideApply(new Map(), [], manager, decoded.fields, force, now);
      validate(name, result.fields);
      const draft = { namespace, name, uid: this.state.newUid(), creationTimestamp: now, ...result };
      const created = isDryRun(ctx.query)
        ? { ...draft, resourceVersion: '' }
        : this.state.putServiceAccount(draft);
      return jsonResponse(201, serviceAccountJson(created), warningHeaders(decoded));
    }
    if (decoded.resourceVersion && decoded.resourceVersion !== current.resourceVersion)
      throw modifiedConflict(RESOURCE, name);
    const result = serverSideApply(current.fields, current.managers, manager, decoded.fields, force, now);
    validate(name, result.fields);
    return this.commit(current, result, ctx, 200, decoded);
  }

  delete(namespace: string, name: string, ctx: WriteContext): EmulatorResponse {
    const current = this.existing(namespace, name);
    checkPreconditions(ctx.body, current);
    if (!isDryRun(ctx.query)) this.state.deleteServiceAccount(namespace, name);
    // The API server answers a ServiceAccount delete with the deleted object (client-node types it
    // so), not with a Success Status as for e.g. ConfigMaps.
    return jsonResponse(200, serviceAccountJson(current));
  }

  private commit(
    current: StoredServiceAccount,
    next: ApplyResult,
    ctx: WriteContext,
    status: number,
    decoded: DecodedServiceAccount,
  ): EmulatorResponse {
    const unchanged = sameState(current, next);
    const saved =
      unchanged || isDryRun(ctx.query)
        ? { ...current, ...(unchanged ? {} : next) }
        : this.state.putServiceAccount({ ...current, ...next });
    return jsonResponse(status, serviceAccountJson(saved), warningHeaders(decoded));
  }

  /** Admission for a create: the namespace must exist and must not be terminating. */
  private admitCreate(namespace: string, name: string): void {
    const ns = this.state.namespace(namespace);
    if (!ns) throw notFound('namespaces', namespace);
    if (ns.deletionTimestamp) throw namespaceTerminating(RESOURCE, name, namespace);
  }

  private existing(namespace: string, name: string): StoredServiceAccount {
    const sa = this.state.serviceAccount(namespace, name);
    if (!sa) throw notFound(RESOURCE, name);
    return sa;
  }
}

const parseBody = (ctx: WriteContext): unknown => parseObjectBody(ctx.body, ctx.contentType, KIND);

/** Apply bodies are YAML (JSON is YAML too). Real servers insist on apiVersion and kind. */
function parseApplyBody(body: string): unknown {
  let config: unknown;
  try {
    config = parseYaml(body) as unknown;
  } catch (error) {
    throw badRequest(`error decoding YAML: ${(error as Error).message}`);
  }
  const typed = typeof config === 'object' && config !== null ? (config as Record<string, unknown>) : {};
  if (typed.apiVersion !== 'v1' || typed.kind !== KIND) {
    throw badRequest('the applied configuration must set "apiVersion: v1" and "kind: ServiceAccount"');
  }
  return config;
}

function fieldValidation(query: URLSearchParams): FieldValidation {
  const value = query.get('fieldValidation') ?? 'Warn';
  if (value !== 'Strict' && value !== 'Warn' && value !== 'Ignore') {
    throw badRequest(`fieldValidation must be one of "Ignore", "Warn" or "Strict", got "${value}"`);
  }
  return value;
}

function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  if (values.some((v) => v !== 'All')) throw badRequest('dryRun: Unsupported value: only "All" is supported');
  return values.length > 0;
}

function managerFor(ctx: WriteContext): string {
  const manager = ctx.query.get('fieldManager') || ctx.defaultManager;
  checkManagerLength(manager);
  return manager;
}

function checkManagerLength(manager: string): void {
  if (manager.length > 128) {
    throw invalid('PatchOptions', '', [
      {
        reason: 'FieldValueTooLong',
        message: 'Too long: may not be more than 128 bytes',
        field: 'fieldManager',
      },
    ]);
  }
}

function checkName(decoded: DecodedServiceAccount, name: string): void {
  if (decoded.name !== name)
    throw badRequest(
      `the name of the object (${decoded.name ?? ''}) does not match the name on the URL (${name})`,
    );
}

function checkNamespace(decoded: DecodedServiceAccount, namespace: string): void {
  if (decoded.namespace !== undefined && decoded.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}

function validate(name: string, fields: FieldMap): void {
  const causes: StatusCause[] = [];
  if (name === '')
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
      field: 'metadata.name',
    });
  else for (const e of dns1123SubdomainErrors(name)) causes.push(invalidValue('metadata.name', name, e));
  causes.push(...metadataMapErrors(metadataMap(fields, 'labels'), metadataMap(fields, 'annotations')));
  if (causes.length > 0) throw invalid(KIND, name, causes);
}

function warningHeaders(decoded: DecodedServiceAccount): Record<string, string> {
  if (decoded.warnings.length === 0) return {};
  return { warning: decoded.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
}

/** DeleteOptions `preconditions` (uid, resourceVersion) must match the stored object. */
function checkPreconditions(body: string, current: StoredServiceAccount): void {
  if (body.trim() === '') return;
  let options: { preconditions?: { uid?: string; resourceVersion?: string } };
  try {
    options = JSON.parse(body) as typeof options;
  } catch (error) {
    throw badRequest(`DeleteOptions could not be decoded: ${(error as Error).message}`);
  }
  const pre = options.preconditions ?? {};
  const fail = (what: string, wanted: string, actual: string): never => {
    throw new KubeStatusError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${RESOURCE} "${current.name}": Precondition failed: ${what} in precondition: ${wanted}, ${what} in object meta: ${actual}`,
      { name: current.name, kind: RESOURCE },
    );
  };
  if (pre.uid && pre.uid !== current.uid) fail('UID', pre.uid, current.uid);
  if (pre.resourceVersion && pre.resourceVersion !== current.resourceVersion)
    fail('ResourceVersion', pre.resourceVersion, current.resourceVersion);
}
