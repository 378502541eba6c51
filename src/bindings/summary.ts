// The one-line summary `validate` prints for a valid file.
import { hasWildcard } from './names.js';
import type { BindingsFile } from './types.js';

export interface BindingsSummary {
  bindings: number;
  roles: number;
  /** ServiceAccounts the tool manages: distinct subjects without wildcards. */
  serviceAccounts: number;
  clusters: number;
}

export function summarizeBindings(file: BindingsFile): BindingsSummary {
  const roles = new Set(file.bindings.map((b) => b.role.toLowerCase()));
  const serviceAccounts = new Set<string>();
  for (const binding of file.bindings) {
    for (const sa of binding.serviceAccounts) {
      if (!hasWildcard(sa.namespace) && !hasWildcard(sa.name))
        serviceAccounts.add(`${sa.cluster}/${sa.namespace}/${sa.name}`);
    }
  }
  return {
    bindings: file.bindings.length,
    roles: roles.size,
    serviceAccounts: serviceAccounts.size,
    clusters: file.clusters.length,
  };
}
