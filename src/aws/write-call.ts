// One IAM write call as apply makes it: the SDK client already retries throttling, 5xx and dropped
// connections (paced by src/aws/rate-limiter.ts); this layer adds what the SDK cannot know — errors that mean "already
// done" (so every step can be re-run after a crash) and IAM's eventual consistency right after a
// create — and turns every other failure into an ApplyStepError naming the call and the resource.
import type { IAMClient } from '@aws-sdk/client-iam';
import { ApplyStepError } from '../support/step-error.js';
import {
  IAM_CONSISTENCY_POLICY,
  withRetry,
  type RetryPolicy,
  type Sleep,
  type StepRetryNotice,
} from '../support/retry.js';
import { awsErrorCode } from './errors.js';
import { errorMessage } from '../support/errors.js';

export interface IamWriteContext {
  iam: IAMClient;
  /** The bindings file's owner: the value of the owner tag on everything we create. */
  owner: string;
  sleep: Sleep;
  consistencyPolicy?: RetryPolicy;
  onRetry?: (notice: StepRetryNotice) => void;
  /** Told of every write IAM accepted (not reads, not "already done"): what this run changed. */
  onWrite?: (call: string) => void;
}

/** Decides about one failed call from the service's code and message. */
export type IamErrorTest = (code: string | undefined, message: string) => boolean;
/** Returns why the error is probably IAM's eventual consistency (worth waiting out), else undefined. */
export type IamConsistencyTest = (code: string | undefined, message: string) => string | undefined;

export interface IamCallOptions {
  /** The error means the call's work is already done (e.g. NoSuchEntity on a delete). */
  alreadyDone?: IamErrorTest;
  /** Eventual-consistency errors to retry with backoff for a bounded time. */
  notYetConsistent?: IamConsistencyTest;
}

/** A role we created moments ago is not visible to every IAM endpoint yet. */
export const roleNotYetVisible: IamConsistencyTest = (code, message) =>
  // "Policy arn:… does not exist or is not attachable." is a real error, not a delay.
  code === 'NoSuchEntity' && !/^policy\s/i.test(message)
    ? 'the new role is not visible to IAM yet'
    : undefined;

/** A trust policy naming an OIDC provider created moments ago is refused as an invalid principal. */
export const principalNotYetValid: IamConsistencyTest = (code, message) =>
  code === 'MalformedPolicyDocument' && /invalid principal/i.test(message)
    ? 'the OIDC provider in the trust policy is not visible to IAM yet'
    : undefined;

export const either =
  (...tests: Array<IamConsistencyTest | undefined>): IamConsistencyTest =>
  (code, message) => {
    for (const test of tests) {
      const why = test?.(code, message);
      if (why) return why;
    }
    return undefined;
  };

export const isCode =
  (...codes: string[]): IamErrorTest =>
  (code) =>
    code !== undefined && codes.includes(code);

/**
 * Sends one IAM write. Resolves to the answer, or to undefined when `alreadyDone` recognised the
 * error; throws ApplyStepError for every other failure.
 */
export async function iamCall<T>(
  ctx: IamWriteContext,
  call: string,
  resource: string,
  send: () => Promise<T>,
  options: IamCallOptions = {},
): Promise<T | undefined> {
  const consistency = options.notYetConsistent;
  try {
    const answer = await withRetry(send, {
      policy: ctx.consistencyPolicy ?? IAM_CONSISTENCY_POLICY,
      sleep: ctx.sleep,
      retryable: (error) => (consistency ? consistency(awsErrorCode(error), errorMessage(error)) : undefined),
      onRetry: (n) => ctx.onRetry?.({ call, resource, attempt: n.attempt, delayMs: n.delayMs, why: n.why }),
    });
    if (!/^(Get|List)/.test(call)) ctx.onWrite?.(call);
    return answer;
  } catch (error) {
    if (error instanceof ApplyStepError) throw error;
    const code = awsErrorCode(error);
    const message = errorMessage(error);
    if (options.alreadyDone?.(code, message)) return undefined;
    throw new ApplyStepError({ call, resource, code, message });
  }
}
