// Reads the bindings file's bytes into a plain value while keeping where every node sits, so later
// checks can say `file:line:col`. Everything that is not a well-formed single YAML map (bad UTF-8,
// syntax errors, duplicate keys, tabs, alias bombs, an empty file, a huge file) stops here.
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import { snippet } from './describe.js';
import { parseBindingsPiecewise } from './piecewise.js';
import { utf8Problem } from './utf8.js';

/** A JSON path into the parsed value: map keys and list indexes, e.g. `['bindings', 2, 'role']`. */
export type JsonPath = ReadonlyArray<string | number>;

export interface Position {
  line: number;
  col: number;
}

/** Finds where a path sits in the source. Paths that do not exist resolve to their nearest ancestor. */
export interface Locator {
  /** The value's position (the parent's when the path is missing, e.g. for a missing required key). */
  value(path: JsonPath): Position;
  /** The key's position for a map entry (for unknown keys); the value's position for list items. */
  key(path: JsonPath): Position;
  /** The source node of a scalar value, for mapping offsets inside a string (JSON policies). */
  scalar(path: JsonPath): ScalarSource | undefined;
}

/** Where a string scalar's text sits, so a position inside the string can be mapped into the file. */
export interface ScalarSource {
  /** yaml's scalar style: PLAIN, QUOTE_DOUBLE, QUOTE_SINGLE, BLOCK_LITERAL, BLOCK_FOLDED. */
  style: string;
  start: Position;
  /** The raw source text of the scalar (header and indentation included for block scalars). */
  source: string;
}

export interface ParsedSource {
  /** The plain value (maps → objects, lists → arrays); set only when the file parsed cleanly. */
  value?: Record<string, unknown>;
  locate: Locator;
  diagnostics: Diagnostic[];
  /**
   * After a YAML syntax error: what the parser could still read, and the line ranges its errors
   * damaged. Later checks report problems outside those lines, so one run shows every independent
   * problem; nothing is built from a partial value.
   */
  partial?: { value: Record<string, unknown>; damagedLines: Array<[number, number]> };
}

/**
 * Sized for a fleet: IAM allows 5,000 roles per account, and the 10,000-binding headroom file of the
 * bench (two ServiceAccounts, an inline policy and tags per binding, block style) is 5.3 MiB, so
 * 8 MiB leaves room for longer policies and descriptions. It is not what stops YAML bombs (the
 * alias, flow-depth and tag limits below do); it bounds memory and parse time for a file that is
 * a mistake, such as generated output or a log pasted in.
 */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** Anchors are handy for repeated tags; more aliases than this is a "billion laughs" expansion. */
export const MAX_ALIAS_COUNT = 100;
/** The yaml library recurses per flow level; thousands of `[` overflow the stack at a varying point. */
export const MAX_FLOW_DEPTH = 64;
/**
 * Values in the file once aliases are expanded (every map, list and scalar counts). The
 * 10,000-binding bench file has about 300,000; aliases could multiply an 8 MiB file a hundredfold,
 * and every later check walks the expanded value, so this bounds the work of validation.
 */
export const MAX_EXPANDED_VALUES = 1_000_000;
/**
 * YAML 1.1 types the yaml library still resolves into Set, Map, Buffer or Date: none survives the
 * schema as what the author meant (a Set has no own keys, so `tags: !!set {a}` would become `{}`).
 */
const NON_JSON_TAGS: Record<string, string> = {
  'tag:yaml.org,2002:set': 'a set',
  'tag:yaml.org,2002:omap': 'an ordered map',
  'tag:yaml.org,2002:pairs': 'a list of pairs',
  'tag:yaml.org,2002:binary': 'binary data',
  'tag:yaml.org,2002:timestamp': 'a timestamp',
};

/** yaml's codes for a key indented differently from its siblings. */
const INDENT_ERRORS = new Set(['BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY', 'BAD_INDENT']);
const WHOLE_FILE_ERRORS = new Set(['TAB_AS_INDENT', 'DUPLICATE_KEY', 'MULTIPLE_DOCS']);

