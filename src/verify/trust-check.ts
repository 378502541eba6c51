// Explains an AccessDenied from AssumeRoleWithWebIdentity: evaluates the role's trust policy as
// IAM does for a web-identity call (Federated principal = the issuer's OIDC provider, action
// sts:AssumeRoleWithWebIdentity, every condition with `ISSUER:sub` and `ISSUER:aud` as keys) and,
// when it refuses, says which claim no statement admits — the subject, the audience or both — and
// what the closest statement expects instead.
import type { Json, JsonObject, PolicyDocument } from '../policy/types.js';

export interface WebIdentityRequest {
  /** arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH */
  providerArn: string;
  /** The condition-key prefix (issuer without https://). */
  issuerHostPath: string;
  sub: string;
  aud: string;
}

export type TrustVerdict =
  | { allowed: true }
  | { allowed: false; mismatch: 'principal' }
  | { allowed: false; mismatch: 'deny' }
  | {
      allowed: false;
      mismatch: 'sub' | 'aud' | 'sub+aud' | 'other';
      /** Values the closest statement admits for the mismatching claim(s). */
      expectedSub: string[];
      expectedAud: string[];
      /** Condition keys other than sub/aud that fail (for 'other'). */
      otherKeys: string[];
    };

const asList = (value: Json | undefined): Json[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

function glob(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(value);
}

const TESTS: Record<string, (expected: string, actual: string) => boolean> = {
  StringEquals: (e, a) => e === a,
  StringEqualsIgnoreCase: (e, a) => e.toLowerCase() === a.toLowerCase(),
  StringLike: glob,
  StringNotEquals: (e, a) => e !== a,
  StringNotEqualsIgnoreCase: (e, a) => e.toLowerCase() !== a.toLowerCase(),
  StringNotLike: (e, a) => !glob(e, a),
};

interface KeyResult {
  /** Lower-cased condition key. */
  key: string;
  holds: boolean;
  /** The values a positive operator admits (for messages). */
  expected: string[];
}

/** Evaluates one statement's Condition key by key. */
function conditionResults(condition: JsonObject, context: Map<string, string>): KeyResult[] {
  const results: KeyResult[] = [];
  for (const [rawOperator, block] of Object.entries(condition)) {
    const operator = rawOperator.replace(/^(ForAnyValue|ForAllValues):/, '');
    const ifExists = operator.endsWith('IfExists');
    const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
    const test = TESTS[base];
    const negated = base.includes('Not');
    if (!block || typeof block !== 'object' || Array.isArray(block)) continue;
    for (const [key, value] of Object.entries(block)) {
      const expected = asList(value).map(String);
      const actual = context.get(key.toLowerCase());
      let holds: boolean;
      if (!test) holds = false;
      else if (actual === undefined) holds = ifExists || negated;
      else holds = negated ? expected.every((e) => test(e, actual)) : expected.some((e) => test(e, actual));
      results.push({ key: key.toLowerCase(), holds, expected: negated ? [] : expected });
    }
  }
  return results;
}

function actionMatches(action: Json | undefined): boolean {
  return asList(action).some(
    (a) => typeof a === 'string' && glob(a.toLowerCase(), 'sts:assumerolewithwebidentity'),
  );
}

function principalMatches(principal: Json | undefined, providerArn: string): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object' || Array.isArray(principal)) return false;
  return asList(principal.Federated).some((p) => p === providerArn);
}

export function explainTrust(policy: PolicyDocument, request: WebIdentityRequest): TrustVerdict {
  const subKey = `${request.issuerHostPath}:sub`.toLowerCase();
  const audKey = `${request.issuerHostPath}:aud`.toLowerCase();
  const context = new Map([
    [subKey, request.sub],
    [audKey, request.aud],
  ]);
  const relevant = asList(policy.Statement).filter(
    (s): s is JsonObject =>
      !!s &&
      typeof s === 'object' &&
      !Array.isArray(s) &&
      actionMatches(s.Action) &&
      principalMatches(s.Principal, request.providerArn),
  );
  const evaluated = relevant.map((statement) => {
    const condition = statement.Condition;
    const results =
      condition && typeof condition === 'object' && !Array.isArray(condition)
        ? conditionResults(condition, context)
        : [];
    return { effect: statement.Effect, results, holds: results.every((r) => r.holds) };
  });
  if (evaluated.some((s) => s.effect === 'Deny' && s.holds)) return { allowed: false, mismatch: 'deny' };
  if (evaluated.some((s) => s.effect === 'Allow' && s.holds)) return { allowed: true };
  const allows = evaluated.filter((s) => s.effect === 'Allow');
  if (allows.length === 0) return { allowed: false, mismatch: 'principal' };
  // The closest statement: fewest failing keys; a statement failing only on `sub` is the usual
  // "trust policy for another ServiceAccount".
  const closest = allows
    .map((s) => ({ ...s, failing: s.results.filter((r) => !r.holds) }))
    .sort((a, b) => a.failing.length - b.failing.length)[0];
  const failingSub = closest.failing.some((r) => r.key === subKey);
  const failingAud = closest.failing.some((r) => r.key === audKey);
  const otherKeys = closest.failing.filter((r) => r.key !== subKey && r.key !== audKey).map((r) => r.key);
  const values = (key: string) => closest.results.filter((r) => r.key === key).flatMap((r) => r.expected);
  return {
    allowed: false,
    mismatch: failingSub && failingAud ? 'sub+aud' : failingSub ? 'sub' : failingAud ? 'aud' : 'other',
    expectedSub: values(subKey),
    expectedAud: values(audKey),
    otherKeys,
  };
}
