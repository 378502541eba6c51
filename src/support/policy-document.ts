// IAM returns every policy document (trust policy, inline policy) URL-encoded. Observed state keeps
// the document as IAM holds it: decoded and parsed, never normalised (the diff normalises copies).
import { errorMessage } from './errors.js';
import type { JsonObject } from './json.js';

/** `what` names the document in the error, e.g. `trust policy of role s3-reader`. */
export function decodePolicyDocument(encoded: string, what: string): JsonObject {
  let text: string;
  try {
    text = decodeURIComponent(encoded);
  } catch {
    // Not URL-encoded after all (some IAM look-alikes answer with plain JSON).
    text = encoded;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `IAM returned a ${what} that is not JSON (${errorMessage(error)}): fix or re-create the document in IAM.`,
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(
      `IAM returned a ${what} that is not a JSON object: fix or re-create the document in IAM.`,
    );
  }
  return parsed as JsonObject;
}