/** Reported instead of parsing: the file is over MAX_FILE_BYTES. */
export function fileTooLarge(size: number, file: string): Diagnostic {
  const message = `the file is ${size} bytes, over the ${MAX_FILE_BYTES / 1024 / 1024} MiB (${MAX_FILE_BYTES} bytes) limit for a bindings file (room for 10,000 bindings) — split it or remove generated content; it was not parsed`;
  return { severity: 'error', file, line: 1, col: 1, message };
}

export interface ParseOptions {
  /**
   * Parse the `bindings:` list item by item when that gives the same result (piecewise.ts), so a
   * fleet-sized file never has its whole yaml tree in memory; default true. False parses the file
   * whole, as the tests' reference.
   */
  piecewise?: boolean;
}

export function parseBindingsSource(
  input: string | Uint8Array,
  file: string,
  options: ParseOptions = {},
): ParsedSource {
  const diagnostics: Diagnostic[] = [];
  const error = (line: number, col: number, message: string) =>
    diagnostics.push({ severity: 'error', file, line, col, message });
  const nowhere: Locator = {
    value: () => ({ line: 1, col: 1 }),
    key: () => ({ line: 1, col: 1 }),
    scalar: () => undefined,
  };

  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > MAX_FILE_BYTES) return { locate: nowhere, diagnostics: [fileTooLarge(size, file)] };

  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    const bad = utf8Problem(input);
    if (bad) {
      error(bad.line, bad.col, bad.message);
      return { locate: nowhere, diagnostics };
    }
    text = new TextDecoder('utf-8').decode(input);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  const lineCounter = new LineCounter();
  const tooDeep = flowTooDeep(text);
  if (tooDeep !== undefined) {
    const before = text.slice(0, tooDeep).split('\n');
    const at = { line: before.length, col: before[before.length - 1].length + 1 };
    error(
      at.line,
      at.col,
      `brackets ([ ] / { }) nest more than ${MAX_FLOW_DEPTH} levels deep here — a bindings file never needs that; flatten this value (the file was not parsed)`,
    );
    return { locate: nowhere, diagnostics };
  }
  if (options.piecewise !== false) {
    const pieces = parseBindingsPiecewise(text, NON_JSON_TAGS);
    // Past the expansion limit the whole-file parse says so, at its own position.
    if (pieces && countValues(pieces.value, MAX_EXPANDED_VALUES) <= MAX_EXPANDED_VALUES)
      return { value: pieces.value, locate: pieces.locate, diagnostics };
  }
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
  });
  const pos = (offset: number): Position => lineCounter.linePos(offset);
  const locate = makeLocator(doc, text, pos);

  // yaml often reports one slip twice from the same place (a mis-indented key: "nested mappings
  // are not allowed" and "implicit keys need to be on a single line"): say it once, at the line
  // that is wrong.
  const byStart = new Map<number, (typeof doc.errors)[number]>();
  for (const e of doc.errors) {
    const other = byStart.get(e.pos[0]);
    if (!other || e.pos[1] > other.pos[1]) byStart.set(e.pos[0], e);
  }
  for (const e of byStart.values()) {
    const at = INDENT_ERRORS.has(e.code) ? errorPosition(text, e.pos, pos) : pos(e.pos[0]);
    const misIndent = at.line > pos(e.pos[0]).line;
    error(
      at.line,
      at.col,
      misIndent
        ? `this line is indented differently from the keys above it (YAML: ${e.message.replace(/\.$/, '')}) — keys of one map start in the same column; indent a nested map under its key`
        : yamlErrorMessage(e.code, e.message, doc, e.pos[0], pos),
    );
  }
  for (const w of doc.warnings) {
    const at = pos(w.pos[0]);
    // A custom tag (`!evil`, `!!js/function`) is an error, not a warning: its value used to be taken
    // as a plain string, so a file could mean one thing to a reader and another to the tool.
    const customTag = w.code === 'TAG_RESOLVE_FAILED';
    diagnostics.push({
      severity: customTag ? 'error' : 'warning',
      file,
      line: at.line,
      col: at.col,
      message: customTag
        ? `${w.message.replace(/^Unresolved tag: tag:yaml\.org,2002:/, 'Unresolved tag: !!')} — a bindings file uses no custom YAML tags; remove the tag`
        : `${w.message} — check this YAML`,
    });
  }
  if (diagnostics.some((d) => d.severity === 'error'))
    return { locate, diagnostics, ...partialValue(doc, doc.errors, pos) };

  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    error(
      1,
      1,
      'the file is empty — start it with `version: 1`, `owner: ...`, `clusters:` and `bindings:` (see the README for an example)',
    );
    return { locate, diagnostics };
  }
  if (!isMap(doc.contents)) {
    const at = doc.contents.range ? pos(doc.contents.range[0]) : { line: 1, col: 1 };
    const kind = isSeq(doc.contents) ? 'a list' : 'a single value';
    error(
      at.line,
      at.col,
      `the top level of the file is ${kind}, not a map — write keys at the top level: version, owner, aws, clusters, bindings`,
    );
    return { locate, diagnostics };
  }

  visit(doc, {
    Node(_, node, ancestors) {
      const kind = node.tag ? NON_JSON_TAGS[node.tag] : undefined;
      if (!kind) return;
      const at = node.range ? pos(node.range[0]) : { line: 1, col: 1 };
      const tag = `!!${node.tag!.slice('tag:yaml.org,2002:'.length)}`;
      const parent = ancestors[ancestors.length - 1];
      const key = isPair(parent) && isScalar(parent.key) ? `\`${String(parent.key.value)}\` ` : 'this value ';
      error(
        at.line,
        at.col,
        `${key}has the ${tag} tag, which makes it ${kind} that a bindings file cannot hold — remove the tag and write a plain map, list or string`,
      );
    },
  });
  if (diagnostics.some((d) => d.severity === 'error')) return { locate, diagnostics };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    const at = firstAlias(doc, pos);
    error(
      at.line,
      at.col,
      `the anchors and aliases (&name / *name) expand to too much data (${e.message.toLowerCase()}) — write the values out or use fewer aliases (at most ${MAX_ALIAS_COUNT} expansions)`,
    );
    return { locate, diagnostics };
  }
  const expanded = countValues(value, MAX_EXPANDED_VALUES);
  if (expanded > MAX_EXPANDED_VALUES) {
    const at = firstAlias(doc, pos);
    error(
      at.line,
      at.col,
      `the file expands to more than ${MAX_EXPANDED_VALUES.toLocaleString('en-US')} values once its aliases (*name) are replaced by what they point at — write the values out or use fewer, smaller aliases (it was not checked further)`,
    );
    return { locate, diagnostics };
  }
  return { value: value as Record<string, unknown>, locate, diagnostics };
}

