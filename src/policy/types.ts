// IAM policy documents as plain JSON values. Documents come from users (YAML maps or JSON strings)
// and from IAM (URL-encoded JSON), so the core treats them as JSON and normalises before comparing.
import type { JsonObject } from '../support/json.js';

export type { Json, JsonObject } from '../support/json.js';

/**
 * An IAM policy document (identity or trust policy): `Version`, optional `Id`, `Statement` (one
 * object or a list of objects with Effect, Principal, Action, Resource, Condition, …). Kept as JSON so
 * unknown-but-valid IAM fields survive a round trip; validation checks the IAM shape.
 */
export type PolicyDocument = JsonObject;
