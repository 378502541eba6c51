// The presentation layer the text and Markdown plans share, so both say the same thing the same way:
// one symbol per action, one address per resource (`role.app`, `oidc-provider.host/id`,
// `service-account.cluster/ns/name` — the plan's own address, as in JSON, warnings and errors),
// changes ordered by risk (destroys and replacements, then what broadens access, then the rest),
// field kinds, list diffs, the documents as written, what a destroyed role had, and drift labels.
// Everything here is linear in the size of the plan: renderers call it per change, lazily.
import type { Change, ChangeAction, FieldChange, Plan, PlanWarning } from '../plan/types.js';
import type { Json, JsonObject, PolicyDocument } from '../policy/types.js';
import { policyEdits, policyLineDiff, type DiffLine, type PolicyEdit } from './policy-diff.js';

export type ShownAction = Exclude<ChangeAction, 'no-op'>;

export const SYMBOL: Record<ChangeAction, string> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-',
  adopt: '±',
  'no-op': ' ',
};

/** Legend order: the riskiest first, like the plan itself. */
export const LEGEND: ReadonlyArray<[ShownAction, string]> = [
  ['delete', 'destroy'],
  ['replace', 'destroy and then create replacement'],
  ['create', 'create'],
  ['update', 'update in-place'],
  ['adopt', 'adopt (start managing an existing resource)'],
];

// ---- risk --------------------------------------------------------------------------------------

export type Risk = 'destroy' | 'broadens' | 'other';

export function broadens(change: Change): boolean {
  return change.fields.some((f) => f.broadensAccess === true);
}

/** Destroys and replacements take access away (and a replacement briefly has none at all). */
export function riskOf(change: Change): Risk {
  if (change.action === 'delete' || change.action === 'replace') return 'destroy';
  return broadens(change) ? 'broadens' : 'other';
}

export interface RiskGroups {
  destroy: Change[];
  broadens: Change[];
  other: Change[];
}

/** One pass, plan order kept inside each group. */
export function groupByRisk(changes: readonly Change[]): RiskGroups {
  const groups: RiskGroups = { destroy: [], broadens: [], other: [] };
  for (const change of changes) groups[riskOf(change)].push(change);
  return groups;
}

