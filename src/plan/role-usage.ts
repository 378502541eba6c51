// Which roles' last use the plan shows, and how: a role the plan destroys (delete, or replace: the
// old role and its ARN go) or whose trust policy stops admitting a subject it admits today. Whoever
// still assumes such a role breaks on apply; IAM's RoleLastUsed (read by the engine, one GetRole per
// role) says whether anything did recently. Pure.
import type { Json, PolicyDocument } from '../policy/types.js';
import type { Change, PlanWarning, RoleUsage } from './types.js';

/** Used this recently counts as in use: the plan warns before destroying or narrowing the role. */
export const RECENT_USE_DAYS = 7;

export interface RoleToCheck {
  address: string;
  roleName: string;
  why: RoleUsage['why'];
}

export function rolesToCheck(changes: readonly Change[]): RoleToCheck[] {
  const out: RoleToCheck[] = [];
  for (const change of changes) {
    if (change.kind !== 'role' || !change.before) continue;
    const roleName = change.before.name;
    if (change.action === 'delete' || change.action === 'replace') {
      out.push({ address: change.address, roleName, why: 'destroyed' });
      continue;
    }
    if (change.action !== 'update' || !change.after) continue;
    const kept = new Set(subjects(change.after.trustPolicy));
    if (subjects(change.before.trustPolicy).some((s) => !kept.has(s)))
      out.push({ address: change.address, roleName, why: 'loses-subject' });
  }
  return out;
}

/**
 * Every `…:sub` value the trust policy's Allow statements admit (StringEquals and StringLike), as
 * `issuer-key=value`: a subject gone from this set is a workload the role stops trusting.
 */
export function subjects(policy: PolicyDocument): string[] {
  const found: string[] = [];
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  for (const statement of statements) {
    if (!isObject(statement) || statement.Effect !== 'Allow' || !isObject(statement.Condition)) continue;
    for (const [operator, block] of Object.entries(statement.Condition)) {
      if (!/^String(Equals|Like)/.test(operator) || !isObject(block)) continue;
      for (const [key, value] of Object.entries(block)) {
        if (!key.endsWith(':sub')) continue;
        for (const v of Array.isArray(value) ? value : [value])
          if (typeof v === 'string') found.push(`${key}=${v}`);
      }
    }
  }
  return found;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The usage entry for one role; `recent` against `now`. */
export function roleUsage(
  role: RoleToCheck,
  lastUsed: { date: Date; region?: string } | undefined,
  now: Date,
): RoleUsage {
  const recent =
    lastUsed !== undefined && now.getTime() - lastUsed.date.getTime() < RECENT_USE_DAYS * 24 * 3600 * 1000;
  return {
    address: role.address,
    roleName: role.roleName,
    why: role.why,
    ...(lastUsed
      ? {
          lastUsed: {
            date: lastUsed.date.toISOString(),
            ...(lastUsed.region ? { region: lastUsed.region } : {}),
          },
        }
      : {}),
    recent,
  };
}

/** `last used 2026-11-20 (eu-west-1)` or `never used`, as every presentation shows it. */
export function lastUsedText(usage: RoleUsage): string {
  if (!usage.lastUsed) return 'never used';
  const region = usage.lastUsed.region ? ` (${usage.lastUsed.region})` : '';
  return `last used ${usage.lastUsed.date.slice(0, 10)}${region}`;
}

export function recentUseWarning(usage: RoleUsage): PlanWarning | undefined {
  if (!usage.recent) return undefined;
  const what =
    usage.why === 'destroyed' ? 'the plan destroys it' : 'the plan removes subjects from its trust policy';
  return {
    code: 'role-recently-used',
    address: usage.address,
    message: `role ${usage.roleName} was ${lastUsedText(usage)}, within the last ${RECENT_USE_DAYS} days, and ${what}: whatever still assumes it will be refused after apply. Check its workloads before merging.`,
  };
}
