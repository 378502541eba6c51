// What a pull request does to the guardrails themselves: each rule of the base version compared with
// the head version, so a relaxation ("rule X relaxed: exception for role Y added") is called out in
// the plan comment instead of slipping through as an ordinary file change.
import type { SourceLocation } from '../bindings/types.js';
import { globCoveredBy } from './glob.js';
import type { Guardrails, Rule, RuleId, WildcardAllowance } from './types.js';

export type ChangeKind = 'relaxed' | 'tightened' | 'changed';

export interface GuardrailsChange {
  /** The rule, or the whole file when it was added or removed. */
  rule: RuleId | 'guardrails file';
  kind: ChangeKind;
  detail: string;
  /** Where the rule is in the head version (undefined when removed or built in). */
  at?: SourceLocation;
}

const q = (s: string) => JSON.stringify(s);

function listDiff(
  before: readonly string[],
  after: readonly string[],
): { added: string[]; removed: string[] } {
  return {
    added: after.filter((x) => !before.includes(x)),
    removed: before.filter((x) => !after.includes(x)),
  };
}

/**
 * For a list that forbids (deny patterns): removals relax, additions tighten. For a list that
 * permits (allow patterns): the other way round.
 */
function listChanges(
  what: string,
  before: readonly string[],
  after: readonly string[],
  forbids: boolean,
): Array<{ kind: ChangeKind; detail: string }> {
  const { added, removed } = listDiff(before, after);
  const out: Array<{ kind: ChangeKind; detail: string }> = [];
  if (removed.length)
    out.push({
      kind: forbids ? 'relaxed' : 'tightened',
      detail: `${what} removed: ${removed.map(q).join(', ')}`,
    });
  if (added.length)
    out.push({
      kind: forbids ? 'tightened' : 'relaxed',
      detail: `${what} added: ${added.map(q).join(', ')}`,
    });
  return out;
}

const WILDCARD_ORDER: Record<string, number> = { false: 0, names: 1, partial: 2 };
const wildcardName = (a: WildcardAllowance) => (a === false ? 'false' : a);

