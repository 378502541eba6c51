// `verify`: proves each binding end to end the way a pod would use it. For every selected exact
// ServiceAccount: a 10-minute token from the cluster's TokenRequest API for the cluster's audience,
// then STS AssumeRoleWithWebIdentity for the role (unsigned, no AWS credentials). A refusal is
// explained from the token's claims and, for AccessDenied, the role's trust policy as IAM holds it.
// Tokens live only inside one check: never returned, printed or logged.
import type { IAMClient } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import { resolveAccountId } from '../aws/account.js';
import { getRoleUsage } from '../aws/get-role.js';
import { isAccessDenied } from '../aws/errors.js';
import { listRolesUnderPath } from '../aws/read-roles.js';
import {
  assumeRoleWithWebIdentity,
  verifySessionName,
  webIdentityStsClient,
  type AssumeResult,
} from '../aws/web-identity.js';
import type { BindingsFile } from '../bindings/types.js';
import { compileDesiredState } from '../desired/compile.js';
import type { KubeTarget } from '../kube/client.js';
import { federatedPrincipalArn } from '../policy/trust-policy.js';
import { DEFAULT_CONCURRENCY, mapWithConcurrency } from '../support/concurrency.js';
import { errorMessage } from '../support/errors.js';
import { backoffDelay, realSleep, type RetryPolicy, type Sleep } from '../support/retry.js';
import {
  explainAnnotation,
  explainStsFailure,
  explainTokenFailure,
  type StsFailureContext,
} from '../verify/causes.js';
import { tokenClaims } from '../verify/claims.js';
import { selectTargets } from '../verify/select.js';
import { explainTrust } from '../verify/trust-check.js';
import type { VerifyOutcome, VerifyReport, VerifyTarget } from '../verify/types.js';
import { resolveClusters } from './resolve-clusters.js';
import type { Session } from './session.js';

export interface VerifyOptions {
  /** Only these roles (`--binding ROLE`); empty = every binding. */
  roles?: string[];
  /** Check at most this many ServiceAccounts. */
  sample?: number;
  concurrency?: number;
  /**
   * Keep retrying refusals that IAM's eventual consistency explains (a role, trust policy or OIDC
   * provider written seconds ago) for this long. 0 (the CLI's default) reports the first answer.
   */
  settleMs?: number;
  /** Called with each token as soon as it exists, e.g. to register it as a secret to mask. */
  onToken?: (token: string) => void;
  sleep?: Sleep;
  /** For tests: an STS client for the web-identity calls (default: a new one without credentials). */
  sts?: STSClient;
}

export class UnknownBindingError extends Error {
  constructor(unknown: string[], known: string[]) {
    super(
      `--binding ${unknown.map((r) => `"${r}"`).join(', ')}: no binding with that role in the file (roles: ${known.join(', ') || 'none'})`,
    );
    this.name = 'UnknownBindingError';
  }
}

/** Refusals that a write made seconds ago can explain; retried within `settleMs`. */
function settling(result: AssumeResult): boolean {
  if (result.ok) return false;
  if (result.code === 'AccessDenied' || result.code === 'IDPCommunicationError') return true;
  return result.code === 'InvalidIdentityToken' && /No OpenIDConnect provider/i.test(result.message);
}

const SETTLE_POLICY: Omit<RetryPolicy, 'budgetMs'> = { firstDelayMs: 1000, maxDelayMs: 8000 };

export async function runVerify(
  session: Session,
  file: BindingsFile,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const [resolved, accountId] = await Promise.all([
    resolveClusters(file, session.controlPlane),
    file.aws.accountId ? Promise.resolve(file.aws.accountId) : resolveAccountId(session.aws.sts),
  ]);
  const desired = compileDesiredState(file, { accountId, clusters: resolved.clusters });
  const selection = selectTargets(desired, options.roles, options.sample);
  if (selection.unknownRoles.length)
    throw new UnknownBindingError(
      selection.unknownRoles,
      desired.roles.map((r) => r.name),
    );
  // A pod assumes the role by the ARN its ServiceAccount carries, which apply writes in IAM's
  // spelling of the role name (a file may spell it in another case): verify asks for that one too.
  const spelled = await iamRoleNames(session.aws.iam, file.aws.rolePath);
  selection.targets = selection.targets.map((target) => {
    const name = spelled.get(target.role.toLowerCase());
    if (name === undefined || name === target.role) return target;
    return { ...target, role: name, roleArn: target.roleArn.slice(0, -target.role.length) + name };
  });
  const used = new Set(selection.targets.map((t) => t.cluster));
  const kube = await session.kubeTargets(
    desired.clusters.filter((c) => used.has(c.key)),
    resolved.controlPlane,
  );
  const sts = options.sts ?? webIdentityStsClient();
  try {
    const check = (target: VerifyTarget) =>
      verifyOne(target, kube.get(target.cluster)!, sts, session.aws.iam, accountId, options);
    const outcomes = await mapWithConcurrency(
      selection.targets,
      options.concurrency ?? DEFAULT_CONCURRENCY,
      check,
    );
    return { outcomes, skipped: selection.skipped, notSampled: selection.notSampled };
  } finally {
    if (!options.sts) sts.destroy();
  }
}

