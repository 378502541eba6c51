// The AWS account the roles live in, when the bindings file does not pin aws.accountId.
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { describeAwsError } from './errors.js';

export async function resolveAccountId(sts: STSClient): Promise<string> {
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    if (!identity.Account) throw new Error('the answer has no Account');
    return identity.Account;
  } catch (error) {
    throw new Error(
      `STS GetCallerIdentity failed (${describeAwsError(error)}): configure AWS credentials (e.g. aws-actions/configure-aws-credentials) or set aws.accountId in the bindings file.`,
    );
  }
}
