// The bindings file's JSON Schema (one source of truth in schema/bindings.schema.json: editors, the
// README reference and the `schema` command read the same file) and the conversion of ajv's errors
// into diagnostics that say where, what is wrong and what to write instead.
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import schema from '../../schema/bindings.schema.json' with { type: 'json' };
import type { Diagnostic } from './diagnostics.js';
import { compileSchema } from './schema-compiler.js';
import { describeField, describeObject, show, snippet, typeName } from './describe.js';
import type { JsonPath, Locator, Position } from './parse.js';
import { closest, didYouMean } from '../support/suggest.js';

/** The JSON Schema of the bindings file (draft 2020-12). */
export const bindingsSchema: Readonly<Record<string, unknown>> = schema;

// Compiled on first use (in the bundle: generated ahead of time, see schema-compiler.ts).
let validate: ValidateFunction | undefined;

type SchemaNode = Record<string, unknown>;

/** A compiled schema check: the parsed file in, one diagnostic per problem out. */
export type SchemaCheck = (value: unknown, locate: Locator, file: string) => Diagnostic[];

/** Checks the shape of the parsed file; returns one diagnostic per problem, all at once. */
export const checkSchema: SchemaCheck = (value, locate, file) =>
  checkWith((validate ??= compileSchema(schema)), value, locate, file);

/**
 * The same positioned, "what to write instead" messages for another of our YAML files (the
 * guardrails file) with its own schema; `x-rule` annotations work the same way.
 */
export function schemaCheck(otherSchema: Record<string, unknown>): SchemaCheck {
  let compiled: ValidateFunction | undefined;
  return (value, locate, file) => checkWith((compiled ??= compileSchema(otherSchema)), value, locate, file);
}

function checkWith(validate: ValidateFunction, value: unknown, locate: Locator, file: string): Diagnostic[] {
  if (validate(value)) return [];
  const errors = relevant(validate.errors ?? []);
  // A misspelt required key is one mistake: the "did you mean" on the unknown key says it all, so
  // the "missing required key" for the same object and key is left out.
  const misspelt = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const allowed = Object.keys(((e.parentSchema as SchemaNode | undefined)?.properties ?? {}) as SchemaNode);
    const match = closest(String((e.params as Record<string, unknown>).additionalProperty), allowed);
    if (match !== undefined) misspelt.add(`${e.instancePath}\u0000${match}`);
  }
  // A scalar (or nothing) where a map belongs is one problem: its type. What the map lacks or holds
  // too many of (required keys, oneOf branches) says nothing more.
  const notMaps = new Set(
    errors.filter((e) => e.keyword === 'type' && !isMap(e.data)).map((e) => e.instancePath),
  );
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const e of errors) {
    if (
      e.keyword === 'required' &&
      misspelt.has(`${e.instancePath}\u0000${String(e.params.missingProperty)}`)
    )
      continue;
    if ((e.keyword === 'required' || e.keyword === 'oneOf') && notMaps.has(e.instancePath)) continue;
    // "isuer" is reported as an unknown key with its "did you mean"; "sets neither" adds nothing.
    if (
      e.keyword === 'oneOf' &&
      e.params.passingSchemas === null &&
      oneOfKeys(e).some((key) => misspelt.has(`${e.instancePath}\u0000${key}`))
    )
      continue;
    const path = toPath(e.instancePath, value);
    const rule = ruleOf(e);
    // One message per value and rule: a description that is both too long and has a bad character
    // is one problem for the reader.
    // Structural problems (an unknown key, a wrong type, a missing key) are each their own, even
    // when the object's rule is shared: "isuer" must still get its "did you mean".
    const structural = STRUCTURAL.has(e.keyword);
    const dedupeKey = `${e.instancePath}\u0000${e.propertyName ?? ''}\u0000${structural || !rule ? e.keyword + JSON.stringify(e.params) : rule}`;
    if (seen.has(dedupeKey)) continue;
    seen.add(dedupeKey);
    const { at, message } = explain(e, path, value, locate, rule);
    diagnostics.push({ severity: 'error', file, line: at.line, col: at.col, message });
  }
  return diagnostics;
}

const oneOfKeys = (e: ErrorObject): string[] =>
  (((e.parentSchema as SchemaNode | undefined)?.oneOf ?? []) as SchemaNode[]).map((branch) =>
    String((branch.required as string[] | undefined)?.[0]),
  );

const STRUCTURAL = new Set(['additionalProperties', 'type', 'required', 'oneOf']);

const isMap = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Drops ajv's wrapper errors whose detail is reported separately or explained by the wrapper. */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  const oneOfs = errors
    .filter((e) => e.keyword === 'oneOf')
    .map((e) => `${e.instancePath}\u0000${e.schemaPath}/`);
  return errors.filter((e) => {
    if (e.keyword === 'propertyNames') return false; // the inner error names the key
    return !oneOfs.some((prefix) => `${e.instancePath}\u0000${e.schemaPath}`.startsWith(prefix));
  });
}

