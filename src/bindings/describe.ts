// Names for places in the bindings file as a reader thinks of them (`binding "s3-reader"`,
// `cluster "prod"`), so messages say which thing is wrong and not just a JSON path.
import { hexEscape } from '../support/terminal.js';
import type { JsonPath } from './parse.js';

/** The object at `path`, for "unknown key … in X" and "X is missing …". */
export function describeObject(path: JsonPath, root: unknown): string {
  if (path.length === 0) return 'the top level';
  const [head, second, third, fourth] = path;
  if (head === 'clusters' && path.length >= 2) {
    const cluster = `cluster "${String(second)}"`;
    return path.length === 2 ? cluster : `${dotted(path.slice(2))} of ${cluster}`;
  }
  if (head === 'bindings' && typeof second === 'number') {
    const binding = describeBinding(second, root);
    if (path.length === 2) return binding;
    if (third === 'serviceAccounts' && typeof fourth === 'number' && path.length === 4)
      return 'a service account';
    return `${dotted(path.slice(2))} of ${binding}`;
  }
  return dotted(path);
}

/** The value at `path`, for "X must be …". */
export function describeField(path: JsonPath, root: unknown): string {
  const [head, second] = path;
  if (head === 'clusters' && path.length >= 3)
    return `${dotted(path.slice(2))} of cluster "${String(second)}"`;
  if (head === 'bindings' && typeof second === 'number' && path.length >= 3) {
    return `${dotted(path.slice(2))} of ${describeBinding(second, root)}`;
  }
  return describeObject(path, root);
}

/** `binding "s3-reader"` when the role is a valid role name, else `bindings[2]`. */
export function describeBinding(index: number, root: unknown): string {
  const bindings = (root as { bindings?: unknown } | undefined)?.bindings;
  const binding = Array.isArray(bindings) ? (bindings[index] as { role?: unknown } | undefined) : undefined;
  const role = binding?.role;
  return typeof role === 'string' && /^[A-Za-z0-9+=,.@_-]{1,64}$/.test(role)
    ? `binding "${role}"`
    : `bindings[${index}]`;
}

/** `serviceAccounts[0].namespace`, `tags["cost center"]`. */
export function dotted(path: JsonPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** A value as it should appear in a message: strings quoted, long ones shortened. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Text taken from the file, for a message: quoted, control characters escaped, and cut to `max`
 * characters. A file that is not a bindings file at all (a path pointing at a secret by mistake)
 * must not be echoed back through messages, so quotes stay short.
 */
export function snippet(text: string, max = 40): string {
  const chars = [...text];
  const cut = chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
  return `"${escapeControl(cut).replace(/"/g, '\\"')}"`;
}

/** C0 and C1 control characters (and DEL) as `\x1b`-style escapes, so they cannot act on a terminal. */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, hexEscape);
}

/** The YAML-ish name of a value's type for "expected X, got Y". */
export function typeName(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'object':
      return 'a map';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'number':
      return Number.isInteger(value) ? 'a whole number' : 'a number';
    default:
      return typeof value;
  }
}
