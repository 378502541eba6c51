// The one error type a failed apply step throws: it names the service call, the resource and the
// service's code, so the report can say exactly what failed where.
import type { ApplyError } from './types.js';

export class ApplyStepError extends Error {
  readonly call: string;
  readonly resource: string;
  readonly code?: string;

  constructor(details: ApplyError) {
    super(details.message);
    this.name = 'ApplyStepError';
    this.call = details.call;
    this.resource = details.resource;
    this.code = details.code;
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
