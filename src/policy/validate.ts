// Checks that a policy document has IAM's shape before IAM sees it, so a typo fails in `validate`
// with a pointer into the file instead of as a MalformedPolicyDocument error halfway through apply.
// It checks structure (keys, Effect, Action/Resource pairs, Condition nesting), not meaning.
import { didYouMean } from '../support/suggest.js';
import { isObject } from '../support/json.js';

/** identity: attached to a role (no Principal, needs Resource); trust: who may assume it. */
export type PolicyKind = 'identity' | 'trust';

export interface PolicyProblem {
  /** Where in the document, e.g. `['Statement', 0, 'Effect']`; `[]` for the document itself. */
  path: Array<string | number>;
  message: string;
  /** 'key' when the problem is the key itself (an unknown key), so a locator points at the key. */
  at?: 'key';
}

/** The keys IAM allows, in the order people write them (renderers show policies in this order). */
export const DOCUMENT_KEYS = ['Version', 'Id', 'Statement'];
export const STATEMENT_KEYS = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
];
const VERSIONS = ['2012-10-17', '2008-10-17'];

/** Problems as `Statement[0].Effect: message` strings. */
export function validatePolicyDocument(doc: unknown, kind: PolicyKind): string[] {
  return findPolicyProblems(doc, kind).map((p) =>
    p.path.length ? `${policyPath(p.path)}: ${p.message}` : p.message,
  );
}

/** `Statement[0].Condition.StringEquals` */
export function policyPath(path: ReadonlyArray<string | number>): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

export function findPolicyProblems(doc: unknown, kind: PolicyKind): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const problem: Report = (path, message, at) =>
    problems.push(at ? { path, message, at } : { path, message });
  if (!isObject(doc)) {
    problem(
      [],
      'a policy document must be a map with Version and Statement — for example {Version: "2012-10-17", Statement: [...]}',
    );
    return problems;
  }
  for (const key of Object.keys(doc)) {
    if (!DOCUMENT_KEYS.includes(key)) {
      const hint =
        didYouMean(key, DOCUMENT_KEYS) || ' — a policy document has only Version, Id and Statement';
      problem([key], `unknown key "${key}" in a policy document${hint}`, 'key');
    }
  }
  if ('Version' in doc && !VERSIONS.includes(doc.Version as string)) {
    problem(
      ['Version'],
      `Version is ${JSON.stringify(doc.Version)} — write Version: "2012-10-17" (or the older "2008-10-17")`,
    );
  }
  const statements = doc.Statement;
  if (statements === undefined) {
    problem([], 'the policy has no Statement — add Statement: a list of {Effect, Action, Resource} maps');
  } else if (Array.isArray(statements)) {
    if (statements.length === 0)
      problem(['Statement'], 'Statement is an empty list — add at least one statement');
    statements.forEach((s, i) => checkStatement(s, ['Statement', i], kind, problem));
  } else if (isObject(statements)) {
    checkStatement(statements, ['Statement'], kind, problem);
  } else {
    problem(
      ['Statement'],
      'Statement must be a statement map or a list of them — write Statement: [{Effect: Allow, Action: ..., Resource: ...}]',
    );
  }
  return problems;
}

type Report = (path: Array<string | number>, message: string, at?: 'key') => void;

