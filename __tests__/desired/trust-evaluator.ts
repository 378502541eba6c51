// Test helper: asks an independent IAM condition evaluator (@cloud-copilot/iam-simulate, test-only)
// whether a trust policy admits a web-identity token. The simulator has no trust-policy mode that
// accepts generic OIDC keys, so (as /work/shared/README.md describes) each statement becomes an
// identity policy without Principal, and the Federated principal is matched here by exact ARN.
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import type { JsonObject, PolicyDocument } from '../../src/policy/types.js';

export interface WebIdentityToken {
  /** Issuer without https://, as IAM names the provider. */
  issuer: string;
  sub: string;
  aud: string;
}

const ACCOUNT = '123456789012';

function statements(doc: PolicyDocument): JsonObject[] {
  const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return list as JsonObject[];
}

/** True when some statement of `trust` lets `token` assume the role. */
export function admits(trust: PolicyDocument, token: WebIdentityToken, accountId = ACCOUNT): boolean {
  const principal = `arn:aws:iam::${accountId}:oidc-provider/${token.issuer}`;
  return statements(trust).some((statement) => {
    const federated = (statement.Principal as JsonObject).Federated;
    if (federated !== principal) return false;
    const { Principal: _principal, ...rest } = statement;
    const result = runUnsafeSimulation(
      {
        request: {
          principal: `arn:aws:sts::${accountId}:assumed-role/web-identity/session`,
          action: 'sts:AssumeRoleWithWebIdentity',
          resource: { resource: `arn:aws:iam::${accountId}:role/workload-identity/any`, accountId },
          contextVariables: { [`${token.issuer}:sub`]: token.sub, [`${token.issuer}:aud`]: token.aud },
        },
        identityPolicies: [
          { name: 'trust', policy: { Version: '2012-10-17', Statement: [{ ...rest, Resource: '*' }] } },
        ],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    return result === 'Allowed';
  });
}

export function token(
  issuer: string,
  namespace: string,
  name: string,
  aud = 'sts.amazonaws.com',
): WebIdentityToken {
  return { issuer, sub: `system:serviceaccount:${namespace}:${name}`, aud };
}
