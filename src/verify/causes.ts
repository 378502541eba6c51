// Turns what failed (a TokenRequest status, an STS error code and message) into the likely cause
// and the fix, in the words of the README's Troubleshooting section. Pure: everything it needs
// (token claims, the observed trust policy's verdict) is gathered by the caller.
import type { TrustVerdict } from './trust-check.js';
import type { TokenClaims, VerifyTarget } from './types.js';

export interface Explanation {
  cause: string;
  fix: string;
}

const list = (values: string[]): string =>
  values.length === 0 ? '(none)' : values.map((v) => `"${v}"`).join(', ');

/** A failed TokenRequest (`status` is the HTTP status; undefined when the API server was unreachable). */
export function explainTokenFailure(
  target: VerifyTarget,
  status: number | undefined,
  detail: string,
): Explanation {
  const sa = `${target.namespace}/${target.name}`;
  if (status === 404)
    return {
      cause: `ServiceAccount ${sa} does not exist on cluster "${target.cluster}"`,
      fix: 'run apply (it creates the ServiceAccount), or check the namespace and name in the bindings file',
    };
  if (status === 403)
    return {
      cause: `the Kubernetes credentials may not request tokens for ${sa} (${detail})`,
      fix: 'grant "create" on "serviceaccounts/token" (the workload-identity-verify ClusterRole in the README)',
    };
  if (status === 401)
    return {
      cause: `the API server of cluster "${target.cluster}" refused the credentials (${detail})`,
      fix: 'check the kubeconfig context or token for this cluster',
    };
  return {
    cause: `TokenRequest for ${sa} failed: ${detail}`,
    fix: 'check that the cluster is reachable and serves authentication.k8s.io/v1 TokenRequest (Kubernetes 1.22+)',
  };
}

/**
 * STS accepted the token, but the ServiceAccount does not name the role in the annotation the pod
 * identity webhook reads, so pods get no (or other) credentials. `found` is the annotation's value.
 */
export function explainAnnotation(target: VerifyTarget, found: string | undefined): Explanation {
  const sa = `${target.namespace}/${target.name}`;
  const annotate = `kubectl --context CONTEXT -n ${target.namespace} annotate serviceaccount ${target.name} eks.amazonaws.com/role-arn=${target.roleArn} --overwrite`;
  if (found === undefined)
    return {
      cause: `STS admits the token, but ServiceAccount ${sa} has no eks.amazonaws.com/role-arn annotation, so the pod identity webhook injects no credentials into its pods`,
      fix: `run apply (it annotates the ServiceAccount), or, for a cluster apply does not manage, ${annotate}`,
    };
  return {
    cause: `STS admits the token, but ServiceAccount ${sa} is annotated with role ${found}, not ${target.roleArn}, so its pods get that role's credentials`,
    fix: `run apply (the plan shows the annotation change; add takeOver: true to the binding when another tool wrote it), or ${annotate}`,
  };
}

export interface StsFailureContext {
  target: VerifyTarget;
  code: string;
  message: string;
  claims: TokenClaims;
  /** The observed trust policy evaluated against the token's claims; undefined when unread. */
  trust?: TrustVerdict | 'role-missing' | { unreadable: string };
}

