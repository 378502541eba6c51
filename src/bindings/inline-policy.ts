// Inline policies may be YAML maps or JSON strings (pasted from the console). A JSON string that does
// not parse is reported at the broken character in the file, not at the start of the string.
import type { Position, ScalarSource } from './parse.js';
import { errorMessage } from '../support/errors.js';
import { policyPath } from '../policy/validate.js';
import { scanJson } from './json-scan.js';
import { MAX_FLOW_DEPTH } from './parse.js';

export type InlinePolicyRead =
  { ok: true; document: unknown } | { ok: false; problem: string; at?: Position };

export function readInlinePolicy(value: unknown, source: ScalarSource | undefined): InlinePolicyRead {
  if (typeof value !== 'string') return { ok: true, document: value };
  const scanned = scanJson(value);
  if (scanned) {
    const at = source ? mapOffset(value, scanned.offset, source) : undefined;
    // A path 5,000 levels deep is no help to a reader: its first steps say where it starts.
    const shown =
      scanned.path.length > 6 ? `${policyPath(scanned.path.slice(0, 6))}…` : policyPath(scanned.path);
    const where = scanned.path.length ? ` at ${shown}` : '';
    if (scanned.kind === 'too-deep')
      return {
        ok: false,
        problem: `nests brackets ([ ] / { }) more than ${MAX_FLOW_DEPTH} levels deep${where} (a policy never needs that; it was not read further)`,
        at,
      };
    const first = source ? mapOffset(value, scanned.firstOffset, source) : undefined;
    const firstAt = first && at && first.line !== at.line ? ` (first at line ${first.line})` : '';
    return {
      ok: false,
      problem: `has the key ${JSON.stringify(scanned.key)} twice${where}${firstAt}, and JSON would silently keep only the last one; a key may appear only once in a map (remove or merge one)`,
      at,
    };
  }
  try {
    return { ok: true, document: JSON.parse(value) };
  } catch (e) {
    const message = errorMessage(e);
    const offset = /position (\d+)/.exec(message);
    const reason = message
      .replace(/ in JSON at position \d+.*$/, '')
      .replace(/\s*\(line \d+ column \d+\)/, '');
    const at = offset && source ? mapOffset(value, Number(offset[1]), source) : source?.start;
    return { ok: false, problem: `is not valid JSON (${reason})`, at };
  }
}

/** Maps an offset in a string's value to the file, for the scalar styles where that is exact. */
export function mapOffset(value: string, offset: number, source: ScalarSource): Position {
  const before = value.slice(0, offset);
  const lineInValue = before.split('\n').length - 1;
  const colInValue = offset - (before.lastIndexOf('\n') + 1);
  if (source.style === 'BLOCK_LITERAL') {
    // `|` keeps every line as written: line k of the value is line k after the header line.
    const lines = source.source.split('\n').slice(1);
    const indent = /^ */.exec(lines.find((l) => l.trim().length > 0) ?? '')?.[0].length ?? 0;
    return { line: source.start.line + 1 + lineInValue, col: indent + colInValue + 1 };
  }
  if (source.source.includes('\n') || lineInValue > 0) return source.start;
  if (source.style === 'PLAIN') return { line: source.start.line, col: source.start.col + offset };
  // Quoted: walk the raw text, counting escapes as the one character they stand for.
  const raw = source.source.slice(1);
  let decoded = 0;
  let i = 0;
  while (decoded < offset && i < raw.length) {
    if (source.style === 'QUOTE_SINGLE' && raw.startsWith("''", i)) i += 2;
    else if (source.style === 'QUOTE_DOUBLE' && raw[i] === '\\') i += escapeLength(raw[i + 1]);
    else i += 1;
    decoded++;
  }
  return { line: source.start.line, col: source.start.col + 1 + i };
}

function escapeLength(kind: string | undefined): number {
  switch (kind) {
    case 'x':
      return 4;
    case 'u':
      return 6;
    case 'U':
      return 10;
    default:
      return 2;
  }
}
