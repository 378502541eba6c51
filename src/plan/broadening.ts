// Does a policy change grant more than before? Reviewers must see a new subject, a wildcard or a new
// issuer in a trust policy first, so the diff marks such changes. The check is conservative: it
// proves "not broader" only in simple, safe cases and otherwise says "broadens".
//
// A new document is no broader than the old one when every Allow statement of the new one is
// covered by an Allow statement of the old one, and every Deny statement of the old one is still
// there unchanged. An Allow statement A is covered by B when A's principals, actions and resources
// are subsets of B's (a "*" in B covers everything), every other field is the same, and A keeps each
// of B's conditions at least as strict: IAM ORs a condition's values, so fewer values are stricter,
// except for negated operators (StringNotEquals, NotIpAddress, …) where more values are stricter.
// Extra conditions in A only restrict it further.
import { comparablePolicy } from '../policy/normalize.js';
import type { Json, JsonObject, PolicyDocument } from '../policy/types.js';
import { isObject } from '../support/json.js';

const COMPARED_FIELDS = new Set(['Effect', 'Sid', 'Principal', 'Action', 'Resource', 'Condition']);

function statementsOf(doc: PolicyDocument): JsonObject[] {
  const list = comparablePolicy(doc).Statement;
  return (Array.isArray(list) ? list : []).filter((s): s is JsonObject => isObject(s));
}

function strings(value: Json | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

function principalAtoms(value: Json | undefined): string[] {
  if (value === undefined) return [];
  if (!isObject(value)) return strings(value);
  return Object.entries(value).flatMap(([type, values]) => strings(values).map((v) => `${type}:${v}`));
}

/** `inner` ⊆ `outer`, where a `*` (or `*:*` for actions) in outer stands for anything. */
function subset(
  inner: Json | undefined,
  outer: Json | undefined,
  atoms: (v: Json | undefined) => string[],
): boolean {
  if (inner === undefined || outer === undefined) return inner === outer;
  const allowed = new Set(atoms(outer));
  if (allowed.has('*') || allowed.has('*:*')) return true;
  return atoms(inner).every((atom) => allowed.has(atom));
}

function isNegatedOperator(operator: string): boolean {
  const base = operator.replace(/^For(All|Any)Values:/, '').replace(/IfExists$/, '');
  return base.includes('Not');
}

/** Every condition of `outer` is in `inner` and at least as strict there. */
function conditionsAtLeastAsStrict(inner: Json | undefined, outer: Json | undefined): boolean {
  if (outer === undefined) return true;
  if (!isObject(outer)) return JSON.stringify(inner) === JSON.stringify(outer);
  const innerBlocks = isObject(inner) ? inner : {};
  for (const [operator, block] of Object.entries(outer)) {
    const innerBlock = innerBlocks[operator];
    if (!isObject(block) || !isObject(innerBlock)) {
      if (JSON.stringify(block) !== JSON.stringify(innerBlock)) return false;
      continue;
    }
    for (const [key, values] of Object.entries(block)) {
      if (!(key in innerBlock)) return false;
      const outerValues = new Set(strings(values));
      const innerValues = new Set(strings(innerBlock[key]));
      const stricter = isNegatedOperator(operator)
        ? [...outerValues].every((v) => innerValues.has(v))
        : [...innerValues].every((v) => outerValues.has(v));
      if (!stricter) return false;
    }
  }
  return true;
}

function coveredBy(statement: JsonObject, outer: JsonObject): boolean {
  const keys = new Set([...Object.keys(statement), ...Object.keys(outer)]);
  for (const key of keys) {
    if (COMPARED_FIELDS.has(key)) continue;
    if (JSON.stringify(statement[key]) !== JSON.stringify(outer[key])) return false;
  }
  return (
    subset(statement.Principal, outer.Principal, principalAtoms) &&
    subset(statement.Action, outer.Action, strings) &&
    subset(statement.Resource, outer.Resource, strings) &&
    conditionsAtLeastAsStrict(statement.Condition, outer.Condition)
  );
}

/** True when `after` may allow something `before` did not (`before` undefined: the policy is new). */
export function policyBroadens(before: PolicyDocument | undefined, after: PolicyDocument): boolean {
  const afterStatements = statementsOf(after);
  const afterAllows = afterStatements.filter((s) => s.Effect === 'Allow');
  if (before === undefined) return afterAllows.length > 0;
  const beforeStatements = statementsOf(before);
  const beforeAllows = beforeStatements.filter((s) => s.Effect === 'Allow');
  const afterDenies = new Set(
    afterStatements.filter((s) => s.Effect !== 'Allow').map((s) => JSON.stringify(s)),
  );
  const denyDropped = beforeStatements
    .filter((s) => s.Effect !== 'Allow')
    .some((s) => !afterDenies.has(JSON.stringify(s)));
  if (denyDropped) return true;
  return afterAllows.some((statement) => !beforeAllows.some((outer) => coveredBy(statement, outer)));
}
