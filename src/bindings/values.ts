// Narrowing helpers for the parsed file, which is `unknown` until the checks have passed.
import type { JsonPath } from './parse.js';

export { isObject } from '../support/json.js';

export function valueAt(root: unknown, path: JsonPath): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