/**
 * Maps, lists and scalars in a value, as the checks will walk them (an alias counts as many times
 * as it is used); stops counting past `limit`, which also ends a walk of a self-referencing alias.
 */
export function countValues(value: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && count <= limit) {
    const current = stack.pop();
    count += 1;
    if (Array.isArray(current)) for (const item of current) stack.push(item);
    else if (current !== null && typeof current === 'object')
      for (const item of Object.values(current as Record<string, unknown>)) stack.push(item);
  }
  return count;
}

function yamlErrorMessage(
  code: string,
  message: string,
  doc: Document,
  offset: number,
  pos: (o: number) => Position,
): string {
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'a tab is used for indentation; YAML allows only spaces there — indent with spaces';
    case 'DUPLICATE_KEY': {
      const dup = duplicateKey(doc, offset);
      if (!dup) return 'duplicate key — a key may appear only once in a map; remove or merge one of them';
      return `duplicate key "${dup.key}" (first at line ${pos(dup.firstOffset).line}) — a key may appear only once in a map; remove or merge one of them`;
    }
    case 'MULTIPLE_DOCS':
      return 'the file holds more than one YAML document (a second "---") — keep everything in one document';
    default:
      return `YAML syntax error: ${shortenQuotedSource(message.replace(/\.$/, ''))} — check indentation, brackets and quotes here (quote values that contain ": " or " #")`;
  }
}

/**
 * yaml ends some messages with the offending token's source as a JSON string ("Unexpected scalar
 * token in YAML stream: \"…\""); in a file that is not YAML at all that token can be a whole line
 * of a secret, so only a short, escaped snippet of it is kept.
 */
function shortenQuotedSource(message: string): string {
  return message.replace(/: ("(?:[^"\\]|\\.)*")$/, (whole, quoted: string) => {
    try {
      return `: ${snippet(JSON.parse(quoted) as string, 20)}`;
    } catch {
      return whole;
    }
  });
}

