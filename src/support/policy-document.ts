// IAM returns every policy document (trust policy, inline policy) URL-encoded. Observed state keeps
// the document as IAM holds it: decoded and parsed, never normalised (the diff normalises copies).
import { errorMessage } from './errors.js';
import type { JsonObject } from './json.js';

export type PolicyText =
  { kind: 'document'; document: JsonObject } | { kind: 'not-json'; error: string } | { kind: 'not-object' };

/**
 * The one reading of a policy document's text, wherever it comes from: IAM's URL-encoded form or
 * plain JSON (a file, a plan, an IAM look-alike). Plain JSON is never URL-decoded, so a `%` inside
 * a policy value survives. Callers decide what a failure means for them.
 */
export function parsePolicyText(text: string): PolicyText {
  let json = text.trim();
  if (!json.startsWith('{')) {
    try {
      json = decodeURIComponent(json).trim();
    } catch {
      // Not URL-encoded after all: let JSON.parse say what is wrong with it.
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    return { kind: 'not-json', error: errorMessage(error) };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { kind: 'not-object' };
  return { kind: 'document', document: parsed as JsonObject };
}

/** A document IAM returned; `what` names it in the error, e.g. `trust policy of role s3-reader`. */
export function decodePolicyDocument(encoded: string, what: string): JsonObject {
  const read = parsePolicyText(encoded);
  if (read.kind === 'document') return read.document;
  const problem = read.kind === 'not-json' ? `is not JSON (${read.error})` : 'is not a JSON object';
  throw new Error(`IAM returned a ${what} that ${problem}: fix or re-create the document in IAM.`);
}
