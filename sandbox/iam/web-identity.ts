// STS AssumeRoleWithWebIdentity, checked the way AWS checks an OIDC token: the token is a JWT;
// its `iss` names an OIDC provider registered in the account; its `aud` is one of that provider's
// client ids; it has not expired; its RS256 signature verifies against the issuer's JWKS, found
// through the issuer's /.well-known/openid-configuration fetched over HTTP; and the role's trust
// policy allows sts:AssumeRoleWithWebIdentity for the provider with the token's `sub` and `aud` as
// condition keys. Each failure answers with STS's own error code and wording.
//
// AWS fetches the issuer from the internet. Here `issuerEndpoints` says where an issuer is served
// (issuer URL → http://127.0.0.1:PORT), like a DNS entry; an unmapped https issuer is fetched as is.
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { IamContext } from './context.js';
import { IamError } from './errors.js';
import type { QueryParams } from './query.js';
import type { RoleRecord } from './state.js';
import { field, node } from './xml.js';

export const invalidIdentityToken = (message: string): IamError =>
  new IamError('InvalidIdentityToken', 400, message);
const idpCommunicationError = (): IamError =>
  new IamError(
    'IDPCommunicationError',
    400,
    'The request could not be fulfilled because the identity provider (IDP) that was asked to verify the incoming identity token could not be reached. This is often a transient error caused by network conditions. Retry the request a limited number of times and wait between attempts. If the error persists, the identity provider might be down or not responding.',
  );
const expiredToken = (now: number, exp: number): IamError =>
  new IamError(
    'ExpiredTokenException',
    400,
    `Token expired: current date/time ${now} must be before the expiration date/time${exp}`,
  );
const notAuthorized = (): IamError =>
  new IamError('AccessDenied', 403, 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
const validation = (message: string): IamError => new IamError('ValidationError', 400, message);
const NO_KEY =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

export interface JwtParts {
  header: { alg?: unknown; kid?: unknown };
  claims: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

function parseJwt(token: string): JwtParts {
  const parts = token.split('.');
  const notJwt = () =>
    invalidIdentityToken(
      'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
    );
  if (parts.length !== 3) throw notJwt();
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as JwtParts['header'];
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof claims !== 'object' || claims === null) throw new Error('claims');
    return {
      header,
      claims,
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2], 'base64url'),
    };
  } catch {
    throw notJwt();
  }
}

interface Jwks {
  keys?: Array<JsonWebKey & { kid?: string }>;
}

/** Where an issuer (https URL) is really served, and the CA to trust there (test https servers). */
export type IssuerEndpoints = Map<string, { baseUrl: string; caPem?: string }>;

