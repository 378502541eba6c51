// The one error type a failed apply step throws: it names the service call, the resource and the
// service's code, so the report can say exactly what failed where.

/** The service call that failed, named the way the service names it. */
export interface ApplyError {
  /** e.g. `AttachRolePolicy`, `patch serviceaccount (server-side apply)`. */
  call: string;
  /** What the call acted on, e.g. `role s3-reader, policy arn:aws:iam::aws:policy/X`, `prod/default/app`. */
  resource: string;
  /** The service's error code (`NoSuchEntity`, `409 Conflict`, …) when it gave one. */
  code?: string;
  message: string;
}

export class ApplyStepError extends Error {
  readonly call: string;
  readonly resource: string;
  readonly code?: string;
  /** The resource was created before the step failed: it exists, but not yet as planned. */
  readonly createdIncomplete: boolean;

  constructor(details: ApplyError, options: { createdIncomplete?: boolean } = {}) {
    super(details.message);
    this.name = 'ApplyStepError';
    this.call = details.call;
    this.resource = details.resource;
    this.code = details.code;
    this.createdIncomplete = options.createdIncomplete ?? false;
  }

  /** The same failure, marked as having happened after the resource was created. */
  static afterCreate(error: unknown, fallback: ApplyError): ApplyStepError {
    const details = error instanceof ApplyStepError ? error.toApplyError() : fallback;
    return new ApplyStepError(details, { createdIncomplete: true });
  }

  toApplyError(): ApplyError {
    return {
      call: this.call,
      resource: this.resource,
      ...(this.code ? { code: this.code } : {}),
      message: this.message,
    };
  }
}
