// The AWS clients every command shares. Only standard AWS configuration is honoured: the default
// credential chain, AWS_REGION, and AWS_ENDPOINT_URL_IAM / AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL,
// which the SDK reads itself. IAM is a global service, so a missing region falls back to us-east-1.
import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import { CONNECT_TIMEOUT_MS, requestTimeoutMs } from '../support/deadline.js';
import { SustainedRateLimiter } from './rate-limiter.js';

export interface AwsClients {
  iam: IAMClient;
  sts: STSClient;
}

export interface AwsClientOptions {
  region?: string;
  /** Total attempts per call including the first; adaptive mode also rate-limits the client itself. */
  maxAttempts?: number;
  /** Per request: connecting, and the whole answer (default CONNECT_TIMEOUT_MS, requestTimeoutMs()). */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 12;

/**
 * The IAM client's retry settings. IAM's control plane throttles hard: the SDK's adaptive strategy
 * retries Throttling, 5xx and dropped connections, and once IAM has throttled it paces the client
 * itself — here with SustainedRateLimiter, which tracks the rate IAM admits instead of the SDK's
 * default limiter that settles at about 80 % of it. A new strategy per client: it holds state.
 */
export function iamRetrySettings(maxAttempts = DEFAULT_MAX_ATTEMPTS): Pick<IAMClientConfig, 'retryStrategy'> {
  return {
    retryStrategy: new AdaptiveRetryStrategy(maxAttempts, { rateLimiter: new SustainedRateLimiter() }),
  };
}

export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  // Without these the SDK waits for ever on an endpoint that accepts the connection and never answers.
  const requestHandler = {
    connectionTimeout: options.connectionTimeoutMs ?? CONNECT_TIMEOUT_MS,
    requestTimeout: options.requestTimeoutMs ?? requestTimeoutMs(),
  };
  return {
    iam: new IAMClient({ region, requestHandler, ...iamRetrySettings(maxAttempts) }),
    // One GetCallerIdentity per run: the SDK's own adaptive mode is plenty.
    sts: new STSClient({ region, requestHandler, retryMode: 'adaptive', maxAttempts }),
  };
}

export function destroyAwsClients(clients: AwsClients): void {
  clients.iam.destroy();
  clients.sts.destroy();
}
