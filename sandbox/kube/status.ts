// Kubernetes `Status` answers, worded like the real API server so clients that parse the reason,
// code, details or message (client-node's ApiException body, kubectl's error lines) see what a
// cluster would send them.
import type { EmulatorResponse } from '../core/server.js';

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
  type?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A Status failure carried as an exception inside the handler and turned into the response once. */
export class KubeStatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;
  readonly headers: Record<string, string>;
  /** The Status object's ListMeta (a 410 Expired carries a `continue` token there). */
  readonly listMeta: Record<string, string>;

  constructor(
    code: number,
    reason: string,
    message: string,
    details?: StatusDetails,
    headers: Record<string, string> = {},
    listMeta: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'KubeStatusError';
    this.code = code;
    this.reason = reason;
    this.details = details;
    this.headers = headers;
    this.listMeta = listMeta;
  }

  toResponse(): EmulatorResponse {
    return statusResponse(this.code, this.reason, this.message, this.details, this.headers, this.listMeta);
  }
}

export const JSON_CONTENT_TYPE = 'application/json';

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return { status, headers: { 'content-type': JSON_CONTENT_TYPE, ...headers }, body: JSON.stringify(body) };
}

export function statusResponse(
  code: number,
  reason: string,
  message: string,
  details?: StatusDetails,
  headers: Record<string, string> = {},
  listMeta: Record<string, string> = {},
): EmulatorResponse {
  const body: Record<string, unknown> = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: { ...listMeta },
    status: 'Failure',
    message,
    reason,
  };
  if (details) body.details = details;
  body.code = code;
  return jsonResponse(code, body, headers);
}

export const notFound = (resource: string, name: string): KubeStatusError =>
  new KubeStatusError(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource });

export const alreadyExists = (resource: string, name: string): KubeStatusError =>
  new KubeStatusError(409, 'AlreadyExists', `${resource} "${name}" already exists`, { name, kind: resource });

export const modifiedConflict = (resource: string, name: string): KubeStatusError =>
  new KubeStatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, kind: resource },
  );

export const badRequest = (message: string): KubeStatusError =>
  new KubeStatusError(400, 'BadRequest', message);

/** 422 Invalid with one cause per field error, e.g. `metadata.name: Invalid value: "X": ...`. */
export function invalid(kind: string, name: string, causes: StatusCause[]): KubeStatusError {
  const summary = causes.map((c) => `${c.field}: ${c.message}`);
  const listed = summary.length === 1 ? summary[0] : `[${summary.join(', ')}]`;
  return new KubeStatusError(422, 'Invalid', `${kind} "${name}" is invalid: ${listed}`, {
    name,
    group: '',
    kind,
    causes,
  });
}

export const unauthorized = (): EmulatorResponse => statusResponse(401, 'Unauthorized', 'Unauthorized');

export function forbidden(
  user: string,
  verb: string,
  resource: string,
  name: string | undefined,
  namespace: string | undefined,
  group = '',
): KubeStatusError {
  const qualified = group ? `${resource}.${group}` : resource;
  const subject = name ? `${qualified} "${name}"` : qualified;
  const scope = namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
  return new KubeStatusError(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}"${scope}`,
    { name, kind: resource },
  );
}

export const tooManyRequests = (): EmulatorResponse =>
  statusResponse(
    429,
    'TooManyRequests',
    'Too many requests, please try again later.',
    { retryAfterSeconds: 1 },
    { 'retry-after': '1' },
  );

export const internalError = (operation: string): EmulatorResponse =>
  statusResponse(
    500,
    'InternalError',
    `Internal error occurred: injected fault while serving "${operation}"`,
    {
      causes: [{ message: `injected fault while serving "${operation}"` }],
    },
  );
