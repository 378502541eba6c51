// STS AssumeRoleWithWebIdentity with a ServiceAccount token, as the AWS SDK inside a pod does it.
// The call is unsigned (the SDK's STS model marks it noAuth), so the client carries no credentials
// and works where only the Kubernetes side is reachable with credentials.
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsErrorCode } from './errors.js';
import { errorMessage } from '../support/errors.js';

export type AssumeResult =
  { ok: true; assumedRoleArn: string; expiration: string } | { ok: false; code: string; message: string };

/** An STS client for web-identity calls only: no credentials, the region and endpoint from the environment. */
export function webIdentityStsClient(region?: string): STSClient {
  return new STSClient({
    region: region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    maxAttempts: 3,
  });
}

/** Session names allow [\w+=,.@-], 2 to 64 characters. */
export function verifySessionName(namespace: string, name: string): string {
  return `wib-verify-${namespace}-${name}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

export async function assumeRoleWithWebIdentity(
  sts: STSClient,
  roleArn: string,
  token: string,
  sessionName: string,
): Promise<AssumeResult> {
  try {
    const answer = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: roleArn,
        RoleSessionName: sessionName,
        WebIdentityToken: token,
        // The shortest session: verify proves the exchange works and keeps nothing.
        DurationSeconds: 900,
      }),
    );
    return {
      ok: true,
      assumedRoleArn: answer.AssumedRoleUser?.Arn ?? '',
      expiration: answer.Credentials?.Expiration?.toISOString() ?? '',
    };
  } catch (error) {
    return { ok: false, code: awsErrorCode(error) ?? 'Error', message: errorMessage(error) };
  }
}
