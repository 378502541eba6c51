// STS on the same endpoint as IAM: requests with Version=2011-06-15 are STS. Only
// GetCallerIdentity is needed (the CLI resolves the account id with it).
import type { ActionHandler } from './context.js';
import { field } from './xml.js';

export const STS_VERSION = '2011-06-15';
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export function stsActions(identity: () => CallerIdentity): Record<string, ActionHandler> {
  return {
    GetCallerIdentity: () => {
      const who = identity();
      return field('UserId', who.userId) + field('Account', who.account) + field('Arn', who.arn);
    },
  };
}
