// What does not line up between the imported roles and the clusters' ServiceAccounts: an
// eks.amazonaws.com/role-arn annotation naming a role that does not trust that ServiceAccount, or a
// role of another account; a trusted (exact) subject with no ServiceAccount. Reported in the
// imported file's header. Pure.
import type { ObservedRole, ObservedServiceAccount } from '../observed/types.js';
import { ROLE_ARN_ANNOTATION } from '../support/ownership.js';
import { globToRegExp, type ImportedFile } from './bindings.js';

export function serviceAccountNotes(
  imported: ImportedFile,
  roles: readonly ObservedRole[],
  byCluster: ReadonlyMap<string, readonly ObservedServiceAccount[]>,
): string[] {
  const notes: string[] = [];
  const byArn = new Map(imported.bindings.map((b) => [b.arn, b]));
  const knownArns = new Set(roles.map((r) => r.arn));
  for (const [cluster, accounts] of [...byCluster].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const present = new Set(accounts.map((sa) => `${sa.namespace}/${sa.name}`));
    for (const sa of accounts) {
      const arn = sa.annotations[ROLE_ARN_ANNOTATION];
      if (!arn) continue;
      const where = `${cluster}: ${sa.namespace}/${sa.name}`;
      const account = /^arn:aws[\w-]*:iam::(\d{12}):role\//.exec(arn)?.[1];
      if (imported.accountId && account && account !== imported.accountId) {
        notes.push(`${where} is annotated with ${arn}, a role of another account (${account})`);
        continue;
      }
      const binding = byArn.get(arn);
      if (!binding) {
        if (!knownArns.has(arn))
          notes.push(`${where} is annotated with ${arn}, which is not an imported role`);
        continue;
      }
      const trusted = binding.serviceAccounts.some(
        (s) =>
          s.cluster === cluster &&
          globToRegExp(s.namespace).test(sa.namespace) &&
          globToRegExp(s.name).test(sa.name),
      );
      if (!trusted)
        notes.push(`${where} is annotated with ${binding.role}, whose trust policy does not admit it`);
    }
    for (const b of imported.bindings)
      for (const s of b.serviceAccounts)
        if (
          s.cluster === cluster &&
          !/[*?]/.test(s.namespace + s.name) &&
          !present.has(`${s.namespace}/${s.name}`)
        )
          notes.push(
            `${cluster}: ${b.role} trusts ${s.namespace}/${s.name}, which does not exist (the first apply creates it)`,
          );
  }
  return notes;
}
