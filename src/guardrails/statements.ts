// What an inline policy's Allow statements grant, read the way IAM reads them: actions compared
// case-insensitively with wildcards on both sides, NotAction as "everything but", NotResource as
// "every resource but" (so, for a guardrail, every resource). Conditions are ignored on purpose: a
// guardrail judges what a statement can grant, and a condition may be satisfiable.
import type { Json, JsonObject, PolicyDocument } from '../policy/types.js';
import { globsOverlap, matchesEverything, someString } from './glob.js';

export interface AllowStatement {
  /** Index in the policy's Statement list (0 for a single statement object). */
  index: number;
  sid?: string;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
}

function list(value: Json | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value : [value];
  return items.filter((v): v is string => typeof v === 'string');
}

/** The Allow statements of a policy document (Deny statements only take away). */
export function allowStatements(doc: PolicyDocument): AllowStatement[] {
  const raw = doc.Statement;
  const statements = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) as Json[];
  const out: AllowStatement[] = [];
  statements.forEach((s, index) => {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) return;
    const st = s as JsonObject;
    if (st.Effect !== 'Allow') return;
    const allow: AllowStatement = { index };
    if (typeof st.Sid === 'string') allow.sid = st.Sid;
    const action = list(st.Action);
    const notAction = list(st.NotAction);
    const resource = list(st.Resource);
    const notResource = list(st.NotResource);
    if (action) allow.action = action;
    if (notAction) allow.notAction = notAction;
    if (resource) allow.resource = resource;
    if (notResource) allow.notResource = notResource;
    out.push(allow);
  });
  return out;
}

/**
 * The NotAction entries that surely exclude what they seem to. Whether IAM expands a wildcard in the
 * service prefix (`i*:*`, `ia?:*`) is not something to bet a guardrail on: such an entry is taken to
 * exclude nothing, so the statement counts as granting more, never less (the independent evaluator
 * the tests use does not expand them).
 */
function certainExclusions(notAction: readonly string[]): string[] {
  return notAction.filter((p) => matchesEverything(p) || !/[*?]/.test(p.split(':')[0]));
}

/** True when the statement grants at least one action that `pattern` matches. */
export function grantsActionMatching(statement: AllowStatement, pattern: string): boolean {
  const ci = { caseInsensitive: true };
  if (statement.notAction)
    return someString({ all: [pattern], none: certainExclusions(statement.notAction) }, ci);
  return (statement.action ?? []).some((a) => globsOverlap(a, pattern, ci));
}

/** The statement's actions that overlap `pattern`, for messages (NotAction: the NotAction list). */
export function describeGrant(statement: AllowStatement, pattern: string): string {
  if (statement.notAction) return `NotAction ${JSON.stringify(statement.notAction)} (grants everything else)`;
  const hits = (statement.action ?? []).filter((a) => globsOverlap(a, pattern, { caseInsensitive: true }));
  return `Action ${hits.map((a) => JSON.stringify(a)).join(', ')}`;
}

/**
 * A resource pattern that names no particular resource of the service: `*`, an ARN whose resource
 * part is only wildcards and separators (`arn:aws:s3:::*`, or every object of every bucket), or an
 * ARN pattern cut short by a wildcard (`arn:aws:s3*`).
 */
export function isUnscopedResource(pattern: string): boolean {
  if (matchesEverything(pattern)) return true;
  const parts = pattern.split(':');
  if (parts.length < 6) return pattern.includes('*');
  // Wildcards and separators only (`*`, `*` `/` `*`, `*:*`): any resource of the service.
  return /^[*/:]*\*[*/:]*$/.test(parts.slice(5).join(':'));
}

/** True when the statement applies to every resource: `Resource: "*"` (also in a list) or NotResource. */
export function appliesToAllResources(statement: AllowStatement): boolean {
  if (statement.notResource) return true;
  return (statement.resource ?? []).some(matchesEverything);
}

/** True when the statement has an unscoped resource (see isUnscopedResource) or NotResource. */
export function hasUnscopedResource(statement: AllowStatement): boolean {
  if (statement.notResource) return true;
  return (statement.resource ?? []).some(isUnscopedResource);
}

/** `statement 2 ("AdminSid")` for messages. */
export function statementName(statement: AllowStatement): string {
  return `statement ${statement.index}${statement.sid ? ` (${JSON.stringify(statement.sid)})` : ''}`;
}
