// Reads the claims of a ServiceAccount token without verifying it: verify only needs `iss`, `sub`
// and `aud` to explain an STS refusal. The token itself is never kept, printed or logged.
import type { TokenClaims } from './types.js';

export function tokenClaims(token: string): TokenClaims {
  const payload = token.split('.')[1] ?? '';
  let claims: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object') claims = parsed as Record<string, unknown>;
  } catch {
    // Not a JWT: every claim is reported as absent.
  }
  const aud = claims.aud;
  return {
    iss: typeof claims.iss === 'string' ? claims.iss : '',
    sub: typeof claims.sub === 'string' ? claims.sub : '',
    aud: typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a) => typeof a === 'string') : [],
    exp: typeof claims.exp === 'number' ? claims.exp : 0,
  };
}
