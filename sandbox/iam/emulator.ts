// The IAM + STS emulator: one in-process HTTP server on 127.0.0.1 speaking the AWS Query protocol
// as @aws-sdk/client-iam and @aws-sdk/client-sts send it. Both services share the endpoint and are
// told apart by the request's Version (IAM 2010-05-08, STS 2011-06-15), so one URL serves as
// AWS_ENDPOINT_URL_IAM and AWS_ENDPOINT_URL_STS. Tests seed and inspect state directly (no HTTP),
// deny single actions, and use the shared fault knobs through `server`.
import {
  EmulatorServer,
  type EmulatorRequest,
  type EmulatorResponse,
  type Route,
  type ServiceHandler,
} from '../core/server.js';
import type { ActionHandler, IamContext, IamLimits } from './context.js';
import { accessDenied, IamError, serviceFailure, throttling } from './errors.js';
import { isPolicyArn, ManagedPolicyCatalogue } from './managed-policies.js';
import { oidcActions } from './oidc-actions.js';
import { policyActions } from './policy-actions.js';
import { QueryParams, type Tag } from './query.js';
import { roleActions } from './role-actions.js';
import { accountActions } from './account-actions.js';
import { IamState, type OidcProviderRecord, type RoleRecord } from './state.js';
import { STS_NAMESPACE, STS_VERSION, stsActions, type CallerIdentity } from './sts.js';
import { checkName, checkPath, rejectViolations } from './validate.js';
import { WebIdentityVerifier, type IssuerEndpoints } from './web-identity.js';
import { errorResponse, queryResponse, requestId } from './xml.js';

export const IAM_VERSION = '2010-05-08';
export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
export const DEFAULT_ACCOUNT_ID = '123456789012';
const MUTATING = /^(Create|Update|Delete|Put|Attach|Detach|Tag|Untag|Add|Remove)/;

export interface IamEmulatorOptions {
  /** 12 digits; default 123456789012. */
  accountId?: string;
  /** ACLSizePerRole, non-whitespace characters of a trust policy: default 2048, at most 4096. */
  trustPolicySizeLimit?: number;
  /** PoliciesPerRole: default 10, at most 20. */
  managedPoliciesPerRole?: number;
  /** Aggregate inline policy size per role: default 10240. */
  inlinePolicySizeLimit?: number;
  /** RolesPerAccount: default 1000 (GetAccountSummary's RolesQuota; CreateRole beyond it fails). */
  rolesQuota?: number;
  /**
   * Accept any `arn:aws:iam::ACCOUNT:policy/…` customer policy (default true), except names starting
   * with `does-not-exist` and ARNs passed to removeManagedPolicy().
   */
  acceptAnyCustomerPolicy?: boolean;
  /** IAM eventual consistency: reads of a just-created role answer NoSuchEntity for this long (default 0). */
  newRoleInvisibleForMs?: number;
  /** Same for OIDC providers: trust policies naming a just-created provider are refused for this long. */
  newOidcProviderInvisibleForMs?: number;
  /** Epoch milliseconds; CreateDate and the consistency delays use it. Pass a fixed clock for determinism. */
  clock?: () => number;
  /** The caller GetCallerIdentity reports and AccessDenied messages name. */
  callerArn?: string;
  /** Seed for role ids (default 1). */
  seed?: number;
  /** The region STS records in RoleLastUsed (default us-east-1). */
  region?: string;
}

/** A role as a test seeds it; documents may be given as objects (stored as their JSON text). */
export interface SeedRole {
  roleName: string;
  path?: string;
  assumeRolePolicyDocument?: string | object;
  description?: string;
  maxSessionDuration?: number;
  permissionsBoundary?: string;
  tags?: Record<string, string> | Tag[];
  inlinePolicies?: Record<string, string | object>;
  attachedPolicyArns?: string[];
  createDate?: Date;
  lastUsed?: { date: Date; region: string };
}

/** A snapshot of a role's state (documents exactly as stored, not URL-encoded). */
export interface RoleState {
  roleName: string;
  path: string;
  roleId: string;
  arn: string;
  createDate: Date;
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  permissionsBoundary?: string;
  tags: Tag[];
  inlinePolicies: Record<string, string>;
  attachedPolicyArns: string[];
  /** RoleLastUsed: set by a successful AssumeRoleWithWebIdentity or seeded. */
  lastUsed?: { date: Date; region: string };
}

