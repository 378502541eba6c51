// Semantic comparison of IAM policy documents. The same policy reaches us in many spellings: an
// object from the bindings file, a JSON string, or the URL-encoded JSON IAM returns; a single value
// or a one-element list; any statement, key or value order. We bring each document to one canonical
// form so that only real differences show up in a plan.
//
// Two forms exist. The display form (`normalizePolicy`, `prettyPolicy`) keeps the document's
// spelling of condition keys, so diffs show what the user wrote. The comparison form
// (`canonicalPolicyJson`, `policiesEqual`) also applies IAM's equivalences that change spelling:
// condition keys are case-insensitive (operators are not) and a missing Version means 2008-10-17.
import { compareStrings } from '../support/order.js';
import type { Json, JsonObject, PolicyDocument } from './types.js';
import { isObject } from '../support/json.js';
import { parsePolicyText } from '../support/policy-document.js';

/** The Version IAM assumes when a document has none. */
export const IMPLICIT_POLICY_VERSION = '2008-10-17';

const LIST_FIELDS = new Set(['Action', 'NotAction', 'Resource', 'NotResource']);
const PRINCIPAL_FIELDS = new Set(['Principal', 'NotPrincipal']);

/** A document from an object, a JSON string or IAM's URL-encoded JSON string. */
function parseDocument(doc: PolicyDocument | string): PolicyDocument {
  if (typeof doc !== 'string') return doc;
  const read = parsePolicyText(doc);
  if (read.kind === 'not-json') {
    throw new Error(
      `policy document is not valid JSON (${read.error}): write it as a JSON object with Version and Statement.`,
    );
  }
  if (read.kind === 'not-object') {
    throw new Error(
      'policy document is not a JSON object: write it as an object with Version and Statement.',
    );
  }
  return read.document as PolicyDocument;
}

/** IAM compares condition values as strings: `true` and `"true"` are the same value. */
function scalarString(value: Json): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function sortedUniqueStrings(value: Json, toString: (v: Json) => string = scalarString): string[] {
  const list = Array.isArray(value) ? value : [value];
  return [...new Set(list.map(toString))].sort(compareStrings);
}

/** Any JSON value with object keys sorted recursively (arrays keep their order). */
function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort(compareStrings)) out[key] = sortKeys(value[key]);
  return out;
}

function normalizePrincipal(value: Json): Json {
  // "*" (anyone) stays a string; { AWS, Federated, Service, CanonicalUser } values become lists.
  if (!isObject(value)) return sortKeys(value);
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort(compareStrings)) out[key] = sortedUniqueStrings(value[key]);
  return out;
}

function normalizeCondition(value: Json, foldKeyCase: boolean): Json {
  if (!isObject(value)) return sortKeys(value);
  const out: JsonObject = {};
  for (const operator of Object.keys(value).sort(compareStrings)) {
    const block = value[operator];
    if (!isObject(block)) {
      out[operator] = sortKeys(block);
      continue;
    }
    // Keys that differ only in case are one key to IAM; in the comparison form their values merge.
    const merged = new Map<string, string[]>();
    for (const [key, values] of Object.entries(block)) {
      const name = foldKeyCase ? key.toLowerCase() : key;
      merged.set(name, [...(merged.get(name) ?? []), ...sortedUniqueStrings(values)]);
    }
    const normalized: JsonObject = {};
    for (const key of [...merged.keys()].sort(compareStrings)) {
      normalized[key] = [...new Set(merged.get(key))].sort(compareStrings);
    }
    out[operator] = normalized;
  }
  return out;
}

function normalizeStatement(statement: Json, foldKeyCase: boolean): Json {
  if (!isObject(statement)) return sortKeys(statement);
  const out: JsonObject = {};
  for (const key of Object.keys(statement).sort(compareStrings)) {
    const value = statement[key];
    if (LIST_FIELDS.has(key)) out[key] = sortedUniqueStrings(value);
    else if (PRINCIPAL_FIELDS.has(key)) out[key] = normalizePrincipal(value);
    else if (key === 'Condition') out[key] = normalizeCondition(value, foldKeyCase);
    else out[key] = sortKeys(value);
  }
  return out;
}

function canonicalForm(doc: PolicyDocument | string, comparison: boolean): PolicyDocument {
  const parsed = parseDocument(doc);
  const out: JsonObject = {};
  const source: JsonObject = { ...parsed };
  if (comparison && source.Version === undefined) source.Version = IMPLICIT_POLICY_VERSION;
  if (!('Statement' in source)) source.Statement = [];
  for (const key of Object.keys(source).sort(compareStrings)) {
    const value = source[key];
    if (key !== 'Statement') {
      out[key] = sortKeys(value);
      continue;
    }
    // Statement order means nothing to IAM: sort by each statement's canonical JSON.
    const statements = (Array.isArray(value) ? value : [value]).map((s) => normalizeStatement(s, comparison));
    out[key] = statements
      .map((s) => ({ s, json: JSON.stringify(s) }))
      .sort((a, b) => compareStrings(a.json, b.json))
      .map(({ s }) => s);
  }
  return out;
}

/**
 * The canonical display form of a policy: Statement a list sorted by content; Action, NotAction,
 * Resource, NotResource, principal values and condition values sorted de-duplicated string lists;
 * object keys sorted. Accepts an object, JSON text or IAM's URL-encoded JSON text.
 */
export function normalizePolicy(doc: PolicyDocument | string): PolicyDocument {
  return canonicalForm(doc, false);
}

/** One string per meaning: equal strings mean IAM treats the documents the same way. */
export function canonicalPolicyJson(doc: PolicyDocument | string): string {
  return JSON.stringify(canonicalForm(doc, true));
}

/** The comparison form as an object (condition keys lower-cased, Version filled in). */
export function comparablePolicy(doc: PolicyDocument | string): PolicyDocument {
  return canonicalForm(doc, true);
}

export function policiesEqual(a: PolicyDocument | string, b: PolicyDocument | string): boolean {
  // The usual case costs one serialisation each: a document we wrote comes back from IAM as the
  // text we sent, so the same text means the same document. Normalising every document of a
  // 1,000-role plan made ~40 MB of short-lived objects, the largest burst of its peak RSS.
  if (typeof a === typeof b && (typeof a === 'string' ? a === b : JSON.stringify(a) === JSON.stringify(b)))
    return true;
  return canonicalPolicyJson(a) === canonicalPolicyJson(b);
}

/** The display form as 2-space JSON: what plans show and line-diff. */
export function prettyPolicy(doc: PolicyDocument | string): string {
  return JSON.stringify(normalizePolicy(doc), null, 2);
}