/**
 * IAM's spelling of the role names under the file's role path, by lower-cased name: one ListRoles
 * page for most files. Empty when listing is denied (then the file's spelling is used).
 */
async function iamRoleNames(iam: IAMClient, rolePath: string): Promise<Map<string, string>> {
  try {
    const roles = await listRolesUnderPath(iam, rolePath, () => undefined);
    return new Map(roles.map((r) => [(r.RoleName ?? '').toLowerCase(), r.RoleName ?? '']));
  } catch (error) {
    if (isAccessDenied((error as { cause?: unknown }).cause)) return new Map();
    throw error;
  }
}

async function verifyOne(
  target: VerifyTarget,
  kube: KubeTarget,
  sts: STSClient,
  iam: IAMClient,
  accountId: string,
  options: VerifyOptions,
): Promise<VerifyOutcome> {
  const { readRoleArnAnnotation, requestServiceAccountToken } = await import('../kube/token-request.js');
  const got = await requestServiceAccountToken(kube, target.namespace, target.name, target.audience);
  if (!got.ok) {
    const detail = got.failure.status
      ? `${got.failure.status}${got.failure.message ? ` ${got.failure.message}` : ''}`
      : got.failure.message;
    return {
      ok: false,
      target,
      stage: 'token',
      code: got.failure.status ? String(got.failure.status) : (got.failure.network ?? 'error'),
      ...explainTokenFailure(target, got.failure.status, detail),
    };
  }
  const token = got.token;
  options.onToken?.(token);
  const sessionName = verifySessionName(target.namespace, target.name);
  const sleep = options.sleep ?? realSleep;
  let result = await assumeRoleWithWebIdentity(sts, target.roleArn, token, sessionName);
  let waited = 0;
  for (let attempt = 1; settling(result) && waited < (options.settleMs ?? 0); attempt += 1) {
    const delay = backoffDelay(attempt, { ...SETTLE_POLICY, budgetMs: options.settleMs ?? 0 });
    await sleep(delay);
    waited += delay;
    result = await assumeRoleWithWebIdentity(sts, target.roleArn, token, sessionName);
  }
  if (result.ok) {
    // Credentials flow only if pods are told the role: the webhook reads this annotation.
    const annotation = await readRoleArnAnnotation(kube, target.namespace, target.name);
    if (annotation.ok && annotation.roleArn !== target.roleArn)
      return {
        ok: false,
        target,
        stage: 'annotation',
        code: annotation.roleArn === undefined ? 'AnnotationMissing' : 'AnnotationMismatch',
        ...explainAnnotation(target, annotation.roleArn),
      };
    return {
      ok: true,
      target,
      sessionName,
      assumedRoleArn: result.assumedRoleArn,
      expiration: result.expiration,
      ...(annotation.ok
        ? {}
        : {
            annotationUnchecked: `could not read the ServiceAccount (${annotation.failure.status ?? annotation.failure.network ?? 'error'}${annotation.failure.message ? ` ${annotation.failure.message}` : ''}); grant "get" on serviceaccounts`,
          }),
    };
  }

  const claims = tokenClaims(token);
  const context: StsFailureContext = { target, code: result.code, message: result.message, claims };
  if (result.code === 'AccessDenied') {
    // IAM evaluates the token's own issuer, which may differ from the file's.
    const hostPath = claims.iss.replace(/^https:\/\//i, '').replace(/\/+$/, '') || target.issuerHostPath;
    try {
      const role = await getRoleUsage(iam, target.role);
      context.trust = !role
        ? 'role-missing'
        : explainTrust(role.trustPolicy, {
            providerArn: federatedPrincipalArn(accountId, hostPath),
            issuerHostPath: hostPath,
            sub: claims.sub,
            aud: claims.aud.find((a) => a === target.audience) ?? claims.aud[0] ?? '',
          });
    } catch (error) {
      context.trust = { unreadable: errorMessage(error) };
    }
  }
  return { ok: false, target, stage: 'assume', code: result.code, ...explainStsFailure(context) };
}
