// What changed inside a policy document, in two shapes reviewers read quickly:
// - structural edits (`~ Statement[0].Condition.StringEquals["…:sub"]: + "system:…"`) for the text plan:
//   one line per value that arrives or goes, addressed by statement and key;
// - a line diff for Markdown's ```diff blocks over a layout where every list value sits on its own
//   line (one value or many, always a list) and trailing commas do not count, so adding a subject
//   is one `+` line and its neighbour is not shown as removed and re-added.
// Both compare the display form (policy/normalize.ts): the same equivalences the plan uses, so only
// real differences appear. Documents shown whole are shown as written (documents.ts).
import { DOCUMENT_KEYS, STATEMENT_KEYS } from '../policy/validate.js';
import { diffArrays } from 'diff';
import { normalizePolicy } from '../policy/normalize.js';
import type { Json, JsonObject, PolicyDocument } from '../policy/types.js';

export type DiffOp = ' ' | '+' | '-';

export interface DiffLine {
  op: DiffOp;
  text: string;
}

/** A run of unchanged lines left out of a displayed diff. */
export interface FoldedLines {
  op: 'fold';
  hidden: number;
}

export type PolicyEdit =
  /** A value added to or removed from a list (Action, Resource, a condition key, a principal). */
  | { kind: 'value'; path: string; op: '+' | '-'; value: string }
  /** A single value replaced. */
  | { kind: 'change'; path: string; before: string; after: string }
  /** A whole statement or key added or removed, pretty-printed. */
  | { kind: 'block'; path: string; op: '+' | '-'; lines: string[] };

/** The order people write policy keys in; other keys follow in their own order. */
const KEY_ORDER = [...DOCUMENT_KEYS, ...STATEMENT_KEYS];
const KEY_RANK = new Map(KEY_ORDER.map((key, i) => [key, i]));

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function orderedKeys(object: JsonObject): string[] {
  const keys = Object.keys(object);
  const rank = (key: string) => KEY_RANK.get(key) ?? KEY_ORDER.length;
  return keys
    .map((key, i) => ({ key, i }))
    .sort((a, b) => rank(a.key) - rank(b.key) || a.i - b.i)
    .map(({ key }) => key);
}

/** A copy with keys in writing order (Version, Statement, Effect, Principal, Action, …), recursively. */
function laidOut(value: Json): Json {
  if (Array.isArray(value)) return value.map(laidOut);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const key of orderedKeys(value)) out[key] = laidOut(value[key]);
  return out;
}

const segment = (key: string): string =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;

const compact = (value: Json): string => JSON.stringify(value);

function statementsOf(doc: PolicyDocument): Json[] {
  const list = doc.Statement;
  return Array.isArray(list) ? list : list === undefined ? [] : [list];
}

/** Each statement as written, with its display form (for comparing) and index (for the path). */
interface IndexedStatement {
  index: number;
  form: JsonObject;
  json: string;
  key: string;
}

function indexed(doc: PolicyDocument): IndexedStatement[] {
  return statementsOf(doc).map((statement, index) => {
    const normalized = normalizePolicy({ Statement: [statement] }).Statement;
    const first = Array.isArray(normalized) ? normalized[0] : normalized;
    const form = isObject(first) ? first : {};
    // Statements pair up by Sid, else by who they let in and how: the usual unit of change.
    const key =
      typeof form.Sid === 'string'
        ? `sid:${form.Sid}`
        : `${compact(form.Effect ?? null)}|${compact(form.Principal ?? null)}|${compact(form.NotPrincipal ?? null)}`;
    return { index, form, json: compact(form), key };
  });
}

function pretty(value: Json): string[] {
  return JSON.stringify(laidOut(value), null, 2).split('\n');
}