/** The duplicated key at `offset` and where it first appears in the same map. */
function duplicateKey(doc: Document, offset: number): { key: string; firstOffset: number } | undefined {
  let found: { key: string; firstOffset: number } | undefined;
  visit(doc, {
    Map(_, map) {
      const pair = map.items.find((p) => isScalar(p.key) && p.key.range?.[0] === offset);
      if (!pair || !isScalar(pair.key)) return;
      const key = String(pair.key.value);
      const first = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (first && isScalar(first.key) && first.key.range) found = { key, firstOffset: first.key.range[0] };
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * The offset of the first flow bracket deeper than MAX_FLOW_DEPTH, skipping comments and quoted
 * scalars. Approximate on purpose (a quote only opens after a separator): it must never reject a
 * real file, and a file that slips past it still gets yaml's own errors.
 */
export function flowTooDeep(text: string): number | undefined {
  // Character codes, not one-character strings and a regular expression per character: this runs
  // over every byte of a file of up to 8 MiB before yaml sees it.
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    const prev = i === 0 ? LF : text.charCodeAt(i - 1);
    if (c === HASH && isSpace(prev)) {
      while (i < text.length && text.charCodeAt(i) !== LF) i += 1;
    } else if ((c === DOUBLE_QUOTE || c === SINGLE_QUOTE) && (isSpace(prev) || isFlowStart(prev))) {
      for (i += 1; i < text.length; i += 1) {
        const q = text.charCodeAt(i);
        if (c === DOUBLE_QUOTE && q === BACKSLASH) i += 1;
        else if (q === c) {
          if (c === SINGLE_QUOTE && text.charCodeAt(i + 1) === SINGLE_QUOTE) i += 1;
          else break;
        }
      }
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      depth += 1;
      if (depth > MAX_FLOW_DEPTH) return i;
    } else if ((c === CLOSE_BRACKET || c === CLOSE_BRACE) && depth > 0) {
      depth -= 1;
    }
  }
  return undefined;
}

const LF = 0x0a;
const HASH = 0x23;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** What JavaScript's `\s` matches (the old test was /\s/). */
const isSpace = (c: number): boolean =>
  (c >= 0x09 && c <= 0x0d) ||
  c === 0x20 ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;

/** `[`, `{`, `,` or `:` before a quote: the quote opens a scalar. */
const isFlowStart = (c: number): boolean =>
  c === OPEN_BRACKET || c === OPEN_BRACE || c === 0x2c || c === 0x3a;

function firstAlias(doc: Document, pos: (o: number) => Position): Position {
  let at: Position = { line: 1, col: 1 };
  visit(doc, {
    Alias(_, node) {
      if (node.range) at = pos(node.range[0]);
      return visit.BREAK;
    },
  });
  return at;
}

interface Step {
  node: Node | null;
  keyNode?: Node;
}

function makeLocator(doc: Document, text: string, pos: (o: number) => Position): Locator {
  // yaml's Alias.resolve walks the whole document on every call, and a file with many aliases and
  // many problems asked for it once per problem (80 s for 89,200 errors). The anchors and each
  // map's keys are indexed once, on first use, so a lookup costs the path's length.
  let anchors: Map<string, Array<{ offset: number; node: Node }>> | undefined;
  const resolve = (alias: Node): Node | null => {
    if (!isAlias(alias)) return alias;
    if (!anchors) {
      anchors = new Map();
      const index = anchors;
      visit(doc, {
        Node(_, node) {
          if (!node.anchor || !node.range) return;
          const list = index.get(node.anchor) ?? [];
          list.push({ offset: node.range[0], node });
          index.set(node.anchor, list);
        },
      });
    }
    // An alias refers to the last anchor of that name before it (anchors may be redefined).
    const at = alias.range?.[0] ?? Number.POSITIVE_INFINITY;
    let found: Node | null = null;
    for (const candidate of anchors.get(alias.source) ?? [])
      if (candidate.offset < at) found = candidate.node;
    return found;
  };
  const keyIndexes = new WeakMap<object, Map<string, Pair>>();
  const pairOf = (map: YAMLMap, key: string): Pair | undefined => {
    let index = keyIndexes.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) {
        const k = keyText(p.key);
        if (k !== undefined && !index.has(k)) index.set(k, p);
      }
      keyIndexes.set(map, index);
    }
    return index.get(key);
  };
  // Walks as far as the path exists; the last step found stands in for a missing tail.
  const walk = (path: JsonPath): { steps: Step[]; complete: boolean } => {
    const steps: Step[] = [{ node: (doc.contents as Node | null) ?? null }];
    for (const segment of path) {
      const last = steps[steps.length - 1].node;
      const current = last ? resolve(last) : null;
      if (isMap(current)) {
        const pair = pairOf(current, String(segment));
        if (!pair) return { steps, complete: false };
        steps.push({ node: (pair.value as Node | null) ?? null, keyNode: pair.key as Node });
      } else if (isSeq(current) && typeof segment === 'number' && segment < current.items.length) {
        steps.push({ node: (current.items[segment] as Node | null) ?? null });
      } else {
        return { steps, complete: false };
      }
    }
    return { steps, complete: true };
  };
  const nodePos = (steps: Step[]): Position => {
    for (let i = steps.length - 1; i >= 0; i--) {
      const { node, keyNode } = steps[i];
      // An empty value (`key:` with nothing after it) has a zero-width range after the key: point at the key.
      if (node?.range && node.range[1] > node.range[0]) return pos(node.range[0]);
      if (keyNode?.range) return pos(keyNode.range[0]);
      if (node?.range) return pos(node.range[0]);
    }
    return { line: 1, col: 1 };
  };
  return {
    value: (path) => nodePos(walk(path).steps),
    key: (path) => {
      const { steps, complete } = walk(path);
      const last = steps[steps.length - 1];
      if (complete && last.keyNode?.range) return pos(last.keyNode.range[0]);
      return nodePos(steps);
    },
    scalar: (path) => {
      const { steps, complete } = walk(path);
      const node = steps[steps.length - 1].node;
      if (!complete || !isScalar(node) || !node.range || typeof node.type !== 'string') return undefined;
      return {
        style: node.type,
        start: pos(node.range[0]),
        source: text.slice(node.range[0], node.range[1]),
      };
    },
  };
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

/**
 * Where a YAML error really is. yaml reports a mis-indented key at the end of the line above it
 * (`namespace: default` then ` name: app` one space too far in): when the error's range runs onto
 * later lines, the last of them is the one to fix, at its first non-blank character.
 */
function errorPosition(text: string, range: [number, number], pos: (o: number) => Position): Position {
  const start = pos(range[0]);
  const end = pos(Math.min(range[1], text.length));
  if (end.line <= start.line) return start;
  const lineStart = text.lastIndexOf('\n', Math.max(0, Math.min(range[1], text.length) - 1)) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))?.[0].length ?? 0;
  return { line: end.line, col: indent + 1 };
}