function checkStatement(
  statement: unknown,
  at: Array<string | number>,
  kind: PolicyKind,
  problem: Report,
): void {
  if (!isObject(statement)) {
    problem(at, 'a statement must be a map — write {Effect: Allow, Action: ..., Resource: ...}');
    return;
  }
  for (const key of Object.keys(statement)) {
    if (!STATEMENT_KEYS.includes(key)) {
      const hint = didYouMean(key, STATEMENT_KEYS) || ` — allowed keys: ${STATEMENT_KEYS.join(', ')}`;
      problem([...at, key], `unknown key "${key}" in a statement${hint}`, 'key');
    }
  }
  if ('Sid' in statement && (typeof statement.Sid !== 'string' || !/^[A-Za-z0-9]*$/.test(statement.Sid))) {
    problem(
      [...at, 'Sid'],
      `Sid ${JSON.stringify(statement.Sid)} is not valid — a Sid has only letters and digits (for example ReadAssets)`,
    );
  }
  if (!('Effect' in statement)) {
    problem(at, 'the statement has no Effect — add Effect: Allow (or Deny)');
  } else if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    problem(
      [...at, 'Effect'],
      `Effect is ${JSON.stringify(statement.Effect)} — write Allow or Deny (capitalised as shown)`,
    );
  }
  exactlyOne(statement, at, 'Action', 'NotAction', problem, 'Action: s3:GetObject');
  for (const key of ['Action', 'NotAction']) {
    if (key in statement)
      checkStrings(
        statement[key],
        [...at, key],
        key,
        problem,
        isActionName,
        'service:action, for example s3:GetObject, or "*"',
      );
  }
  if (kind === 'identity') {
    exactlyOne(statement, at, 'Resource', 'NotResource', problem, 'Resource: "*" or an ARN');
    for (const key of ['Principal', 'NotPrincipal']) {
      if (key in statement) {
        problem(
          [...at, key],
          `${key} is not allowed in an identity policy — remove it (who may assume the role comes from serviceAccounts)`,
        );
      }
    }
  } else {
    exactlyOne(statement, at, 'Principal', 'NotPrincipal', problem, 'Principal: {Federated: ...}');
    for (const key of ['Resource', 'NotResource']) {
      if (key in statement) problem([...at, key], `${key} is not allowed in a trust policy — remove it`);
    }
  }
  for (const key of ['Resource', 'NotResource']) {
    if (key in statement)
      checkStrings(statement[key], [...at, key], key, problem, (s) => s.length > 0, 'an ARN or "*"');
  }
  if ('Condition' in statement) checkCondition(statement.Condition, [...at, 'Condition'], problem);
}

function exactlyOne(
  statement: Record<string, unknown>,
  at: Array<string | number>,
  a: string,
  b: string,
  problem: Report,
  example: string,
): void {
  if (a in statement && b in statement)
    problem([...at, b], `the statement has both ${a} and ${b} — keep exactly one of them`);
  else if (!(a in statement) && !(b in statement))
    problem(at, `the statement has neither ${a} nor ${b} — add one, for example ${example}`);
}

function checkStrings(
  value: unknown,
  at: Array<string | number>,
  key: string,
  problem: Report,
  valid: (s: string) => boolean,
  shape: string,
): void {
  const list = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && value.length === 0) {
    problem(at, `${key} is an empty list — write ${shape}`);
    return;
  }
  list.forEach((item, i) => {
    const where = Array.isArray(value) ? [...at, i] : at;
    if (typeof item !== 'string')
      problem(
        where,
        `${key} must be a string or a list of strings, got ${JSON.stringify(item)} — write ${shape}`,
      );
    else if (!valid(item)) problem(where, `${key} ${JSON.stringify(item)} is not valid — write ${shape}`);
  });
}

function isActionName(action: string): boolean {
  return action === '*' || /^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(action);
}

// IAM's grammar says condition values are strings, but IAM accepts JSON numbers and booleans too
// (`Bool: {aws:SecureTransport: false}` is common), so those pass.
function checkCondition(condition: unknown, at: Array<string | number>, problem: Report): void {
  const example = 'for example Condition: {StringEquals: {"aws:RequestedRegion": eu-west-1}}';
  if (!isObject(condition)) {
    problem(at, `Condition must be a map of operator → key → value — ${example}`);
    return;
  }
  for (const [operator, block] of Object.entries(condition)) {
    if (!isObject(block)) {
      problem(
        [...at, operator],
        `Condition operator ${operator} must map condition keys to values — ${example}`,
      );
      continue;
    }
    for (const [key, value] of Object.entries(block)) {
      const values = Array.isArray(value) ? value : [value];
      if (values.some((v) => !['string', 'number', 'boolean'].includes(typeof v))) {
        problem(
          [...at, operator, key],
          `condition value for ${key} must be a string or a list of strings — ${example}`,
        );
      }
    }
  }
}
