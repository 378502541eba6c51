// The AWS clients every command shares. Only standard AWS configuration is honoured: the default
// credential chain, AWS_REGION, and AWS_ENDPOINT_URL_IAM / AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL,
// which the SDK reads itself. IAM is a global service, so a missing region falls back to us-east-1.
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';

export interface AwsClients {
  iam: IAMClient;
  sts: STSClient;
}

export interface AwsClientOptions {
  region?: string;
  /** Total attempts per call including the first; adaptive mode also rate-limits the client itself. */
  maxAttempts?: number;
}

export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  // IAM's control plane throttles hard; adaptive retry backs off on Throttling, 5xx and dropped
  // connections and adds client-side rate limiting once throttling starts.
  const common = { region, retryMode: 'adaptive', maxAttempts: options.maxAttempts ?? 12 } as const;
  return { iam: new IAMClient(common), sts: new STSClient(common) };
}

export function destroyAwsClients(clients: AwsClients): void {
  clients.iam.destroy();
  clients.sts.destroy();
}
