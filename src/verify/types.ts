// What `verify` checks and what it found: one check per exact ServiceAccount of a binding (token
// from the cluster's TokenRequest API, then STS AssumeRoleWithWebIdentity for the role).

export interface VerifyTarget {
  role: string;
  roleArn: string;
  cluster: string;
  namespace: string;
  name: string;
  /** The cluster's issuer from the bindings file (https://…, no trailing slash). */
  issuer: string;
  /** The issuer as IAM names it (no scheme): the provider ARN suffix and condition-key prefix. */
  issuerHostPath: string;
  /** The audience the token is requested for (the provider's client id). */
  audience: string;
}

/** Where it failed: the token, the exchange at STS, or the annotation the pod webhook reads. */
export type VerifyStage = 'token' | 'assume' | 'annotation';

export interface VerifySuccess {
  ok: true;
  target: VerifyTarget;
  sessionName: string;
  assumedRoleArn: string;
  /** ISO 8601. */
  expiration: string;
  /** Why the ServiceAccount's role-arn annotation could not be read (e.g. RBAC), when it could not. */
  annotationUnchecked?: string;
}

export interface VerifyFailure {
  ok: false;
  target: VerifyTarget;
  stage: VerifyStage;
  /** The service's error code, e.g. AccessDenied, InvalidIdentityToken, 404. */
  code: string;
  /** The likely cause, in words. */
  cause: string;
  /** What to do about it. */
  fix: string;
}

export type VerifyOutcome = VerifySuccess | VerifyFailure;

export interface VerifySkip {
  role: string;
  cluster: string;
  namespace: string;
  name: string;
  reason: 'wildcard' | 'iam-only';
}

export interface VerifyReport {
  outcomes: VerifyOutcome[];
  skipped: VerifySkip[];
  /** ServiceAccounts left out by --sample. */
  notSampled: number;
}

/** The claims verify reads from a token (never the token itself). */
export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string[];
  /** Epoch seconds; 0 when absent. */
  exp: number;
}