/** GET → status and body; rejects on connection failure or timeout. */
function get(
  url: string,
  caPem: string | undefined,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(url, { method: 'GET', timeout: timeoutMs, ...(caPem ? { ca: caPem } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

export class WebIdentityVerifier {
  private readonly endpoints: IssuerEndpoints;
  /** JWKS by issuer, refetched when a token names a kid it lacks (AWS caches keys the same way). */
  private readonly jwksCache = new Map<string, Jwks>();
  fetchTimeoutMs = 3000;
  /** Discovery and JWKS fetches made (the benchmark and tests read it). */
  fetches = 0;

  constructor(endpoints: IssuerEndpoints) {
    this.endpoints = endpoints;
  }

  private locate(url: string): { url: string; caPem?: string } {
    for (const [issuer, served] of this.endpoints) {
      if (url === issuer || url.startsWith(`${issuer}/`))
        return { url: served.baseUrl + url.slice(issuer.length), caPem: served.caPem };
    }
    return { url };
  }

  private async getJson(url: string): Promise<unknown> {
    this.fetches += 1;
    const target = this.locate(url);
    let response: { status: number; body: string };
    try {
      response = await get(target.url, target.caPem, this.fetchTimeoutMs);
    } catch {
      throw idpCommunicationError();
    }
    if (response.status >= 500) throw idpCommunicationError();
    if (response.status !== 200) throw invalidIdentityToken(NO_KEY);
    try {
      return JSON.parse(response.body) as unknown;
    } catch {
      throw invalidIdentityToken(NO_KEY);
    }
  }

  private async jwks(issuer: string, refresh: boolean): Promise<Jwks> {
    const cached = this.jwksCache.get(issuer);
    if (cached && !refresh) return cached;
    const discovery = (await this.getJson(`${issuer}/.well-known/openid-configuration`)) as {
      jwks_uri?: unknown;
      issuer?: unknown;
    };
    if (typeof discovery.jwks_uri !== 'string') throw invalidIdentityToken(NO_KEY);
    const jwks = (await this.getJson(discovery.jwks_uri)) as Jwks;
    if (!Array.isArray(jwks.keys)) throw invalidIdentityToken(NO_KEY);
    this.jwksCache.set(issuer, jwks);
    return jwks;
  }

  async verifySignature(issuer: string, jwt: JwtParts): Promise<void> {
    if (jwt.header.alg !== 'RS256') throw invalidIdentityToken(NO_KEY);
    const find = (set: Jwks) => set.keys?.find((k) => k.kid === jwt.header.kid);
    let key = find(await this.jwks(issuer, false));
    if (!key) key = find(await this.jwks(issuer, true));
    if (!key) throw invalidIdentityToken(NO_KEY);
    let ok = false;
    try {
      ok = verify(
        'sha256',
        Buffer.from(jwt.signingInput),
        createPublicKey({ key, format: 'jwk' }),
        jwt.signature,
      );
    } catch {
      ok = false;
    }
    if (!ok)
      throw invalidIdentityToken(
        'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.',
      );
  }
}

function audiences(claims: Record<string, unknown>): string[] {
  const aud = claims.aud;
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

// --- the trust policy, evaluated for one web-identity request --------------------------------

type Json = unknown;
const asList = (value: Json): Json[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

function globMatch(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(value);
}

const OPERATORS: Record<string, (expected: string, actual: string) => boolean> = {
  StringEquals: (e, a) => e === a,
  StringNotEquals: (e, a) => e !== a,
  StringEqualsIgnoreCase: (e, a) => e.toLowerCase() === a.toLowerCase(),
  StringNotEqualsIgnoreCase: (e, a) => e.toLowerCase() !== a.toLowerCase(),
  StringLike: (e, a) => globMatch(e, a),
  StringNotLike: (e, a) => !globMatch(e, a),
};

/** One condition operator block: every key must match (keys compared case-insensitively, as IAM does). */
function conditionHolds(
  operator: string,
  block: Record<string, Json>,
  context: Map<string, string[]>,
): boolean {
  const ifExists = operator.endsWith('IfExists');
  const [qualifier, bare] = operator.includes(':') ? operator.split(':', 2) : ['', operator];
  const base = ifExists ? bare.slice(0, -'IfExists'.length) : bare;
  const test = OPERATORS[base];
  if (!test) return false;
  const negated = base.includes('Not');
  return Object.entries(block).every(([key, expected]) => {
    const values = context.get(key.toLowerCase());
    if (values === undefined || values.length === 0) return ifExists || (negated && qualifier === '');
    const patterns = asList(expected).map(String);
    const one = (actual: string) =>
      negated ? patterns.every((p) => test(p, actual)) : patterns.some((p) => test(p, actual));
    if (qualifier === 'ForAllValues') return values.every(one);
    return values.some(one);
  });
}

function actionMatches(action: Json): boolean {
  return asList(action).some(
    (a) => typeof a === 'string' && globMatch(a.toLowerCase(), 'sts:assumerolewithwebidentity'),
  );
}

function principalMatches(principal: Json, providerArn: string): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  return asList((principal as Record<string, Json>).Federated).some((p) => p === providerArn);
}

export function trustAllows(document: string, providerArn: string, context: Map<string, string[]>): boolean {
  let policy: { Statement?: Json };
  try {
    policy = JSON.parse(document) as { Statement?: Json };
  } catch {
    return false;
  }
  let allowed = false;
  for (const raw of asList(policy.Statement)) {
    const statement = raw as Record<string, Json>;
    if (!actionMatches(statement.Action) || !principalMatches(statement.Principal, providerArn)) continue;
    const conditions = (statement.Condition ?? {}) as Record<string, Record<string, Json>>;
    const holds = Object.entries(conditions).every(([op, block]) => conditionHolds(op, block, context));
    if (!holds) continue;
    if (statement.Effect === 'Deny') return false;
    if (statement.Effect === 'Allow') allowed = true;
  }
  return allowed;
}

// --- the action ---------------------------------------------------------------------------

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

function credentialId(prefix: string, random: () => string): string {
  return prefix + random();
}

export function assumeRoleWithWebIdentity(
  ctx: IamContext,
  verifier: WebIdentityVerifier,
  region: string,
): (q: QueryParams) => Promise<string> {
  const { state } = ctx;
  return async (q) => {
    const roleArn = q.required('RoleArn');
    const sessionName = q.required('RoleSessionName');
    const token = q.required('WebIdentityToken');
    const duration = q.integer('DurationSeconds') ?? 3600;
    if (!SESSION_NAME.test(sessionName))
      throw validation(
        `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    const jwt = parseJwt(token);
    const iss = typeof jwt.claims.iss === 'string' ? jwt.claims.iss.replace(/\/+$/, '') : '';
    const hostPath = iss.replace(/^https:\/\//i, '');
    const provider = state.visibleProvider(state.providerArn(hostPath));
    if (!iss || !provider)
      throw invalidIdentityToken(`No OpenIDConnect provider found in your account for ${iss}`);
    const aud = audiences(jwt.claims);
    const clientId = aud.find((a) => provider.clientIds.includes(a));
    if (!clientId) throw invalidIdentityToken('Incorrect token audience');
    const nowSeconds = Math.floor(state.clock() / 1000);
    const exp = typeof jwt.claims.exp === 'number' ? jwt.claims.exp : 0;
    if (exp <= nowSeconds) throw expiredToken(nowSeconds, exp);
    await verifier.verifySignature(iss, jwt);

    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    const role: RoleRecord | undefined = state.visibleRole(roleName);
    if (!role || role.arn !== roleArn) throw notAuthorized();
    const sub = typeof jwt.claims.sub === 'string' ? jwt.claims.sub : '';
    const context = new Map<string, string[]>([
      [`${hostPath}:sub`.toLowerCase(), [sub]],
      [`${hostPath}:aud`.toLowerCase(), [clientId]],
      [`${hostPath}:oaud`.toLowerCase(), aud],
    ]);
    if (!trustAllows(role.assumeRolePolicyDocument, provider.arn, context)) throw notAuthorized();
    if (duration < 900 || duration > role.maxSessionDuration)
      throw validation(
        duration < 900
          ? `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`
          : 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );

    const now = state.clock();
    role.lastUsed = { date: now, region };
    const random = () => state.newId('').slice(0, 16);
    const expiration = new Date(now + duration * 1000).toISOString();
    return (
      node(
        'Credentials',
        field('AccessKeyId', credentialId('ASIA', random)) +
          field('SecretAccessKey', `${random()}${random()}`) +
          field('SessionToken', `FwoGZXIvYXdzE${random()}${random()}${random()}`) +
          field('Expiration', expiration),
      ) +
      field('SubjectFromWebIdentityToken', sub) +
      node(
        'AssumedRoleUser',
        field('AssumedRoleId', `${role.roleId}:${sessionName}`) +
          field('Arn', `arn:aws:sts::${state.accountId}:assumed-role/${role.roleName}/${sessionName}`),
      ) +
      field('Provider', hostPath) +
      field('Audience', clientId)
    );
  };
}
