// Parses a bindings file one `bindings:` item at a time, so that yaml's parse tree (CST) and
// Document never hold the whole file: for the 10,000-binding headroom file (4.8 MB) they were
// ~155 MB and ~80 MB of heap at once, and the Document stayed alive through every later check
// because the locator walked it. Here each piece (the keys before `bindings:`, each list item, the
// keys after the list) is parsed by yaml on its own, its plain value kept, and its positions kept
// in a compact tree (offsets only) that answers the same Locator questions.
//
// The result must be exactly what the whole-file parse gives (parse.ts), so this path only takes
// files where parsing the pieces apart cannot change anything, and returns undefined for every
// other file, which is then parsed whole as before:
// - any tab or carriage return, any `%` directive, any `---`/`...` line after `bindings:`
//   (several documents), a `bindings:` line with anything but a comment after the colon (a flow
//   list, a tag, an anchor), a list that is not a block list of `- ` items, or a line outside the
//   items that is not at column 0 (yaml would report the indentation);
// - any anchor or alias (an alias may point into another piece, and the alias limits count over
//   the whole file), any tag the whole-file parse refuses, any complex (non-scalar) key;
// - any yaml error or warning in any piece (the whole-file parse then reports it, with its own
//   wording and positions), a piece that is not the shape expected (the header must end with the
//   empty `bindings:` key, each item piece must be a one-item list, the trailer a map), and a key
//   after the list that is also before it (a duplicate the pieces alone would not see).
// The size, flow-depth and expanded-value limits are checked by parse.ts on either path.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { JsonPath, Locator, Position, ScalarSource } from './parse.js';

/** Offsets (UTF-16, into the whole text) of the pieces. */
export interface BindingsPieces {
  /** The header is [0, headerEnd): everything up to and including the `bindings:` line. */
  headerEnd: number;
  /** Offset of that `bindings` key. */
  bindingsKey: number;
  /** Where each item's piece starts (the first starts at headerEnd, to take leading comments). */
  items: number[];
  /** The keys after the list start here; text.length when there are none. */
  trailerStart: number;
}

const SPACE = 0x20;
const HASH = 0x23;
const DASH = 0x2d;

