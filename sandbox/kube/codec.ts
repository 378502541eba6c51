// ServiceAccount wire JSON <-> stored leaf fields. Decoding checks shapes like the API server's
// JSON decoder (400 BadRequest) and reports unknown fields the way `fieldValidation` asks: an
// error for Strict, a warning otherwise. Labels and annotations are owned per key; `secrets`,
// `imagePullSecrets` and `automountServiceAccountToken` each as one (atomic) field.
import { badRequest } from './status.js';
import { fieldsV1 } from './managed-fields.js';
import type { FieldMap, Leaf, ServiceAccountJson, StoredServiceAccount } from './types.js';

export const fieldKey = (path: readonly string[]): string => JSON.stringify(path);

const TOP_LEVEL = new Set([
  'kind',
  'apiVersion',
  'metadata',
  'secrets',
  'imagePullSecrets',
  'automountServiceAccountToken',
]);
/** Metadata the server owns: accepted in a body, never taken from it. */
const SERVER_METADATA = new Set(['uid', 'creationTimestamp', 'generation', 'managedFields', 'selfLink']);
const CLIENT_METADATA = new Set(['name', 'namespace', 'resourceVersion', 'labels', 'annotations']);

export interface DecodedServiceAccount {
  name: string | undefined;
  namespace: string | undefined;
  resourceVersion: string | undefined;
  fields: FieldMap;
  /** Unknown fields that were dropped (fieldValidation Ignore/Warn). */
  warnings: string[];
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function decodeError(detail: string): never {
  throw badRequest(`ServiceAccount in version "v1" cannot be handled as a ServiceAccount: ${detail}`);
}

export function decodeServiceAccount(body: unknown, validation: FieldValidation): DecodedServiceAccount {
  if (!isRecord(body)) decodeError('the body must be a JSON object');
  if (body.apiVersion !== undefined && body.apiVersion !== 'v1') {
    throw badRequest(
      `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (v1)`,
    );
  }
  if (body.kind !== undefined && body.kind !== 'ServiceAccount') {
    throw badRequest(
      `the kind in the data (${String(body.kind)}) does not match the expected kind (ServiceAccount)`,
    );
  }
  const unknown: string[] = [];
  for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) unknown.push(key);
  const metadata = body.metadata ?? {};
  if (!isRecord(metadata))
    decodeError('json: cannot unmarshal into Go struct field ServiceAccount.metadata of type v1.ObjectMeta');
  for (const key of Object.keys(metadata)) {
    if (!CLIENT_METADATA.has(key) && !SERVER_METADATA.has(key)) unknown.push(`metadata.${key}`);
  }
  const warnings = unknown.map((f) => `unknown field "${f}"`);
  if (warnings.length > 0 && validation === 'Strict')
    decodeError(`strict decoding error: ${warnings.join(', ')}`);

  const fields: FieldMap = new Map();
  const put = (leaf: Leaf): void => void fields.set(fieldKey(leaf.path), leaf);
  for (const map of ['labels', 'annotations'] as const) {
    for (const [key, value] of Object.entries(stringMap(metadata[map], map)))
      put({ path: ['metadata', map, key], value });
  }
  for (const list of ['secrets', 'imagePullSecrets'] as const) {
    const value = body[list];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value) || !value.every((item) => isRecord(item) && typeof item.name === 'string')) {
      decodeError(`json: cannot unmarshal ${list}: want a list of objects with a "name" string`);
    }
    put({ path: [list], value });
  }
  const automount = body.automountServiceAccountToken;
  if (automount !== undefined && automount !== null) {
    if (typeof automount !== 'boolean')
      decodeError('json: cannot unmarshal automountServiceAccountToken of type bool');
    put({ path: ['automountServiceAccountToken'], value: automount });
  }
  return {
    name: optionalString(metadata.name, 'metadata.name'),
    namespace: optionalString(metadata.namespace, 'metadata.namespace'),
    resourceVersion: optionalString(metadata.resourceVersion, 'metadata.resourceVersion') || undefined,
    fields,
    warnings: validation === 'Ignore' ? [] : warnings,
  };
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) decodeError(`json: cannot unmarshal metadata.${field} of type map[string]string`);
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string')
      decodeError(`json: cannot unmarshal ${typeof v} into metadata.${field}["${key}"] of type string`);
  }
  return value as Record<string, string>;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    decodeError(`json: cannot unmarshal ${typeof value} into ${field} of type string`);
  return value;
}

/** Labels or annotations held in a field map. */
export function metadataMap(fields: FieldMap, map: 'labels' | 'annotations'): Record<string, string> {
  const out: Record<string, string> = {};
  const keys: string[] = [];
  for (const leaf of fields.values())
    if (leaf.path[0] === 'metadata' && leaf.path[1] === map) keys.push(leaf.path[2]);
  // Go marshals maps with sorted keys; so does the emulator.
  for (const key of keys.sort()) out[key] = fields.get(fieldKey(['metadata', map, key]))!.value as string;
  return out;
}

/** The object as the API server returns it (`withType` false for list items, like the server). */
export function serviceAccountJson(sa: StoredServiceAccount, withType = true): ServiceAccountJson {
  const labels = metadataMap(sa.fields, 'labels');
  const annotations = metadataMap(sa.fields, 'annotations');
  const json: ServiceAccountJson = {
    ...(withType ? { kind: 'ServiceAccount' as const, apiVersion: 'v1' as const } : {}),
    metadata: {
      name: sa.name,
      namespace: sa.namespace,
      uid: sa.uid,
      resourceVersion: sa.resourceVersion,
      creationTimestamp: sa.creationTimestamp,
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ...(sa.managers.length > 0
        ? {
            managedFields: sa.managers.map((m) => ({
              manager: m.manager,
              operation: m.operation,
              apiVersion: 'v1' as const,
              time: m.time,
              fieldsType: 'FieldsV1' as const,
              fieldsV1: fieldsV1(m.fields),
            })),
          }
        : {}),
    },
  };
  for (const name of ['secrets', 'imagePullSecrets'] as const) {
    const leaf = sa.fields.get(fieldKey([name]));
    if (leaf) json[name] = structuredClone(leaf.value) as { name: string }[];
  }
  const automount = sa.fields.get(fieldKey(['automountServiceAccountToken']));
  if (automount) json.automountServiceAccountToken = automount.value as boolean;
  return json;
}