/** The changes in reading order: destroys and replacements, then broadening, then the rest. */
export function byRisk(changes: readonly Change[]): Change[] {
  const { destroy, broadens: broad, other } = groupByRisk(changes);
  return destroy.concat(broad, other);
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** `1001 to destroy, 1 to replace` — what the caution banner says. */
export function destroyHeadline(destroy: readonly Change[]): string {
  let deletes = 0;
  let replaces = 0;
  for (const c of destroy) {
    if (c.action === 'delete') deletes++;
    else replaces++;
  }
  const parts: string[] = [];
  if (deletes > 0) parts.push(`${deletes} to destroy`);
  if (replaces > 0) parts.push(`${replaces} to replace`);
  return parts.join(', ');
}

// ---- drift ------------------------------------------------------------------------------------

export { driftCount, isDrift, type DriftLabels } from '../plan/drift.js';

// ---- fields ------------------------------------------------------------------------------------

export type FieldKind = 'scalar' | 'list' | 'policy' | 'object';
export type FieldOp = '+' | '-' | '~';

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isPolicyField(field: FieldChange): boolean {
  return field.field === 'trustPolicy' || field.field.startsWith('inlinePolicies.');
}

export function fieldKind(field: FieldChange): FieldKind {
  if (isPolicyField(field) && [field.before, field.after].some(isObject)) return 'policy';
  if (Array.isArray(field.before) || Array.isArray(field.after)) return 'list';
  if (isObject(field.before) || isObject(field.after)) return 'object';
  return 'scalar';
}

export function fieldOp(field: FieldChange): FieldOp {
  if (field.before === undefined) return '+';
  if (field.after === undefined) return '-';
  return '~';
}

/** A list field as one sorted line per value: kept, added or removed (sets, so linear). */
export function listDiff(field: FieldChange): DiffLine[] {
  const before = Array.isArray(field.before) ? field.before.map((v) => JSON.stringify(v)) : [];
  const after = Array.isArray(field.after) ? field.after.map((v) => JSON.stringify(v)) : [];
  const was = new Set(before);
  const now = new Set(after);
  const items = [...new Set([...before, ...after])].sort();
  return items.map((text) => ({ op: !was.has(text) ? '+' : !now.has(text) ? '-' : ' ', text }));
}

export const scalarText = (value: Json | undefined): string => JSON.stringify(value) ?? '';

/**
 * The policy documents of a field as written: the desired one exactly as apply sends it, the
 * observed one as IAM returned it (decoded). The plan's field values are the comparison's display
 * form; the resources on the change keep the documents themselves (plan files carry both).
 */
export function fieldDocuments(
  change: Change,
  field: FieldChange,
): { before?: PolicyDocument; after?: PolicyDocument } {
  const pick = (
    role: { trustPolicy: PolicyDocument; inlinePolicies: Record<string, PolicyDocument> } | null,
    fallback: Json | undefined,
  ): PolicyDocument | undefined => {
    const written =
      role === null
        ? undefined
        : field.field === 'trustPolicy'
          ? role.trustPolicy
          : role.inlinePolicies[field.field.slice('inlinePolicies.'.length)];
    if (written !== undefined) return written;
    return isObject(fallback) ? fallback : undefined;
  };
  if (change.kind !== 'role') {
    return {
      before: isObject(field.before) ? field.before : undefined,
      after: isObject(field.after) ? field.after : undefined,
    };
  }
  return {
    before: field.before === undefined ? undefined : pick(change.before, field.before),
    after: field.after === undefined ? undefined : pick(change.after, field.after),
  };
}

/** Structural edits of a changed policy field (text plan). */
export function fieldPolicyEdits(change: Change, field: FieldChange): PolicyEdit[] {
  const { before, after } = fieldDocuments(change, field);
  return before && after ? policyEdits(before, after) : [];
}

/** Line diff of a changed policy field (Markdown). */
export function fieldPolicyLineDiff(change: Change, field: FieldChange): DiffLine[] {
  const { before, after } = fieldDocuments(change, field);
  return before && after ? policyLineDiff(before, after) : [];
}

// ---- what a destroyed role had ----------------------------------------------------------------

function asList(value: Json | undefined): Json[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function statements(doc: PolicyDocument): JsonObject[] {
  return asList(doc.Statement).filter(isObject);
}

function strings(value: Json | undefined): string[] {
  return asList(value).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

/** `:sub` values a trust policy admits, from any condition operator. */
function trustSubjects(doc: PolicyDocument): string[] {
  const out: string[] = [];
  for (const s of statements(doc)) {
    if (s.Effect !== 'Allow' || !isObject(s.Condition)) continue;
    for (const block of Object.values(s.Condition)) {
      if (!isObject(block)) continue;
      for (const [key, values] of Object.entries(block)) if (/:sub$/i.test(key)) out.push(...strings(values));
    }
  }
  return out;
}

function grants(doc: PolicyDocument): string {
  return statements(doc)
    .map((s) => {
      const actions = strings(s.Action ?? s.NotAction).join(', ');
      const resources = strings(s.Resource ?? s.NotResource).join(', ');
      return `${String(s.Effect ?? 'Allow')} ${s.NotAction ? 'all but ' : ''}${actions}${resources ? ` on ${resources}` : ''}`;
    })
    .join('; ');
}

/** What access a role gives, one line each: who may assume it and what it may do. */
export function roleHoldings(role: {
  trustPolicy: PolicyDocument;
  managedPolicies: readonly string[];
  inlinePolicies: Record<string, PolicyDocument>;
}): string[] {
  const lines = trustSubjects(role.trustPolicy).map((sub) => `trusted by ${sub}`);
  for (const arn of role.managedPolicies) lines.push(`managed policy ${arn}`);
  for (const [name, doc] of Object.entries(role.inlinePolicies)) {
    lines.push(`inline policy ${name}: ${grants(doc)}`);
  }
  return lines;
}

/** What the destroyed (or replaced) resource had, when it is a role. */
export function destroyedHoldings(change: Change): string[] {
  if (change.kind !== 'role' || change.before === null) return [];
  if (change.action !== 'delete') return [];
  return roleHoldings(change.before);
}

// ---- warnings ----------------------------------------------------------------------------------

/**
 * Warnings that add something the changes do not already say: "this issuer has no OIDC provider,
 * it will be created" is the create itself, so it is said once, as the change.
 */
export function shownWarnings(plan: Plan): PlanWarning[] {
  const created = new Set<string>();
  for (const c of plan.changes)
    if (c.kind === 'oidc-provider' && c.action === 'create') created.add(c.address);
  return plan.warnings.filter(
    (w) => !(w.code === 'missing-oidc-provider' && w.address !== undefined && created.has(w.address)),
  );
}