/** Where the pieces are, or undefined when the file must be parsed whole (see the module comment). */
export function splitBindingsList(text: string): BindingsPieces | undefined {
  if (text.includes('\t') || text.includes('\r') || /^%/m.test(text)) return undefined;
  const header = /^bindings:(?: +(?:#[^\n]*)?)?\n/m.exec(text);
  if (!header) return undefined;
  const headerEnd = header.index + header[0].length;
  const markers = /^(?:---|\.\.\.)/gm;
  markers.lastIndex = headerEnd;
  if (markers.test(text)) return undefined;

  const items: number[] = [];
  let indent = -1;
  let trailerStart = text.length;
  for (let at = headerEnd; at < text.length;) {
    const eol = text.indexOf('\n', at);
    const end = eol < 0 ? text.length : eol;
    let i = at;
    while (i < end && text.charCodeAt(i) === SPACE) i += 1;
    const col = i - at;
    const blankOrComment = i === end || text.charCodeAt(i) === HASH;
    if (!blankOrComment) {
      const dash = text.charCodeAt(i) === DASH && (i + 1 === end || text.charCodeAt(i + 1) === SPACE);
      if (indent < 0) {
        if (!dash) return undefined;
        indent = col;
      }
      if (col === indent && dash) {
        items.push(items.length === 0 ? headerEnd : at);
      } else if (col <= indent) {
        // The list ends at the next top-level key; anything else this far left is yaml's to report.
        if (col !== 0) return undefined;
        trailerStart = at;
        break;
      }
    }
    at = end + 1;
  }
  if (items.length === 0) return undefined;
  return { headerEnd, bindingsKey: header.index, items, trailerStart };
}

/**
 * Positions of one node, as offsets into the whole text (yaml's range[0] and range[1]). Kept small
 * on purpose, since they live as long as the locator: a scalar is one number (see packScalar), a
 * map one flat list of key, key offset and value per pair.
 */
type Spot = number | MapSpot | SeqSpot;

class MapSpot {
  readonly start: number;
  end: number;
  /** key, key offset, value spot (or null), for each pair in order. */
  readonly entries: Array<string | number | Spot | null>;
  constructor(start: number, end: number, entries: Array<string | number | Spot | null>) {
    this.start = start;
    this.end = end;
    this.entries = entries;
  }
}

class SeqSpot {
  readonly start: number;
  readonly end: number;
  readonly items: Array<Spot | null>;
  constructor(start: number, end: number, items: Array<Spot | null>) {
    this.start = start;
    this.end = end;
    this.items = items;
  }
}

/** yaml's scalar styles, by their index in a packed scalar (0: none). */
const STYLES = [undefined, 'PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'];
const OFFSET_LIMIT = 2 ** 24;

/** start, length and style in one number (24 + 24 + 3 bits, exact in a double). */
function packScalar(start: number, end: number, style: unknown): number {
  const styleIndex = STYLES.indexOf(typeof style === 'string' ? style : undefined);
  if (styleIndex < 0 || start >= OFFSET_LIMIT || end - start >= OFFSET_LIMIT || end < start)
    throw new ParseWhole();
  return (start * OFFSET_LIMIT + (end - start)) * 8 + styleIndex;
}

function unpackScalar(packed: number): { start: number; end: number; style: string | undefined } {
  const style = STYLES[packed % 8];
  const rest = Math.floor(packed / 8);
  const length = rest % OFFSET_LIMIT;
  const start = Math.floor(rest / OFFSET_LIMIT);
  return { start, end: start + length, style };
}

const spotStart = (spot: Spot): number => (typeof spot === 'number' ? unpackScalar(spot).start : spot.start);
const spotEnd = (spot: Spot): number => (typeof spot === 'number' ? unpackScalar(spot).end : spot.end);

/** Thrown inside this module when a piece shows the file must be parsed whole. */
class ParseWhole extends Error {}

export interface PiecewiseResult {
  value: Record<string, unknown>;
  locate: Locator;
}

/**
 * The whole-file parse's value and locator, built piece by piece; undefined when the file must be
 * parsed whole (no errors or warnings are ever produced here: such files are parsed whole).
 */
export function parseBindingsPiecewise(
  text: string,
  refusedTags: Readonly<Record<string, string>>,
): PiecewiseResult | undefined {
  const split = splitBindingsList(text);
  if (!split) return undefined;
  const lines = new LineCounter();
  try {
    const header = parsePiece(text, 0, split.headerEnd, lines);
    const top = header.contents;
    if (!isMap(top) || top.items.length === 0) return undefined;
    const last = top.items[top.items.length - 1];
    if (
      !isScalar(last.key) ||
      last.key.value !== 'bindings' ||
      last.key.range?.[0] !== split.bindingsKey ||
      !(last.value === null || (isScalar(last.value) && last.value.value === null && !last.value.tag))
    )
      return undefined;
    const root = spotOf(top, 0, refusedTags);
    if (!(root instanceof MapSpot)) return undefined;
    const value = header.toJS() as Record<string, unknown>;

    const list: unknown[] = [];
    const listItems: Array<Spot | null> = [];
    let listStart = 0;
    let listEnd = 0;
    for (let k = 0; k < split.items.length; k++) {
      const start = split.items[k];
      const end = k + 1 < split.items.length ? split.items[k + 1] : split.trailerStart;
      const piece = parsePiece(text, start, end, lines);
      const seq = piece.contents;
      if (!isSeq(seq) || seq.items.length !== 1 || !seq.range || seq.anchor || seq.tag) return undefined;
      if (k === 0) listStart = seq.range[0] + start;
      listEnd = seq.range[1] + start;
      listItems.push(spotOf(seq.items[0], start, refusedTags));
      list.push((piece.toJS() as unknown[])[0]);
    }
    root.entries[root.entries.length - 1] = new SeqSpot(listStart, listEnd, listItems);
    value.bindings = list;
    root.end = listEnd;

    if (split.trailerStart < text.length) {
      const trailer = parsePiece(text, split.trailerStart, text.length, lines);
      if (trailer.contents !== null) {
        if (!isMap(trailer.contents)) return undefined;
        const more = spotOf(trailer.contents, split.trailerStart, refusedTags);
        if (!(more instanceof MapSpot)) return undefined;
        const extra = trailer.toJS() as Record<string, unknown>;
        const before = new Set(keysOf(root));
        if (
          keysOf(more).some((k) => before.has(k)) ||
          Object.keys(extra).some((k) => Object.hasOwn(value, k))
        )
          return undefined;
        root.entries.push(...more.entries);
        root.end = more.end;
        for (const k of Object.keys(extra))
          Object.defineProperty(value, k, {
            value: extra[k],
            writable: true,
            enumerable: true,
            configurable: true,
          });
      }
    }
    return { value, locate: spotLocator(root, text, lines.linePos) };
  } catch (error) {
    if (error instanceof ParseWhole) return undefined;
    throw error;
  }
}

/** yaml's parse of text[start, end), its newlines added to `lines` as the whole-file parse would. */
function parsePiece(text: string, start: number, end: number, lines: LineCounter): Document {
  const counter = new LineCounter();
  const doc = parseDocument(text.slice(start, end), {
    lineCounter: counter,
    uniqueKeys: true,
    prettyErrors: false,
  });
  if (doc.errors.length > 0 || doc.warnings.length > 0) throw new ParseWhole();
  // Every piece starts a line, so its first "new line" (offset 0) is usually the previous piece's
  // last; yaml reports each line start once, and a doubled one would shift every later line.
  const starts = lines.lineStarts;
  for (const offset of counter.lineStarts) {
    const at = offset + start;
    if (starts.length === 0 || starts[starts.length - 1] < at) lines.addNewLine(at);
    else if (starts[starts.length - 1] > at) throw new ParseWhole();
  }
  return doc;
}

/** The compact positions of a yaml node (range shifted by `base`); refuses what needs the whole file. */
function spotOf(node: unknown, base: number, refusedTags: Readonly<Record<string, string>>): Spot | null {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) throw new ParseWhole();
  if (isMap(node) || isSeq(node) || isScalar(node)) {
    if (!node.range || node.anchor || (node.tag && refusedTags[node.tag])) throw new ParseWhole();
    const start = node.range[0] + base;
    const end = node.range[1] + base;
    if (isScalar(node)) return packScalar(start, end, node.type);
    if (isSeq(node))
      return new SeqSpot(
        start,
        end,
        node.items.map((item) => spotOf(item, base, refusedTags)),
      );
    const entries = new Array<string | number | Spot | null>(node.items.length * 3);
    node.items.forEach((pair, i) => {
      const key = pair.key;
      if (!isScalar(key) || !key.range || key.anchor || (key.tag && refusedTags[key.tag]))
        throw new ParseWhole();
      entries[3 * i] = String(key.value);
      entries[3 * i + 1] = key.range[0] + base;
      entries[3 * i + 2] = spotOf(pair.value, base, refusedTags);
    });
    return new MapSpot(start, end, entries);
  }
  throw new ParseWhole();
}

const keysOf = (map: MapSpot): string[] => map.entries.filter((_, i) => i % 3 === 0) as string[];

interface Step {
  spot: Spot | null;
  keyStart?: number;
}

/** The Locator of parse.ts over compact positions: same answers, without the yaml Document. */
function spotLocator(root: MapSpot, text: string, pos: (offset: number) => Position): Locator {
  // Big maps (clusters, tags) get a key index on first use, so a lookup costs the path's length.
  const indexes = new WeakMap<MapSpot, Map<string, number>>();
  const pairAt = (map: MapSpot, key: string): number => {
    const pairs = map.entries.length / 3;
    if (pairs <= 8) {
      for (let i = 0; i < pairs; i++) if (map.entries[3 * i] === key) return i;
      return -1;
    }
    let index = indexes.get(map);
    if (!index) {
      index = new Map();
      // The first of equal keys wins, as in parse.ts.
      for (let i = pairs - 1; i >= 0; i--) index.set(map.entries[3 * i] as string, i);
      indexes.set(map, index);
    }
    return index.get(key) ?? -1;
  };
  const walk = (path: JsonPath): { steps: Step[]; complete: boolean } => {
    const steps: Step[] = [{ spot: root }];
    for (const segment of path) {
      const current = steps[steps.length - 1].spot;
      if (current instanceof MapSpot) {
        const i = pairAt(current, String(segment));
        if (i < 0) return { steps, complete: false };
        steps.push({
          spot: current.entries[3 * i + 2] as Spot | null,
          keyStart: current.entries[3 * i + 1] as number,
        });
      } else if (
        current instanceof SeqSpot &&
        typeof segment === 'number' &&
        segment < current.items.length
      ) {
        steps.push({ spot: current.items[segment] });
      } else {
        return { steps, complete: false };
      }
    }
    return { steps, complete: true };
  };
  const spotPos = (steps: Step[]): Position => {
    for (let i = steps.length - 1; i >= 0; i--) {
      const { spot, keyStart } = steps[i];
      // An empty value (`key:` with nothing after it) has a zero-width range after the key: point at the key.
      if (spot !== null && spotEnd(spot) > spotStart(spot)) return pos(spotStart(spot));
      if (keyStart !== undefined) return pos(keyStart);
      if (spot !== null) return pos(spotStart(spot));
    }
    return { line: 1, col: 1 };
  };
  return {
    value: (path) => spotPos(walk(path).steps),
    key: (path) => {
      const { steps, complete } = walk(path);
      const last = steps[steps.length - 1];
      if (complete && last.keyStart !== undefined) return pos(last.keyStart);
      return spotPos(steps);
    },
    scalar: (path): ScalarSource | undefined => {
      const { steps, complete } = walk(path);
      const spot = steps[steps.length - 1].spot;
      if (!complete || typeof spot !== 'number') return undefined;
      const { start, end, style } = unpackScalar(spot);
      if (style === undefined) return undefined;
      return { style, start: pos(start), source: text.slice(start, end) };
    },
  };
}
