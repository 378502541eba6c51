// The emulated account's IAM entities in memory: roles (unique by name, case-insensitively) and
// OIDC providers (unique by URL, case-sensitively), with the moment each becomes visible to reads, so
// IAM's eventual consistency after a create can be reproduced.
//
// Case rules, and where they come from:
// - Role names are unique ignoring case: "Names are not distinguished by case. For example, you
//   cannot create resources named both "MyResource" and "myresource"."
//   (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html, and "IAM name
//   requirements" in https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
// - Looking a role up by a name in another case (GetRole RoleName=X2 for a role named x2): no IAM
//   page says whether that finds the role. Until one does, the emulator takes the stricter reading
//   and answers NoSuchEntity, so a client that addresses a role by any spelling but IAM's own fails
//   here (as it might in IAM) instead of passing by luck.
// - OIDC provider URLs: "The URL is case-sensitive."
//   (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html), so two
//   URLs that differ only in host case are two providers; a token's `iss` must equal one exactly.
import { seededRandom } from '../core/faults.js';
import { noSuchEntity } from './errors.js';
import type { Tag } from './query.js';

export interface RoleRecord {
  roleName: string;
  path: string;
  roleId: string;
  arn: string;
  /** Epoch milliseconds. */
  createDate: number;
  /** Kept exactly as submitted; answers carry it URL-encoded. */
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  permissionsBoundary?: string;
  tags: Tag[];
  /** Policy name → document as submitted, in insertion order. */
  inlinePolicies: Map<string, string>;
  attachedPolicyArns: string[];
  lastUsed?: { date: number; region: string };
  /** Reads before this instant (epoch ms) answer as if the role did not exist yet. */
  visibleFrom: number;
}

export interface OidcProviderRecord {
  arn: string;
  /** Without the `https://` scheme, as IAM returns it. */
  url: string;
  clientIds: string[];
  thumbprints: string[];
  tags: Tag[];
  createDate: number;
  visibleFrom: number;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export class IamState {
  readonly accountId: string;
  readonly clock: () => number;
  private readonly roles = new Map<string, RoleRecord>();
  private readonly providers = new Map<string, OidcProviderRecord>();
  private sorted: RoleRecord[] | undefined;
  private readonly random: () => number;

  constructor(accountId: string, clock: () => number, seed: number) {
    this.accountId = accountId;
    this.clock = clock;
    this.random = seededRandom(seed);
  }

  /** Unique ids shaped like IAM's: a four-letter prefix (AROA for roles) and 17 characters. */
  newId(prefix: string): string {
    let id = prefix;
    for (let i = 0; i < 17; i += 1) id += ID_ALPHABET[Math.floor(this.random() * ID_ALPHABET.length)];
    return id;
  }

  roleArn(path: string, name: string): string {
    return `arn:aws:iam::${this.accountId}:role${path}${name}`;
  }

  /** The role whatever its visibility: uniqueness checks see roles reads cannot see yet. */
  anyRole(name: string): RoleRecord | undefined {
    return this.roles.get(name.toLowerCase());
  }

  /** The role named exactly `name` (IAM's spelling) once visible; another case finds nothing. */
  visibleRole(name: string): RoleRecord | undefined {
    const role = this.roles.get(name.toLowerCase());
    return role && role.roleName === name && role.visibleFrom <= this.clock() ? role : undefined;
  }

  role(name: string): RoleRecord {
    const role = this.visibleRole(name);
    if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`);
    return role;
  }

  putRole(role: RoleRecord): void {
    this.roles.set(role.roleName.toLowerCase(), role);
    this.sorted = undefined;
  }

  deleteRole(name: string): boolean {
    this.sorted = undefined;
    return this.roles.delete(name.toLowerCase());
  }

  /** Visible roles ordered by lower-cased name, the key list markers point into. */
  sortedRoles(): RoleRecord[] {
    this.sorted ??= [...this.roles.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, role]) => role);
    const now = this.clock();
    return this.sorted.filter((role) => role.visibleFrom <= now);
  }

  allRoleNames(): string[] {
    return [...this.roles.values()].map((r) => r.roleName);
  }

  /** Finds a role by ARN (trust policies name roles by ARN); the path must match too. */
  roleByArn(arn: string): RoleRecord | undefined {
    const name = arn.slice(arn.lastIndexOf('/') + 1);
    const role = this.visibleRole(name);
    return role && role.arn === arn ? role : undefined;
  }

  providerArn(url: string): string {
    return `arn:aws:iam::${this.accountId}:oidc-provider/${url}`;
  }

  anyProvider(arn: string): OidcProviderRecord | undefined {
    return this.providers.get(arn);
  }

  visibleProvider(arn: string): OidcProviderRecord | undefined {
    const provider = this.providers.get(arn);
    return provider && provider.visibleFrom <= this.clock() ? provider : undefined;
  }

  provider(arn: string): OidcProviderRecord {
    const provider = this.visibleProvider(arn);
    if (!provider) throw noSuchEntity(`OpenIDConnect Provider not found for arn ${arn}`);
    return provider;
  }

  putProvider(provider: OidcProviderRecord): void {
    this.providers.set(provider.arn, provider);
  }

  deleteProvider(arn: string): boolean {
    return this.providers.delete(arn);
  }

  visibleProviders(): OidcProviderRecord[] {
    const now = this.clock();
    return [...this.providers.values()].filter((p) => p.visibleFrom <= now);
  }

  allProviders(): OidcProviderRecord[] {
    return [...this.providers.values()];
  }
}
