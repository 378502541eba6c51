// JSON with object keys sorted at every level: the same value always gives the same text, whatever
// order its objects were built in. Used to hash plans.
//
// Written piece by piece, without first building a key-sorted copy of the value, and for the plan
// id straight into the hash (hashCanonicalJson), without the text as one string: a plan of 10,000
// bindings is tens of MB of objects, and the copy plus its text (garbage the moment they were
// hashed) made the plan id the one stage that grew faster than linearly with N (3× per doubling,
// most of it garbage collection over a heap that grows with N). The text is exactly what
// JSON.stringify(keySortedCopy) gave — including JavaScript's own order for keys that are array
// indices ("0", "10"), which an object lists first, in numeric order, whatever order they were
// added in — so plan ids do not change. One deliberate difference: an own key named `__proto__`
// (IAM allows it as a tag key) is written; the copy lost it, assigning it set the copy's prototype.
import type { Hash } from 'node:crypto';
import { compareStrings } from '../support/order.js';

/** A key JavaScript orders as an array index: a canonical decimal below 2³² − 1. */
function isIndexKey(key: string): boolean {
  if (key === '0') return true;
  if (!/^[1-9]\d{0,9}$/.test(key)) return false;
  return Number(key) < 4294967295;
}

function compareKeys(a: string, b: string): number {
  const ai = isIndexKey(a);
  const bi = isIndexKey(b);
  if (ai && bi) return Number(a) - Number(b);
  if (ai !== bi) return ai ? -1 : 1;
  return compareStrings(a, b);
}

/** Members JSON leaves out of an object (and writes as null in an array). */
const skipped = (value: unknown): boolean =>
  value === undefined || typeof value === 'function' || typeof value === 'symbol';

type Sink = (text: string) => void;

function write(value: unknown, out: Sink): void {
  if (typeof value !== 'object' || value === null) {
    out(JSON.stringify(value));
    return;
  }
  if (Array.isArray(value)) {
    out('[');
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out(',');
      const item: unknown = value[i];
      if (skipped(item)) out('null');
      else write(item, out);
    }
    out(']');
    return;
  }
  // Own enumerable keys only, as Object.keys gives them: any object (a Date too) is written as the
  // plain map of its keys, as the key-sorted copy was.
  const record = value as Record<string, unknown>;
  out('{');
  let first = true;
  for (const key of Object.keys(record).sort(compareKeys)) {
    const member = record[key];
    if (skipped(member)) continue;
    if (!first) out(',');
    first = false;
    out(`${JSON.stringify(key)}:`);
    write(member, out);
  }
  out('}');
}

export function canonicalJson(value: unknown): string {
  if (skipped(value)) return JSON.stringify(value);
  let text = '';
  write(value, (piece) => {
    text += piece;
  });
  return text;
}

/**
 * hash.update(canonicalJson(value)), in pieces of about 4 K characters. Small on purpose: the
 * pending text is a chain of small strings that lives until it is hashed, and at 64 K it outlived
 * V8's young generation and was promoted — the plan id of 1,000 bindings put ~25 MB of garbage in
 * old space, the top of that plan's peak RSS (bench/results/memory.md, fifth round).
 */
export function hashCanonicalJson(value: unknown, hash: Hash): Hash {
  if (skipped(value)) throw new TypeError('hashCanonicalJson: the value has no JSON text');
  let pending = '';
  write(value, (piece) => {
    pending += piece;
    if (pending.length >= 4096) {
      hash.update(pending);
      pending = '';
    }
  });
  return hash.update(pending);
}