/** What the parser could still read after syntax errors, and the lines those errors damaged. */
function partialValue(
  doc: Document,
  errors: ReadonlyArray<{ code: string; pos: [number, number] }>,
  pos: (o: number) => Position,
): Pick<ParsedSource, 'partial'> {
  // Tabs, duplicate keys and several documents are not about one damaged block: no partial value.
  if (!isMap(doc.contents) || errors.some((e) => WHOLE_FILE_ERRORS.has(e.code))) return {};
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    return {};
  }
  const damagedLines = errors.map((e): [number, number] => {
    const line = pos(e.pos[0]).line;
    // The innermost map or list that starts on an earlier line holds the damage.
    let best: [number, number] = [line, pos(e.pos[1]).line];
    let bestSize = Number.POSITIVE_INFINITY;
    visit(doc, {
      Collection(_, node) {
        if (!node.range || node.range[0] > e.pos[0] || node.range[1] < e.pos[1]) return;
        const from = pos(node.range[0]).line;
        const size = node.range[1] - node.range[0];
        if (from < line && size < bestSize) {
          bestSize = size;
          best = [from, pos(Math.max(node.range[0], node.range[1] - 1)).line];
        }
      },
    });
    return best;
  });
  return { partial: { value: value as Record<string, unknown>, damagedLines } };
}