function paramChanges(before: Rule, after: Rule): Array<{ kind: ChangeKind; detail: string }> {
  switch (before.id) {
    case 'managedPolicies.deny':
      return listChanges('denied policies', before.policies, (after as typeof before).policies, true);
    case 'managedPolicies.allow':
      return listChanges('allowed policies', before.policies, (after as typeof before).policies, false);
    case 'inlinePolicies.denyActions': {
      const a = after as typeof before;
      const out = listChanges('denied actions', before.actions, a.actions, true);
      if (before.onAllResources !== a.onAllResources)
        out.push(
          a.onAllResources
            ? {
                kind: 'relaxed',
                detail: 'now only statements on every resource count (onAllResources: true)',
              }
            : { kind: 'tightened', detail: 'statements on any resource count now (onAllResources: false)' },
        );
      return out;
    }
    case 'inlinePolicies.requireResourceScoping':
      return listChanges('services', before.services, (after as typeof before).services, true);
    case 'inlinePolicies.denyNotAction':
      return [];
    case 'permissionsBoundary.required': {
      const a = after as typeof before;
      if (before.allowed && !a.allowed)
        return [{ kind: 'relaxed', detail: 'any permissions boundary is accepted now' }];
      if (!before.allowed && a.allowed)
        return [
          {
            kind: 'tightened',
            detail: `only these boundaries are accepted now: ${a.allowed.map(q).join(', ')}`,
          },
        ];
      return listChanges('allowed boundaries', before.allowed ?? [], a.allowed ?? [], false);
    }
    case 'maxSessionDuration.max': {
      const a = after as typeof before;
      if (a.seconds === before.seconds) return [];
      return [
        {
          kind: a.seconds > before.seconds ? 'relaxed' : 'tightened',
          detail: `maximum raised from ${before.seconds} to ${a.seconds} seconds`.replace(
            'raised',
            a.seconds > before.seconds ? 'raised' : 'lowered',
          ),
        },
      ];
    }
    case 'subjects.allowWildcards': {
      const a = after as typeof before;
      const from = WILDCARD_ORDER[wildcardName(before.allowed)];
      const to = WILDCARD_ORDER[wildcardName(a.allowed)];
      if (from === to) return [];
      return [
        {
          kind: to > from ? 'relaxed' : 'tightened',
          detail: `allowed changed from ${wildcardName(before.allowed)} to ${wildcardName(a.allowed)}`,
        },
      ];
    }
    case 'subjects.allowedNamespaces': {
      const a = after as typeof before;
      const keys = [...new Set([...Object.keys(before.clusters), ...Object.keys(a.clusters)])];
      return keys.flatMap((key) =>
        listChanges(
          `namespaces of cluster ${q(key)}`,
          before.clusters[key] ?? [],
          a.clusters[key] ?? [],
          false,
        ),
      );
    }
    case 'subjects.deniedNamespaces':
      return listChanges('denied namespaces', before.namespaces, (after as typeof before).namespaces, true);
    case 'roles.namePattern': {
      const a = after as typeof before;
      if (a.pattern === before.pattern) return [];
      // Relaxed when the new pattern admits any name the old one did not, even if it also drops some.
      const widens = !globCoveredBy(a.pattern, [before.pattern]);
      const kind: ChangeKind = widens ? 'relaxed' : 'tightened';
      return [{ kind, detail: `pattern changed from ${q(before.pattern)} to ${q(a.pattern)}` }];
    }
    case 'roles.requiredTags': {
      const a = after as typeof before;
      const out = listChanges(
        'required tags',
        before.tags.map((t) => t.key),
        a.tags.map((t) => t.key),
        true,
      );
      for (const tag of before.tags) {
        const now = a.tags.find((t) => t.key === tag.key);
        if (!now) continue;
        if (tag.values && !now.values)
          out.push({ kind: 'relaxed', detail: `tag ${q(tag.key)} accepts any value now` });
        else if (!tag.values && now.values)
          out.push({
            kind: 'tightened',
            detail: `tag ${q(tag.key)} accepts only ${now.values.map(q).join(', ')} now`,
          });
        else if (tag.values && now.values)
          out.push(...listChanges(`values of tag ${q(tag.key)}`, tag.values, now.values, false));
      }
      return out;
    }
    case 'clusters.allowedIssuers':
      return listChanges('allowed issuers', before.issuers, (after as typeof before).issuers, false);
  }
}

/**
 * The rule-by-rule difference between the base and head guardrails. Either side may be the built-in
 * defaults (no file). Relaxations come first: they are what reviewers must look at.
 */
export function compareGuardrails(base: Guardrails, head: Guardrails): GuardrailsChange[] {
  const changes: GuardrailsChange[] = [];
  const push = (rule: Rule, kind: ChangeKind, detail: string, at?: SourceLocation) =>
    changes.push(at ? { rule: rule.id, kind, detail, at } : { rule: rule.id, kind, detail });
  for (const before of base.rules) {
    const after = head.rules.find((r) => r.id === before.id);
    if (!after) {
      push(before, 'relaxed', 'rule removed');
      continue;
    }
    if (before.severity !== after.severity)
      push(
        after,
        after.severity === 'warning' ? 'relaxed' : 'tightened',
        `severity ${before.severity} → ${after.severity}`,
        after.location,
      );
    for (const e of after.except)
      if (!before.except.some((b) => b.role === e.role))
        push(
          after,
          'relaxed',
          `exception for role ${q(e.role)} added (reason: ${e.reason})`,
          e.location ?? after.location,
        );
    for (const e of before.except)
      if (!after.except.some((a) => a.role === e.role))
        push(after, 'tightened', `exception for role ${q(e.role)} removed`, after.location);
    for (const c of paramChanges(before, after)) push(after, c.kind, c.detail, after.location);
  }
  for (const after of head.rules)
    if (!base.rules.some((r) => r.id === after.id)) push(after, 'tightened', 'rule added', after.location);
  const rank: Record<ChangeKind, number> = { relaxed: 0, changed: 1, tightened: 2 };
  return changes
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank[a.c.kind] - rank[b.c.kind] || a.i - b.i)
    .map(({ c }) => c);
}
