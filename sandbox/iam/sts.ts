// STS on the same endpoint as IAM: requests with Version=2011-06-15 are STS. GetCallerIdentity
// (the CLI resolves the account id with it) and AssumeRoleWithWebIdentity (verify proves bindings
// with it; see web-identity.ts).
import type { ActionHandler, IamContext } from './context.js';
import { assumeRoleWithWebIdentity, type WebIdentityVerifier } from './web-identity.js';
import { field } from './xml.js';

export const STS_VERSION = '2011-06-15';
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export function stsActions(
  identity: () => CallerIdentity,
  ctx: IamContext,
  verifier: WebIdentityVerifier,
  region: string,
): Record<string, ActionHandler> {
  return {
    AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity(ctx, verifier, region),
    GetCallerIdentity: () => {
      const who = identity();
      return field('UserId', who.userId) + field('Account', who.account) + field('Arn', who.arn);
    },
  };
}