function compareValues(
  path: string,
  before: Json | undefined,
  after: Json | undefined,
  out: PolicyEdit[],
): void {
  if (before === undefined && after === undefined) return;
  if (before === undefined || after === undefined) {
    const value = (before ?? after) as Json;
    const op = before === undefined ? '+' : '-';
    if (Array.isArray(value) && value.every((v) => !isObject(v) && !Array.isArray(v))) {
      for (const v of value) out.push({ kind: 'value', path, op, value: compact(v) });
    } else if (isObject(value) || Array.isArray(value)) {
      out.push({ kind: 'block', path, op, lines: pretty(value) });
    } else {
      out.push({ kind: 'value', path, op, value: compact(value) });
    }
    return;
  }
  if (isObject(before) && isObject(after)) {
    const keys = orderedKeys({ ...before, ...after });
    for (const key of keys) compareValues(`${path}${segment(key)}`, before[key], after[key], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (compact(before) === compact(after)) return;
    const was = new Set(before.map(compact));
    const now = new Set(after.map(compact));
    for (const v of was) if (!now.has(v)) out.push({ kind: 'value', path, op: '-', value: v });
    for (const v of now) if (!was.has(v)) out.push({ kind: 'value', path, op: '+', value: v });
    return;
  }
  if (compact(before) !== compact(after)) {
    out.push({ kind: 'change', path, before: compact(before), after: compact(after) });
  }
}

/**
 * What changed between two documents, statement by statement and key by key. Paths index the
 * statement as written in the new document (the old one for a removed statement).
 */
export function policyEdits(before: PolicyDocument, after: PolicyDocument): PolicyEdit[] {
  const out: PolicyEdit[] = [];
  const b = normalizePolicy(before);
  const a = normalizePolicy(after);
  for (const key of orderedKeys({ ...b, ...a })) {
    if (key !== 'Statement') compareValues(segment(key).replace(/^\./, ''), b[key], a[key], out);
  }

  const old = indexed(before);
  const now = indexed(after);
  // Unchanged statements (same meaning, wherever they are) say nothing.
  const unmatchedOld = new Map<string, IndexedStatement[]>();
  for (const s of old) unmatchedOld.set(s.json, [...(unmatchedOld.get(s.json) ?? []), s]);
  const changedNew: IndexedStatement[] = [];
  for (const s of now) {
    const same = unmatchedOld.get(s.json);
    if (same?.length) same.shift();
    else changedNew.push(s);
  }
  const changedOld = [...unmatchedOld.values()].flat().sort((x, y) => x.index - y.index);
  // Pair what is left by key, then by order; the rest is added or removed whole.
  const byKey = new Map<string, IndexedStatement[]>();
  for (const s of changedOld) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s]);
  const pairs: Array<[IndexedStatement | undefined, IndexedStatement | undefined]> = [];
  const unpairedNew: IndexedStatement[] = [];
  for (const s of changedNew) {
    const partner = byKey.get(s.key)?.shift();
    if (partner) pairs.push([partner, s]);
    else unpairedNew.push(s);
  }
  const unpairedOld = [...byKey.values()].flat().sort((x, y) => x.index - y.index);
  for (let i = 0; i < Math.max(unpairedOld.length, unpairedNew.length); i++) {
    pairs.push([unpairedOld[i], unpairedNew[i]]);
  }
  pairs.sort((x, y) => (x[1]?.index ?? x[0]?.index ?? 0) - (y[1]?.index ?? y[0]?.index ?? 0));
  for (const [was, is] of pairs) {
    if (was && is) compareValues(`Statement[${is.index}]`, was.form, is.form, out);
    else if (is)
      out.push({
        kind: 'block',
        path: `Statement[${is.index}]`,
        op: '+',
        lines: pretty(statementsOf(after)[is.index]),
      });
    else if (was)
      out.push({
        kind: 'block',
        path: `Statement[${was.index}]`,
        op: '-',
        lines: pretty(statementsOf(before)[was.index]),
      });
  }
  return out;
}

/** The display form laid out for line diffs: lists always lists, keys in writing order. */
function diffLayout(doc: PolicyDocument): string[] {
  return pretty(normalizePolicy(doc));
}

const withoutComma = (line: string): string => (line.endsWith(',') ? line.slice(0, -1) : line);

/**
 * A line diff of two documents in which a line that differs only by its trailing comma is the same
 * line (shown as it is in the new document).
 */
export function policyLineDiff(before: PolicyDocument, after: PolicyDocument): DiffLine[] {
  return linesDiff(diffLayout(before), diffLayout(after));
}

/** Lines aligned with jsdiff (Myers, O((N+M)·D)); a trailing comma alone does not make a change. */
export function linesDiff(before: string[], after: string[]): DiffLine[] {
  const changes = diffArrays(before, after, {
    comparator: (x, y) => withoutComma(x) === withoutComma(y),
  });
  const out: DiffLine[] = [];
  for (const part of changes) {
    const op: DiffOp = part.added ? '+' : part.removed ? '-' : ' ';
    for (const text of part.value) out.push({ op, text });
  }
  return out;
}

/** The document pretty-printed as given (2-space JSON, its own key order): what apply sends or IAM holds. */
export function documentLines(doc: Json): string[] {
  return JSON.stringify(doc, null, 2).split('\n');
}

/**
 * Hides long runs of unchanged lines, keeping `context` lines next to each change (like `diff -U`),
 * so a one-line change in a long policy stays easy to find.
 */
export function foldUnchanged(lines: readonly DiffLine[], context = 3): Array<DiffLine | FoldedLines> {
  const out: Array<DiffLine | FoldedLines> = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i].op !== ' ') {
      out.push(lines[i++]);
      continue;
    }
    let end = i;
    while (end < lines.length && lines[end].op === ' ') end++;
    const keepBefore = i === 0 ? 0 : context;
    const keepAfter = end === lines.length ? 0 : context;
    const hidden = end - i - keepBefore - keepAfter;
    if (hidden > 1) {
      for (let k = i; k < i + keepBefore; k++) out.push(lines[k]);
      out.push({ op: 'fold', hidden });
      for (let k = end - keepAfter; k < end; k++) out.push(lines[k]);
    } else {
      for (let k = i; k < end; k++) out.push(lines[k]);
    }
    i = end;
  }
  return out;
}
