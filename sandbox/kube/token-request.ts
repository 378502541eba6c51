// The TokenRequest subresource (POST /api/v1/namespaces/NS/serviceaccounts/NAME/token): validates
// the request as the API server does (expirationSeconds at least 10 minutes, capped at 48 hours)
// and answers 201 with the signed token in status.token.
import type { EmulatorResponse } from '../core/server.js';
import { parseObjectBody } from './body.js';
import type { KubeState } from './state.js';
import { kubeTime } from './state.js';
import { invalid, jsonResponse, notFound } from './status.js';
import type { TokenIssuer } from './tokens.js';

const MIN_SECONDS = 600;
const MAX_SECONDS = 48 * 3600;
const DEFAULT_SECONDS = 3600;

interface TokenRequestBody {
  spec?: { audiences?: unknown; expirationSeconds?: unknown; boundObjectRef?: unknown };
}

export function createToken(
  state: KubeState,
  issuer: TokenIssuer,
  namespace: string,
  name: string,
  body: string,
  contentType: string,
): EmulatorResponse {
  const sa = state.serviceAccount(namespace, name);
  if (!sa) throw notFound('serviceaccounts', name);
  const request = parseObjectBody(body, contentType, 'TokenRequest') as TokenRequestBody;
  const spec = request.spec ?? {};
  const audiences =
    Array.isArray(spec.audiences) && spec.audiences.length > 0
      ? spec.audiences.map(String)
      : // The API server's default audience is its own issuer (--api-audiences defaults to it).
        [issuer.issuer];
  const seconds = spec.expirationSeconds === undefined ? DEFAULT_SECONDS : Number(spec.expirationSeconds);
  if (!Number.isInteger(seconds) || seconds < MIN_SECONDS) {
    throw invalid('TokenRequest', '', [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.expirationSeconds',
        message: `Invalid value: ${String(spec.expirationSeconds)}: may not specify a duration less than 10 minutes`,
      },
    ]);
  }
  const granted = Math.min(seconds, MAX_SECONDS);
  const issued = issuer.issue({ namespace, name, uid: sa.uid }, audiences, granted);
  return jsonResponse(201, {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace, creationTimestamp: null },
    spec: { audiences, expirationSeconds: granted, boundObjectRef: null },
    status: { token: issued.token, expirationTimestamp: kubeTime(new Date(issued.expiresAt * 1000)) },
  });
}
