// The order apply must respect, as dependencies between the plan's changes (pure):
//   OIDC provider create/update → roles whose new trust policy names that provider
//   role create/update/adopt/replace → the ServiceAccounts annotated with that role
//   ServiceAccounts moving off or leaving a role → that role's delete
//   role deletes and updates that drop a provider from their trust → that provider's delete
// Every edge points from an earlier layer to a later one, so the graph has no cycles.
import type { Change, OidcProviderChange, RoleChange, ServiceAccountChange } from '../plan/types.js';
import { ROLE_ARN_ANNOTATION } from '../support/ownership.js';
import type { PolicyDocument } from '../policy/types.js';

export interface ApplyStep {
  /** Index in plan.changes. */
  index: number;
  change: Change;
  /** Indexes of the changes that must succeed first, ascending. */
  dependsOn: number[];
}

const lower = (s: string): string => s.toLowerCase();

/** True when the trust policy names this principal ARN (as a whole JSON string value). */
function trustNames(doc: PolicyDocument | null | undefined, arn: string): boolean {
  return doc ? lower(JSON.stringify(doc)).includes(`"${lower(arn)}"`) : false;
}

const roleName = (change: RoleChange): string => lower(change.after?.name ?? change.before?.name ?? '');

export function dependencyGraph(changes: Change[]): ApplyStep[] {
  const steps: ApplyStep[] = changes.map((change, index) => ({ index, change, dependsOn: [] }));
  const of = <K extends Change['kind']>(kind: K) =>
    steps.filter((s): s is ApplyStep & { change: Extract<Change, { kind: K }> } => s.change.kind === kind);
  const providers = of('oidc-provider');
  const roles = of('role');
  const serviceAccounts = of('service-account');
  const depend = (step: ApplyStep, on: ApplyStep): void => {
    if (!step.dependsOn.includes(on.index)) step.dependsOn.push(on.index);
  };

  for (const role of roles) {
    if (role.change.action === 'delete') continue;
    for (const provider of providers) {
      const p: OidcProviderChange = provider.change;
      if (p.action !== 'delete' && p.after && trustNames(role.change.after?.trustPolicy, p.after.arn))
        depend(role, provider);
    }
  }

  for (const sa of serviceAccounts) {
    const s: ServiceAccountChange = sa.change;
    if (!s.after) continue;
    const wanted = lower(s.after.role);
    for (const role of roles)
      if (role.change.action !== 'delete' && roleName(role.change) === wanted) depend(sa, role);
  }

  for (const role of roles) {
    const r: RoleChange = role.change;
    if (r.action !== 'delete' || !r.before) continue;
    const arn = lower(r.before.arn);
    for (const sa of serviceAccounts) {
      const before = sa.change.before?.annotations[ROLE_ARN_ANNOTATION];
      if (before !== undefined && lower(before) === arn) depend(role, sa);
    }
  }

  for (const provider of providers) {
    const p: OidcProviderChange = provider.change;
    if (p.action !== 'delete' || !p.before) continue;
    for (const role of roles)
      if (trustNames(role.change.before?.trustPolicy, p.before.arn)) depend(provider, role);
  }

  for (const step of steps) step.dependsOn.sort((a, b) => a - b);
  return steps;
}
