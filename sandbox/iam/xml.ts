// XML for the AWS Query protocol: compact (no whitespace between elements: the SDK parses with
// trimValues off), entity-escaped, lists as <member> items, the Response/Result/ResponseMetadata
// envelope and the ErrorResponse envelope.
import { randomUUID } from 'node:crypto';
import type { IamError } from './errors.js';

export function escapeXml(value: string): string {
  // Element text only: quotes need no escaping there, and named entities are the ones every parser knows.
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `<name>value</name>`, or nothing when the value is absent. */
export function field(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `<name>…children…</name>` for already-rendered children, or nothing when absent. */
export function node(name: string, children: string | undefined): string {
  if (children === undefined) return '';
  return `<${name}>${children}</${name}>`;
}

/** A Query-protocol list: `<name><member>…</member>…</name>`; items are already-rendered XML. */
export function members(name: string, items: string[]): string {
  return `<${name}>${items.map((item) => `<member>${item}</member>`).join('')}</${name}>`;
}

/** A list of plain strings. */
export function stringMembers(name: string, values: string[]): string {
  return members(
    name,
    values.map((v) => escapeXml(v)),
  );
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}

export function requestId(): string {
  return randomUUID();
}

/** A successful answer; `result` undefined means the action has no Result element (e.g. DeleteRole). */
export function queryResponse(
  namespace: string,
  action: string,
  result: string | undefined,
  id: string,
): string {
  const body = result === undefined ? '' : `<${action}Result>${result}</${action}Result>`;
  return `<${action}Response xmlns="${namespace}">${body}<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${action}Response>`;
}

export function errorResponse(namespace: string, error: IamError, id: string): string {
  return (
    `<ErrorResponse xmlns="${namespace}"><Error><Type>${error.type}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`
  );
}
