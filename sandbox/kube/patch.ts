// The three classic PATCH flavours applied to an object's JSON: JSON merge patch (RFC 7386),
// strategic merge patch (for a ServiceAccount: merge patch, except that `secrets` and
// `imagePullSecrets` merge by `name` as their patchMergeKey says) and JSON patch (RFC 6902).
import { badRequest, KubeStatusError } from './status.js';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function parsePatchBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw badRequest(`the body of the request could not be decoded as JSON: ${(error as Error).message}`);
  }
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** Lists a ServiceAccount merges by key under strategic merge patch (everything else replaces). */
const MERGE_KEYS: Record<string, string> = { secrets: 'name', imagePullSecrets: 'name' };

export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) throw badRequest('a strategic merge patch must be a JSON object');
  rejectDirectives(patch, '');
  const out = mergePatch(target, withoutMergedLists(patch)) as JsonObject;
  const base = isObject(target) ? target : {};
  for (const [field, key] of Object.entries(MERGE_KEYS)) {
    const items = patch[field];
    if (items === undefined || items === null) continue;
    if (!Array.isArray(items)) throw badRequest(`strategic merge patch: ${field} must be a list`);
    const merged = Array.isArray(base[field]) ? [...(base[field] as unknown[])] : [];
    for (const item of items) {
      if (!isObject(item) || typeof item[key] !== 'string')
        throw badRequest(`strategic merge patch: every ${field} item needs a "${key}"`);
      const at = merged.findIndex((m) => isObject(m) && m[key] === item[key]);
      if (at >= 0) merged[at] = mergePatch(merged[at], item);
      else merged.push(item);
    }
    out[field] = merged;
  }
  return out;
}

function withoutMergedLists(patch: JsonObject): JsonObject {
  const copy = { ...patch };
  for (const field of Object.keys(MERGE_KEYS)) if (copy[field] !== null) delete copy[field];
  return copy;
}

/** `$patch`, `$retainKeys`, `$setElementOrder/...` would change meaning; say so instead of ignoring them. */
function rejectDirectives(value: unknown, at: string): void {
  if (Array.isArray(value)) value.forEach((v, i) => rejectDirectives(v, `${at}[${i}]`));
  if (!isObject(value)) return;
  for (const [key, v] of Object.entries(value)) {
    if (key.startsWith('$')) {
      throw badRequest(
        `strategic merge patch directive "${key}" at "${at || '.'}" is not supported by the kube emulator; send the fields to set or a JSON merge patch`,
      );
    }
    rejectDirectives(v, `${at}.${key}`);
  }
}

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`JSON patch: path "${pointer}" must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Applies RFC 6902 operations in order; any failure rejects the whole patch. */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw badRequest('a JSON patch must be a list of operations');
  let doc = structuredClone(target);
  for (const raw of operations) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest('JSON patch: every operation needs "op" and "path" strings');
    }
    const op = raw as unknown as Operation;
    const path = parsePointer(op.path);
    switch (op.op) {
      case 'add':
        doc = add(doc, path, requireValue(op));
        break;
      case 'remove':
        doc = remove(doc, path, op.path);
        break;
      case 'replace':
        doc = add(remove(doc, path, op.path), path, requireValue(op));
        break;
      case 'test': {
        const actual = resolve(doc, path, op.path);
        if (JSON.stringify(actual) !== JSON.stringify(requireValue(op))) {
          throw new KubeStatusError(
            422,
            'Invalid',
            `the server rejected our request due to an error in our request: testing value ${op.path} failed`,
          );
        }
        break;
      }
      case 'move':
      case 'copy': {
        if (typeof op.from !== 'string') throw badRequest(`JSON patch: "${op.op}" needs "from"`);
        const value = structuredClone(resolve(doc, parsePointer(op.from), op.from));
        if (op.op === 'move') doc = remove(doc, parsePointer(op.from), op.from);
        doc = add(doc, path, value);
        break;
      }
      default:
        throw badRequest(
          `JSON patch: unsupported operation "${op.op}" (use add, remove, replace, test, move or copy)`,
        );
    }
  }
  return doc;
}

function requireValue(op: Operation): unknown {
  if (!('value' in op)) throw badRequest(`JSON patch: "${op.op}" operation on "${op.path}" needs a "value"`);
  return op.value;
}

function missing(pointer: string): KubeStatusError {
  return new KubeStatusError(
    422,
    'Invalid',
    `the server rejected our request due to an error in our request: doc is missing path: "${pointer}"`,
  );
}

function resolve(doc: unknown, path: string[], pointer: string): unknown {
  let node = doc;
  for (const segment of path) {
    if (Array.isArray(node)) {
      const index = Number(segment);
      if (!Number.isInteger(index) || index < 0 || index >= node.length) throw missing(pointer);
      node = node[index];
    } else if (isObject(node) && Object.hasOwn(node, segment)) node = node[segment];
    else throw missing(pointer);
  }
  return node;
}

function add(doc: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return structuredClone(value);
  const parent = resolve(doc, path.slice(0, -1), `/${path.slice(0, -1).join('/')}`);
  const last = path[path.length - 1];
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw missing(`/${path.join('/')}`);
    parent.splice(index, 0, structuredClone(value));
  } else if (isObject(parent)) parent[last] = structuredClone(value);
  else throw missing(`/${path.join('/')}`);
  return doc;
}

function remove(doc: unknown, path: string[], pointer: string): unknown {
  if (path.length === 0) return undefined;
  const parent = resolve(doc, path.slice(0, -1), pointer);
  const last = path[path.length - 1];
  resolve(parent, [last], pointer);
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete (parent as JsonObject)[last];
  return doc;
}