function ruleOf(e: ErrorObject): string | undefined {
  const rule = (e.parentSchema as SchemaNode | undefined)?.['x-rule'];
  return typeof rule === 'string' ? rule : undefined;
}

function explain(
  e: ErrorObject,
  path: JsonPath,
  root: unknown,
  locate: Locator,
  rule: string | undefined,
): { at: Position; message: string } {
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  const params = e.params as Record<string, unknown>;
  const field = describeField(path, root);
  const fix = (fallback: string) => ` — ${rule ?? fallback}`;

  if (e.propertyName !== undefined) {
    const container = describeField(path, root);
    return {
      at: locate.key([...path, e.propertyName]),
      message: `key ${show(e.propertyName)} in ${container} is not valid${fix('rename it')}`,
    };
  }

  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((parent.properties ?? {}) as SchemaNode);
      const where = path.length === 0 ? 'at the top level' : `in ${describeObject(path, root)}`;
      const suggestion = didYouMean(key, allowed);
      const keys = allowed.join(', ');
      // A top level without a single bindings key is not a bindings file (a path pointing at some
      // other file, maybe a secret): its keys are not quoted back.
      const present = isMap(root) ? Object.keys(root as Record<string, unknown>) : [];
      if (path.length === 0 && !allowed.some((k) => present.includes(k)))
        return {
          at: locate.key([...path, key]),
          message: `unknown key at the top level (not shown: the file has none of the keys ${keys}, so it does not look like a bindings file) — check that the path points at the bindings file`,
        };
      return {
        at: locate.key([...path, key]),
        message: suggestion
          ? `unknown key ${snippet(key)} ${where}${suggestion} Allowed keys: ${keys}`
          : `unknown key ${snippet(key)} ${where} — remove it or use one of the allowed keys: ${keys}`,
      };
    }
    case 'required': {
      const key = String(params.missingProperty);
      const property = ((parent.properties ?? {}) as Record<string, SchemaNode>)[key];
      const what = path.length === 0 ? 'the file' : describeObject(path, root);
      const hint = property ? ` (${lowerFirst(explanation(property))})` : '';
      return {
        at: locate.value(path),
        message: `${what} is missing the required key "${key}" — add ${key}${hint}`,
      };
    }
    case 'type': {
      const types = ([] as string[]).concat(params.type as string | string[]);
      const expected = types.map(expectedName);
      const example = types.includes('object') ? mapExample(path, parent) : '';
      const indent = types.includes('object') ? misIndented(path, root, parent) : '';
      if (e.data === null) {
        return {
          at: locate.value(path),
          message: `${field} is empty — write ${expected.join(' or ')} or remove the key${example}`,
        };
      }
      // Quote what the author wrote (`012345678901`), not what YAML made of it (12345678901).
      const written = typeof e.data === 'string' ? undefined : writtenScalar(locate, path);
      const hint =
        indent ||
        typeHint(types, e.data, written) ||
        (example ? `write ${expected.join(' or ')}${example}` : (rule ?? `write ${expected.join(' or ')}`));
      return {
        at: locate.value(path),
        message: `${field} must be ${expected.join(' or ')}, got ${typeName(e.data)}${written !== undefined ? ` (${written})` : shown(e.data)} — ${hint}`,
      };
    }
    case 'oneOf': {
      const alternatives = ((parent.oneOf ?? []) as SchemaNode[]).map((branch) =>
        String((branch.required as string[])[0]),
      );
      const what = describeObject(path, root);
      if (params.passingSchemas === null) {
        return {
          at: locate.value(path),
          message: `${what} sets neither ${alternatives.join(' nor ')}${fix('set exactly one')}`,
        };
      }
      return {
        at: locate.key([...path, alternatives[alternatives.length - 1]]),
        message: `${what} sets both ${alternatives.join(' and ')}${fix('keep exactly one')}`,
      };
    }
    case 'const':
    case 'enum':
    case 'not':
      return {
        at: locate.value(path),
        message: `${field} is ${show(e.data)}, which is not allowed${fix(e.message ?? '')}`,
      };
    case 'pattern':
      return {
        at: locate.value(path),
        message: `${field} is ${show(e.data)}, which is not valid${fix(`match ${String(params.pattern)}`)}`,
      };
    case 'minLength': {
      const problem = e.data === '' ? 'is empty' : 'is too short';
      return {
        at: locate.value(path),
        message: `${field} ${problem}${fix(`write at least ${String(params.limit)} characters`)}`,
      };
    }
    case 'maxLength':
      return {
        at: locate.value(path),
        message: `${field} is ${[...String(e.data)].length} characters long, over the limit of ${String(params.limit)}${fix('shorten it')}`,
      };
    case 'minimum':
      return {
        at: locate.value(path),
        message: `${field} is ${show(e.data)}, below the minimum of ${String(params.limit)}${fix('raise it')}`,
      };
    case 'maximum':
      return {
        at: locate.value(path),
        message: `${field} is ${show(e.data)}, above the maximum of ${String(params.limit)}${fix('lower it')}`,
      };
    case 'minItems':
      return {
        at: locate.value(path),
        message: `${field} is an empty list${fix(`list at least ${String(params.limit)} item`)}`,
      };
    case 'minProperties':
      return {
        at: locate.value(path),
        message: `${field} is empty${fix(`set at least ${String(params.limit)} key`)}`,
      };
    default:
      return {
        at: locate.value(path),
        message: `${field} ${e.message ?? 'is not valid'}${fix('see `workload-identity schema`')}`,
      };
  }
}

