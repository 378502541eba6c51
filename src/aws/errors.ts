// One way to describe an AWS SDK error in messages: `Code: message`, never the request's credentials.
import { errorMessage } from '../support/errors.js';
export function awsErrorCode(error: unknown): string | undefined {
  if (error && typeof error === 'object') {
    const e = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const c of [e.Code, e.name, e.code]) if (typeof c === 'string' && c !== 'Error') return c;
  }
  return undefined;
}

export function describeAwsError(error: unknown): string {
  const code = awsErrorCode(error);
  const message = errorMessage(error);
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);

export function isAccessDenied(error: unknown): boolean {
  return ACCESS_DENIED.has(awsErrorCode(error) ?? '');
}

export function isNoSuchEntity(error: unknown): boolean {
  return awsErrorCode(error) === 'NoSuchEntity' || awsErrorCode(error) === 'NoSuchEntityException';
}

/**
 * An error for a failed IAM call that names the call, the resource and IAM's code, e.g.
 * `IAM GetRole s3-reader failed: AccessDenied: … — allow iam:GetRole for these credentials`.
 */
export function iamCallError(call: string, resource: string | undefined, error: unknown): Error {
  const hint = isAccessDenied(error) ? ` — allow iam:${call} for these credentials` : '';
  return new Error(`IAM ${call}${resource ? ` ${resource}` : ''} failed: ${describeAwsError(error)}${hint}`, {
    cause: error,
  });
}
