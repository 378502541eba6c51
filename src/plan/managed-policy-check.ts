// Which managed policy ARNs the plan must check before it can promise apply will work, and how a
// missing one is reported: at the ARN's file:line:col, with the closest existing policy when one is
// close. Pure: the GetPolicy calls live in src/aws/check-managed-policies.ts.
import { formatDiagnostic, type Diagnostic } from '../bindings/diagnostics.js';
import type { BindingsFile } from '../bindings/types.js';
import type { DesiredState } from '../desired/types.js';
import type { ObservedRole } from '../observed/types.js';

/** Distinct ARNs some role will have attached that are not attached to it already (sorted). */
export function managedPoliciesToCheck(desired: DesiredState, observed: readonly ObservedRole[]): string[] {
  const attached = new Map(observed.map((role) => [role.name.toLowerCase(), new Set(role.managedPolicies)]));
  const arns = new Set<string>();
  for (const role of desired.roles) {
    const already = attached.get(role.name.toLowerCase());
    for (const arn of role.managedPolicies) if (!already?.has(arn)) arns.add(arn);
  }
  return [...arns].sort();
}

export interface MissingPolicy {
  arn: string;
  suggestion?: string;
}

/** One error per place in the file that names a missing ARN. */
export function missingPolicyDiagnostics(
  file: BindingsFile,
  missing: readonly MissingPolicy[],
): Diagnostic[] {
  const byArn = new Map(missing.map((m) => [m.arn, m]));
  const diagnostics: Diagnostic[] = [];
  for (const binding of file.bindings) {
    for (const arn of binding.managedPolicies) {
      const problem = byArn.get(arn);
      if (!problem) continue;
      const at = binding.managedPolicyLocations?.[arn] ?? binding.location;
      const hint = problem.suggestion
        ? ` — did you mean "${problem.suggestion}"?`
        : ' — check the name and the account id in the ARN (IAM policy names are case-sensitive)';
      diagnostics.push({
        severity: 'error',
        file: at.file,
        line: at.line,
        col: at.col,
        message: `managed policy ${arn} (role "${binding.role}") does not exist or is not attachable (IAM GetPolicy: NoSuchEntity)${hint}`,
      });
    }
  }
  return diagnostics.sort((a, b) => a.line - b.line || a.col - b.col);
}

/** The plan stops before any change when a managed policy it would attach does not exist. */
export class MissingManagedPolicyError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    const n = diagnostics.length;
    super(
      [
        ...diagnostics.map(formatDiagnostic),
        `${n} managed polic${n === 1 ? 'y' : 'ies'} in the bindings file cannot be attached; nothing was changed. Fix the ARN${n === 1 ? '' : 's'} and plan again.`,
      ].join('\n'),
    );
    this.name = 'MissingManagedPolicyError';
    this.diagnostics = diagnostics;
  }
}
