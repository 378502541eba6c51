// A small pass over a JSON string before JSON.parse sees it, for what JSON.parse gets wrong with
// policies pasted as strings: it keeps the last of duplicate keys silently
// (`{"Effect":"Deny","Effect":"Allow"}` is Allow), and the validators after it recurse per level, so
// thousands of nested brackets overflowed the stack with no position. Iterative, one pass, no
// recursion: it only finds the first such problem and its offset; JSON.parse reports syntax.
import { MAX_FLOW_DEPTH } from './parse.js';

export type JsonScanProblem =
  | { kind: 'too-deep'; offset: number; path: Array<string | number> }
  | { kind: 'duplicate-key'; offset: number; firstOffset: number; key: string; path: Array<string | number> };

interface Level {
  kind: 'object' | 'array';
  /** Object keys seen so far, with the offset of the first occurrence. */
  keys: Map<string, number>;
  /** The key or index the value being read sits under. */
  segment: string | number | undefined;
  expectKey: boolean;
}

/** The first duplicate key or over-deep nesting in `text`, or undefined (syntax left to JSON.parse). */
export function scanJson(text: string, maxDepth = MAX_FLOW_DEPTH): JsonScanProblem | undefined {
  const stack: Level[] = [];
  const path = (): Array<string | number> =>
    stack.flatMap((level) => (level.segment === undefined ? [] : [level.segment]));
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i += 1; i < text.length && text[i] !== '"'; i += 1) if (text[i] === '\\') i += 1;
      const top = stack[stack.length - 1];
      if (top?.kind === 'object' && top.expectKey) {
        let key: string;
        try {
          key = JSON.parse(text.slice(start, i + 1)) as string;
        } catch {
          return undefined; // a broken string: JSON.parse says where
        }
        const first = top.keys.get(key);
        if (first !== undefined)
          return { kind: 'duplicate-key', offset: start, firstOffset: first, key, path: path().slice(0, -1) };
        top.keys.set(key, start);
        top.segment = key;
        top.expectKey = false;
      }
    } else if (c === '{' || c === '[') {
      if (stack.length >= maxDepth) return { kind: 'too-deep', offset: i, path: path() };
      stack.push({
        kind: c === '{' ? 'object' : 'array',
        keys: new Map(),
        segment: c === '[' ? 0 : undefined,
        expectKey: c === '{',
      });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'object') top.expectKey = true;
      else if (top && typeof top.segment === 'number') top.segment += 1;
    }
  }
  return undefined;
}
