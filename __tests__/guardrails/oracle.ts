// Test helper: asks the independent IAM evaluator (@cloud-copilot/iam-simulate, test-only) whether
// an identity policy lets a role do `action` on `resource`. The guardrails corpus and property tests
// check the checker's verdicts against it.
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import type { JsonObject } from '../../src/policy/types.js';

export const ACCOUNT = '123456789012';
/** A concrete role ARN: "on every resource" must include it. */
export const SOME_ROLE = `arn:aws:iam::${ACCOUNT}:role/some-other-role`;

export function allows(statements: JsonObject[], action: string, resource: string): boolean {
  const result = runUnsafeSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/workload-identity/app`,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables: {},
      },
      identityPolicies: [{ name: 'inline', policy: { Version: '2012-10-17', Statement: statements } }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  return result === 'Allowed';
}
