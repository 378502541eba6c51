// The cluster's ServiceAccount token issuer: signs TokenRequest tokens (RS256, the claims the API
// server puts in a projected token) and publishes what an OIDC relying party such as AWS STS reads
// to verify them: the discovery document and the JWKS, served without authentication like the API
// server's /.well-known/openid-configuration and /openid/v1/jwks.
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: { kty: string; n: string; e: string };
}

/** The API server's key id: base64url SHA-256 of the DER public key. */
function keyId(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64url');
}

export function newSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; n: string; e: string };
  return { kid: keyId(publicKey), privateKey, publicJwk: { kty: jwk.kty, n: jwk.n, e: jwk.e } };
}

export interface TokenSubject {
  namespace: string;
  name: string;
  uid: string;
}

export interface IssuedToken {
  token: string;
  /** Epoch seconds. */
  expiresAt: number;
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export class TokenIssuer {
  /** The `iss` claim and the discovery document's issuer (default: the emulator's own URL). */
  private fixedIssuer: string | undefined;
  private readonly serverUrl: () => string;
  private readonly clock: () => Date;
  /** Signing key first; earlier keys stay published until dropped (as during a rotation). */
  private keys: SigningKey[] = [];
  /** The latest tokens issued (at most 1,000), so tests can prove none of them was printed. */
  readonly issued: string[] = [];

  constructor(serverUrl: () => string, clock: () => Date, issuer?: string) {
    this.serverUrl = serverUrl;
    this.clock = clock;
    this.fixedIssuer = issuer?.replace(/\/+$/, '');
  }

  get issuer(): string {
    return this.fixedIssuer ?? this.serverUrl();
  }

  /** Signs later tokens as another issuer (a cluster whose --service-account-issuer changed). */
  useIssuer(issuer: string): void {
    this.fixedIssuer = issuer.replace(/\/+$/, '');
  }

  private signingKey(): SigningKey {
    if (this.keys.length === 0) this.keys = [newSigningKey()];
    return this.keys[0];
  }

  /**
   * Replaces the signing key. With `keepOld: false` tokens signed before are no longer verifiable
   * (their kid is gone from the JWKS), as after a rotation that dropped the old key.
   */
  rotate(keepOld = false): void {
    const next = newSigningKey();
    this.keys = keepOld ? [next, ...this.keys] : [next];
  }

  issue(subject: TokenSubject, audiences: string[], expirationSeconds: number): IssuedToken {
    const key = this.signingKey();
    const iat = Math.floor(this.clock().getTime() / 1000);
    const exp = iat + expirationSeconds;
    const claims = {
      aud: audiences,
      exp,
      iat,
      iss: this.issuer,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace: subject.namespace,
        serviceaccount: { name: subject.name, uid: subject.uid },
      },
      nbf: iat,
      sub: `system:serviceaccount:${subject.namespace}:${subject.name}`,
    };
    const signingInput = `${b64({ alg: 'RS256', kid: key.kid })}.${b64(claims)}`;
    const signature = sign('sha256', Buffer.from(signingInput), key.privateKey).toString('base64url');
    const token = `${signingInput}.${signature}`;
    this.issued.push(token);
    if (this.issued.length > 1000) this.issued.shift();
    return { token, expiresAt: exp };
  }

  /** /.well-known/openid-configuration as the API server serves it. */
  discovery(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: `${this.issuer}/openid/v1/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    };
  }

  jwks(): { keys: Array<Record<string, string>> } {
    this.signingKey();
    return {
      keys: this.keys.map((k) => ({
        use: 'sig',
        kty: k.publicJwk.kty,
        kid: k.kid,
        alg: 'RS256',
        n: k.publicJwk.n,
        e: k.publicJwk.e,
      })),
    };
  }
}