/** What to write instead, for the common YAML slips: unquoted numbers, quoted booleans, maps vs lists. */
function typeHint(types: string[], data: unknown, written: string | undefined): string | undefined {
  if (types.includes('string') && (typeof data === 'number' || typeof data === 'boolean')) {
    return `write it in quotes: "${written ?? String(data)}"`;
  }
  if (
    (types.includes('integer') || types.includes('number')) &&
    typeof data === 'string' &&
    /^\s*-?\d+(\.\d+)?\s*$/.test(data)
  ) {
    return `write it without quotes: ${data.trim()}`;
  }
  if (types.includes('boolean') && typeof data === 'string') return 'write true or false without quotes';
  if (types.includes('object') && Array.isArray(data))
    return 'write "key: value" entries, not "- " list items';
  if (types.includes('array') && !Array.isArray(data))
    return 'write a list, one "- " item per line (or [a, b] on one line)';
  return undefined;
}

function expectedName(type: string): string {
  switch (type) {
    case 'object':
      return 'a map';
    case 'array':
      return 'a list';
    case 'integer':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    default:
      return `a ${type}`;
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1).replace(/\.$/, '');
}

/** What a missing key should hold: its rule if it has one, else the first sentence of its description. */
function explanation(property: SchemaNode): string {
  if (typeof property['x-rule'] === 'string') return property['x-rule'];
  const description = typeof property.description === 'string' ? property.description : '';
  return description.split(/\.\s/)[0];
}

/** ` (3600.5)` for scalars, so "got a number" shows which one. */
function shown(value: unknown): string {
  return value !== null && typeof value !== 'object' ? ` (${show(value)})` : '';
}

/** ajv's JSON pointer as a path, with list indexes as numbers (decided by the data, not the text). */
function toPath(pointer: string, root: unknown): JsonPath {
  if (pointer === '') return [];
  const path: Array<string | number> = [];
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      const index = Number(segment);
      path.push(index);
      current = current[index];
    } else {
      path.push(segment);
      current =
        current !== null && typeof current === 'object'
          ? (current as Record<string, unknown>)[segment]
          : undefined;
    }
  }
  return path;
}

/** The plain (unquoted) source text of a scalar, as the author wrote it. */
function writtenScalar(locate: Locator, path: JsonPath): string | undefined {
  const source = locate.scalar(path);
  return source && source.style === 'PLAIN' ? source.source.trim() : undefined;
}

/**
 * An example of the map that belongs at `path`: the schema's own `examples`, under the key the
 * author used, so a scalar or an empty value shows what to write instead.
 */
function mapExample(path: JsonPath, schemaNode: SchemaNode): string {
  const examples = schemaNode.examples;
  const key = path.length ? String(path[path.length - 1]) : undefined;
  if (!Array.isArray(examples) || !isMap(examples[0]) || key === undefined) return '';
  return `, for example  ${key}: ${flowYaml(examples[0])}`;
}

function flowYaml(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flowYaml).join(', ')}]`;
  if (isMap(value))
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${flowYaml(v)}`)
      .join(', ')}}`;
  return String(value);
}

/**
 * `issuer: https://…` one indent too far left under an empty `eu:` parses as a cluster named
 * "issuer" next to an empty "eu": say so instead of calling "issuer" a cluster.
 */
function misIndented(path: JsonPath, root: unknown, schemaNode: SchemaNode): string {
  if (path.length < 2) return '';
  const key = String(path[path.length - 1]);
  const fields = Object.keys((schemaNode.properties ?? {}) as SchemaNode);
  if (!fields.includes(key)) return '';
  let parent: unknown = root;
  for (const segment of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)?.[segment];
  if (!isMap(parent)) return '';
  const keys = Object.keys(parent as Record<string, unknown>);
  const previous = keys[keys.indexOf(key) - 1];
  if (previous === undefined || (parent as Record<string, unknown>)[previous] !== null) return '';
  return `"${key}" looks like a field of "${previous}" indented too little: indent it under "${previous}" (2 more spaces)`;
}