export function explainStsFailure(ctx: StsFailureContext): Explanation {
  const { target, code, message, claims } = ctx;
  const issuerDiffers = claims.iss !== '' && claims.iss.replace(/\/+$/, '') !== target.issuer;
  if (code === 'InvalidIdentityToken' || code === 'InvalidIdentityTokenException') {
    if (/No OpenIDConnect provider found/i.test(message)) {
      if (issuerDiffers)
        return {
          cause: `the cluster signs tokens as issuer ${claims.iss}, but the bindings file says ${target.issuer} (issuer not registered in IAM)`,
          fix: `set clusters.${target.cluster}.issuer to ${claims.iss} and run apply (it registers the OIDC provider)`,
        };
      return {
        cause: `issuer ${target.issuer} is not registered as an IAM OIDC provider in this account`,
        fix: 'run apply (it creates the OIDC provider); if it was just created, wait a minute for IAM to propagate and run verify again',
      };
    }
    if (/audience/i.test(message))
      return {
        cause: `the OIDC provider for ${target.issuerHostPath} does not list the token's audience ${list(claims.aud)} among its client ids`,
        fix: `add "${target.audience}" to the provider's client ids (apply does this when clusters.${target.cluster}.audience is set) or request tokens for an audience it lists`,
      };
    if (/verification key/i.test(message))
      return {
        cause: `AWS could not get a verification key from ${target.issuer}/.well-known/openid-configuration and its jwks_uri (not publicly served, or the signing key was rotated out of the JWKS)`,
        fix: "serve the issuer's discovery document and JWKS publicly over https (EKS does this; self-managed clusters need --service-account-jwks-uri and a public bucket), and check the provider's thumbprint",
      };
    return {
      cause: issuerDiffers
        ? `the token's issuer ${claims.iss} differs from the bindings file's ${target.issuer}`
        : `the token's signature does not verify against ${target.issuer}'s JWKS (another cluster's keys are published at this issuer, or the key was replaced)`,
      fix: issuerDiffers
        ? `set clusters.${target.cluster}.issuer to ${claims.iss} and run apply`
        : 'make the issuer serve the JWKS of the cluster that signs the tokens (--service-account-issuer, --service-account-jwks-uri)',
    };
  }
  if (code === 'IDPCommunicationError' || code === 'IDPCommunicationErrorException')
    return {
      cause: `AWS could not reach the issuer's discovery document or JWKS at ${target.issuer}/.well-known/openid-configuration (private endpoint, firewall or outage)`,
      fix: 'make the issuer URL and its jwks_uri reachable from the internet over https, then run verify again',
    };
  if (code === 'ExpiredTokenException')
    return {
      cause: `STS considers the token expired right after the cluster issued it: the cluster's clock is behind AWS's`,
      fix: "fix the clock of the cluster's control plane (NTP), then run verify again",
    };
  if (code === 'AccessDenied' || code === 'AccessDeniedException') return explainAccessDenied(ctx);
  return {
    cause: `STS AssumeRoleWithWebIdentity failed: ${code}: ${message}`,
    fix: 'run verify again; if it persists, check the STS endpoint (AWS_REGION, AWS_ENDPOINT_URL_STS) and network',
  };
}

function explainAccessDenied(ctx: StsFailureContext): Explanation {
  const { target, claims, trust } = ctx;
  const sub = claims.sub || `system:serviceaccount:${target.namespace}:${target.name}`;
  const aud = claims.aud.find((a) => a === target.audience) ?? claims.aud[0] ?? target.audience;
  if (trust === 'role-missing')
    return {
      cause: `role ${target.roleArn} does not exist`,
      fix: 'run apply (it creates the role)',
    };
  if (trust === undefined || 'unreadable' in trust)
    return {
      cause: `the trust policy of ${target.role} does not admit ${sub} with audience "${aud}" (could not read the role to say which: ${trust === undefined ? 'not read' : trust.unreadable})`,
      fix: 'run plan to see how the role differs from the bindings file, then apply; allow iam:GetRole to get the exact cause',
    };
  if (trust.allowed)
    return {
      cause: `the trust policy of ${target.role} admits ${sub}, but STS refused it (a change made seconds ago not yet visible to STS, or an SCP/permissions boundary)`,
      fix: 'wait a minute for IAM to propagate and run verify again',
    };
  switch (trust.mismatch) {
    case 'principal':
      return {
        cause: `the trust policy of ${target.role} has no statement for the OIDC provider of ${target.issuerHostPath}`,
        fix: 'run apply (the role was changed outside the bindings file or the issuer is wrong)',
      };
    case 'deny':
      return {
        cause: `a Deny statement in the trust policy of ${target.role} matches ${sub}`,
        fix: 'remove the Deny statement (it was added outside the bindings file), or run apply',
      };
    case 'sub':
      return {
        cause: `sub mismatch: the trust policy of ${target.role} admits ${list(trust.expectedSub)} for this issuer, not "${sub}"`,
        fix: 'run apply to rewrite the trust policy from the bindings file, or fix the namespace/name in the bindings file',
      };
    case 'aud':
      return {
        cause: `aud mismatch: the trust policy of ${target.role} requires audience ${list(trust.expectedAud)}, the token has "${aud}"`,
        fix: `set clusters.${target.cluster}.audience to the audience the trust policy expects (or run apply to rewrite the trust policy)`,
      };
    case 'sub+aud':
      return {
        cause: `sub and aud mismatch: the trust policy of ${target.role} admits ${list(trust.expectedSub)} with audience ${list(trust.expectedAud)}, the token has "${sub}" and "${aud}"`,
        fix: 'run apply to rewrite the trust policy from the bindings file',
      };
    default:
      return {
        cause: `the trust policy of ${target.role} has conditions the token does not meet: ${trust.otherKeys.join(', ')}`,
        fix: 'run apply to rewrite the trust policy from the bindings file',
      };
  }
}
