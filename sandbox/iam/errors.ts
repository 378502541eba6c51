// IAM's error vocabulary: each error carries the code, the HTTP status and the Sender/Receiver type
// the real service answers with, so the SDK maps it to the same exception class it would in AWS.

export class IamError extends Error {
  readonly code: string;
  readonly status: number;
  readonly type: 'Sender' | 'Receiver';

  constructor(code: string, status: number, message: string, type: 'Sender' | 'Receiver' = 'Sender') {
    super(message);
    this.name = 'IamError';
    this.code = code;
    this.status = status;
    this.type = type;
  }
}

export const noSuchEntity = (message: string): IamError => new IamError('NoSuchEntity', 404, message);
export const entityAlreadyExists = (message: string): IamError =>
  new IamError('EntityAlreadyExists', 409, message);
export const deleteConflict = (message: string): IamError => new IamError('DeleteConflict', 409, message);
export const limitExceeded = (message: string): IamError => new IamError('LimitExceeded', 409, message);
export const malformedPolicy = (message: string): IamError =>
  new IamError('MalformedPolicyDocument', 400, message);
export const invalidInput = (message: string): IamError => new IamError('InvalidInput', 400, message);
export const accessDenied = (message: string): IamError => new IamError('AccessDenied', 403, message);
export const throttling = (): IamError => new IamError('Throttling', 400, 'Rate exceeded');
export const serviceFailure = (): IamError =>
  new IamError(
    'ServiceFailure',
    500,
    'Request processing has failed due to an unknown error, exception or failure.',
    'Receiver',
  );

/**
 * IAM's model-level validation answer. IAM reports every violated constraint of a request at once:
 * "2 validation errors detected: Value 'x' at 'roleName' failed to satisfy constraint: …; …".
 */
export function validationError(violations: string[]): IamError {
  const n = violations.length;
  return new IamError(
    'ValidationError',
    400,
    `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`,
  );
}
