// The AWS account the run acts in: the credentials' account (STS GetCallerIdentity), checked against
// the file's aws.accountId. A file saying one account run with credentials for another would show
// reviewers the first and create roles in the second, trusting a provider ARN of the first.
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { describeAwsError } from './errors.js';

export interface CallerAccount {
  account: string;
  /** The caller's ARN, to name the credentials in messages. */
  arn?: string;
}

export async function callerAccount(sts: STSClient): Promise<CallerAccount> {
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    if (!identity.Account) throw new Error('the answer has no Account');
    return { account: identity.Account, arn: identity.Arn };
  } catch (error) {
    throw new Error(
      `STS GetCallerIdentity failed (${describeAwsError(error)}): configure AWS credentials (e.g. aws-actions/configure-aws-credentials); the run needs them to know which account it acts in.`,
    );
  }
}

/** Where aws.accountId is written, for the message (`file:line:col: `), when known. */
export interface AccountIdSource {
  accountId?: string;
  where?: string;
}

/** The account to act in: the credentials' one, refused when the file names another. */
export async function resolveAccountId(sts: STSClient, file: AccountIdSource = {}): Promise<string> {
  const caller = await callerAccount(sts);
  if (file.accountId !== undefined && file.accountId !== caller.account) {
    throw new AccountMismatchError(
      `${file.where ? `${file.where}: ` : ''}aws.accountId is ${file.accountId}, but the AWS credentials belong to account ${caller.account}${caller.arn ? ` (${caller.arn})` : ''} — run with credentials for ${file.accountId}, or correct aws.accountId. Nothing was read or changed.`,
    );
  }
  return caller.account;
}

export class AccountMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccountMismatchError';
  }
}