export interface SeedOidcProvider {
  /** With or without https://. */
  url: string;
  clientIds?: string[];
  thumbprints?: string[];
  tags?: Record<string, string> | Tag[];
  createDate?: Date;
}

export interface OidcProviderState {
  arn: string;
  url: string;
  clientIds: string[];
  thumbprints: string[];
  tags: Tag[];
  createDate: Date;
}

const DEFAULT_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

function toTags(tags: Record<string, string> | Tag[] | undefined): Tag[] {
  if (!tags) return [];
  if (Array.isArray(tags)) return tags.map((t) => ({ Key: t.Key, Value: t.Value }));
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function documentText(document: string | object): string {
  return typeof document === 'string' ? document : JSON.stringify(document);
}

export class IamEmulator {
  readonly server: EmulatorServer;
  readonly accountId: string;
  readonly callerArn: string;
  private readonly state: IamState;
  private readonly policies: ManagedPolicyCatalogue;
  private readonly iam: Record<string, ActionHandler>;
  private readonly sts: Record<string, ActionHandler>;
  private readonly denied = new Set<string>();
  private readonly issuerEndpoints: IssuerEndpoints = new Map();
  /** Verifies web-identity tokens; `fetches` counts discovery and JWKS requests. */
  readonly webIdentity: WebIdentityVerifier;

  constructor(options: IamEmulatorOptions = {}) {
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
    if (!/^\d{12}$/.test(this.accountId))
      throw new Error(`IamEmulator: accountId must be 12 digits, got "${this.accountId}".`);
    const limits: IamLimits = {
      trustPolicySize: options.trustPolicySizeLimit ?? 2048,
      managedPoliciesPerRole: options.managedPoliciesPerRole ?? 10,
      inlinePolicySize: options.inlinePolicySizeLimit ?? 10240,
      rolesQuota: options.rolesQuota ?? 1000,
    };
    if (limits.trustPolicySize < 1 || limits.trustPolicySize > 4096) {
      throw new Error(
        `IamEmulator: trustPolicySizeLimit must be 1..4096 (IAM's ACLSizePerRole can be raised to 4096 at most), got ${limits.trustPolicySize}.`,
      );
    }
    if (limits.managedPoliciesPerRole < 1 || limits.managedPoliciesPerRole > 20) {
      throw new Error(
        `IamEmulator: managedPoliciesPerRole must be 1..20 (IAM's PoliciesPerRole can be raised to 20 at most), got ${limits.managedPoliciesPerRole}.`,
      );
    }
    this.callerArn =
      options.callerArn ?? `arn:aws:sts::${this.accountId}:assumed-role/workload-identity-ci/emulator`;
    this.state = new IamState(this.accountId, options.clock ?? Date.now, options.seed ?? 1);
    this.policies = new ManagedPolicyCatalogue(this.accountId, options.acceptAnyCustomerPolicy ?? true);
    const state = this.state;
    const ctx: IamContext = {
      state,
      policies: this.policies,
      limits,
      principals: {
        accountId: this.accountId,
        oidcProviderExists: (arn) => state.visibleProvider(arn) !== undefined,
        roleExists: (arn) => state.roleByArn(arn) !== undefined,
      },
      newRoleInvisibleForMs: options.newRoleInvisibleForMs ?? 0,
      newOidcProviderInvisibleForMs: options.newOidcProviderInvisibleForMs ?? 0,
    };
    this.iam = { ...roleActions(ctx), ...oidcActions(ctx), ...policyActions(ctx), ...accountActions(ctx) };
    const identity: CallerIdentity = {
      account: this.accountId,
      arn: this.callerArn,
      userId: `${state.newId('AROA')}:emulator`,
    };
    this.webIdentity = new WebIdentityVerifier(this.issuerEndpoints);
    this.sts = stsActions(() => identity, ctx, this.webIdentity, options.region ?? 'us-east-1');
    this.server = new EmulatorServer('iam', this.handler());
  }

  start(port = 0): Promise<string> {
    return this.server.start(port);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  get url(): string {
    return this.server.url;
  }

  /**
   * Where STS finds an OIDC issuer's discovery document and JWKS: `issuer` (the token's `iss`, an
   * https URL) is served at `baseUrl` (e.g. a KubeEmulator's http://127.0.0.1:PORT), as DNS would
   * route it; `caPem` is the CA to trust when `baseUrl` is https with a test certificate. Issuers
   * never routed are fetched at their own URL.
   */
  routeIssuer(issuer: string, baseUrl: string, caPem?: string): void {
    this.issuerEndpoints.set(issuer.replace(/\/+$/, ''), { baseUrl: baseUrl.replace(/\/+$/, ''), caPem });
  }

  /** Every later call of this action (IAM or STS name) answers AccessDenied 403. */
  deny(action: string): void {
    this.denied.add(action);
  }

  allow(action: string): void {
    this.denied.delete(action);
  }

  addManagedPolicy(arn: string): void {
    this.policies.add(arn);
  }

  /** Makes Attach/PutRolePermissionsBoundary with this ARN fail with NoSuchEntity. */
  removeManagedPolicy(arn: string): void {
    this.policies.remove(arn);
  }

  managedPolicyExists(arn: string): boolean {
    return this.policies.exists(arn);
  }

  /**
   * Creates or replaces a role without HTTP and without IAM's document checks (the bench seeds
   * thousands); visible at once. Names and paths are still checked so a typo fails loudly.
   */
  seedRole(seed: SeedRole): RoleState {
    const path = seed.path ?? '/';
    rejectViolations(checkName(seed.roleName, 'roleName', 64), checkPath(path));
    for (const arn of seed.attachedPolicyArns ?? []) {
      if (!isPolicyArn(arn)) throw new Error(`seedRole ${seed.roleName}: ${arn} is not a policy ARN.`);
    }
    const previous = this.state.anyRole(seed.roleName);
    if (previous) this.state.deleteRole(previous.roleName);
    const createDate = seed.createDate?.getTime() ?? this.state.clock();
    const role: RoleRecord = {
      roleName: seed.roleName,
      path,
      roleId: this.state.newId('AROA'),
      arn: this.state.roleArn(path, seed.roleName),
      createDate,
      assumeRolePolicyDocument: documentText(seed.assumeRolePolicyDocument ?? DEFAULT_TRUST_POLICY),
      description: seed.description || undefined,
      maxSessionDuration: seed.maxSessionDuration ?? 3600,
      permissionsBoundary: seed.permissionsBoundary,
      tags: toTags(seed.tags),
      inlinePolicies: new Map(
        Object.entries(seed.inlinePolicies ?? {}).map(([name, doc]) => [name, documentText(doc)]),
      ),
      attachedPolicyArns: [...new Set(seed.attachedPolicyArns ?? [])],
      lastUsed: seed.lastUsed && { date: seed.lastUsed.date.getTime(), region: seed.lastUsed.region },
      visibleFrom: Number.NEGATIVE_INFINITY,
    };
    this.state.putRole(role);
    return roleSnapshot(role);
  }

  /** The role's current state whether or not reads can see it yet; undefined when it does not exist. */
  getRoleState(name: string): RoleState | undefined {
    const role = this.state.anyRole(name);
    return role && roleSnapshot(role);
  }

  /**
   * Sets (or, with undefined, clears) a role's RoleLastUsed as IAM's tracking would record it;
   * AssumeRoleWithWebIdentity sets it too. False when the role does not exist.
   */
  setRoleLastUsed(name: string, lastUsed: { date: Date; region: string } | undefined): boolean {
    const role = this.state.anyRole(name);
    if (!role) return false;
    role.lastUsed = lastUsed && { date: lastUsed.date.getTime(), region: lastUsed.region };
    return true;
  }

  /** Removes a role behind the tool's back (drift); true when it existed. */
  deleteRoleState(name: string): boolean {
    return this.state.deleteRole(name);
  }

  listRoleNames(): string[] {
    return this.state.allRoleNames().sort();
  }

  seedOidcProvider(seed: SeedOidcProvider): OidcProviderState {
    const url = seed.url.replace(/^https:\/\//i, '');
    const provider: OidcProviderRecord = {
      arn: this.state.providerArn(url),
      url,
      clientIds: [...new Set(seed.clientIds ?? ['sts.amazonaws.com'])],
      thumbprints: [...(seed.thumbprints ?? [])],
      tags: toTags(seed.tags),
      createDate: seed.createDate?.getTime() ?? this.state.clock(),
      visibleFrom: Number.NEGATIVE_INFINITY,
    };
    this.state.putProvider(provider);
    return providerSnapshot(provider);
  }

  /** By ARN or URL (with or without https://). */
  getOidcProviderState(arnOrUrl: string): OidcProviderState | undefined {
    const arn = arnOrUrl.startsWith('arn:')
      ? arnOrUrl
      : this.state.providerArn(arnOrUrl.replace(/^https:\/\//i, ''));
    const provider = this.state.anyProvider(arn);
    return provider && providerSnapshot(provider);
  }

  /** Removes a provider behind the tool's back (by ARN or URL); true when it existed. */
  deleteOidcProviderState(arnOrUrl: string): boolean {
    const arn = arnOrUrl.startsWith('arn:')
      ? arnOrUrl
      : this.state.providerArn(arnOrUrl.replace(/^https:\/\//i, ''));
    return this.state.deleteProvider(arn);
  }

  listOidcProviderArns(): string[] {
    return this.state
      .allProviders()
      .map((p) => p.arn)
      .sort();
  }

  private handler(): ServiceHandler {
    return {
      route: (req) => this.route(req),
      throttled: (operation) => this.faultAnswer(operation, throttling()),
      serverError: (operation) => this.faultAnswer(operation, serviceFailure()),
    };
  }

  private route(req: EmulatorRequest): Route | EmulatorResponse {
    // The SDKs POST a form body; the Query protocol also allows GET with a query string.
    const q = new QueryParams(req.method === 'GET' ? req.query.toString() : req.body);
    const action = q.action ?? '';
    const isSts = q.version === STS_VERSION;
    const handlers = isSts ? this.sts : this.iam;
    const namespace = isSts ? STS_NAMESPACE : IAM_NAMESPACE;
    const handler = Object.hasOwn(handlers, action) ? handlers[action] : undefined;
    if (!handler) {
      const error = new IamError(
        'InvalidAction',
        400,
        `Could not find operation ${action || '(no Action parameter)'} for version ${q.version ?? '(none)'}`,
      );
      return errorAnswer(namespace, error);
    }
    return {
      operation: action,
      mutating: MUTATING.test(action),
      handle: async () => {
        try {
          if (this.denied.has(action)) throw this.accessDenied(isSts ? 'sts' : 'iam', action, q);
          const id = requestId();
          return xmlAnswer(200, id, queryResponse(namespace, action, await handler(q), id));
        } catch (error) {
          if (error instanceof IamError) return errorAnswer(namespace, error);
          throw error;
        }
      },
    };
  }

  private accessDenied(service: string, action: string, q: QueryParams): IamError {
    const roleName = q.string('RoleName');
    const resource = roleName
      ? (this.state.anyRole(roleName)?.arn ?? this.state.roleArn('/', roleName))
      : (q.string('OpenIDConnectProviderArn') ?? '*');
    return accessDenied(
      `User: ${this.callerArn} is not authorized to perform: ${service}:${action} on resource: ${resource}`,
    );
  }

  private faultAnswer(operation: string, error: IamError): EmulatorResponse {
    return errorAnswer(Object.hasOwn(this.sts, operation) ? STS_NAMESPACE : IAM_NAMESPACE, error);
  }
}

/** The request id goes in the body and in x-amzn-RequestId, where the SDK's $metadata reads it. */
function xmlAnswer(status: number, id: string, body: string): EmulatorResponse {
  return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': id }, body };
}

function errorAnswer(namespace: string, error: IamError): EmulatorResponse {
  const id = requestId();
  return xmlAnswer(error.status, id, errorResponse(namespace, error, id));
}

function roleSnapshot(role: RoleRecord): RoleState {
  return {
    roleName: role.roleName,
    path: role.path,
    roleId: role.roleId,
    arn: role.arn,
    createDate: new Date(role.createDate),
    assumeRolePolicyDocument: role.assumeRolePolicyDocument,
    description: role.description,
    maxSessionDuration: role.maxSessionDuration,
    permissionsBoundary: role.permissionsBoundary,
    tags: role.tags.map((t) => ({ ...t })),
    inlinePolicies: Object.fromEntries(role.inlinePolicies),
    attachedPolicyArns: [...role.attachedPolicyArns],
    ...(role.lastUsed
      ? { lastUsed: { date: new Date(role.lastUsed.date), region: role.lastUsed.region } }
      : {}),
  };
}

function providerSnapshot(provider: OidcProviderRecord): OidcProviderState {
  return {
    arn: provider.arn,
    url: provider.url,
    clientIds: [...provider.clientIds],
    thumbprints: [...provider.thumbprints],
    tags: provider.tags.map((t) => ({ ...t })),
    createDate: new Date(provider.createDate),
  };
}
