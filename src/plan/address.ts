// Stable resource addresses and matching keys. Addresses name a change in plans, comments and
// apply reports; keys decide which observed resource a desired one is compared with.
import type { ServiceAccountRef } from '../bindings/types.js';
import type { Json } from '../policy/types.js';
import type { FieldChange } from './types.js';

export function roleAddress(name: string): string {
  return `role.${name}`;
}

/**
 * `https://host/path/` → `host/path`: IAM stores provider URLs without the scheme. Case is kept,
 * host included: IAM documents provider URLs as case-sensitive ("The URL is case-sensitive",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html), so
 * `OIDC.example.com` and `oidc.example.com` are two providers, and a token's `iss` matches only one.
 */
export function oidcProviderKey(url: string): string {
  return url
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/+$/, '');
}

/**
 * `arn:aws:iam::123:oidc-provider/Host/path` → `123:host/path`, host lower-cased. Used only to ask
 * whether some role may still trust a provider we would delete: there the looser match errs on the
 * side of keeping the provider (a hand-written trust policy may spell the host in another case).
 */
export function providerArnKey(arn: string): string {
  const match = /^arn:[^:]+:iam::(\d*):oidc-provider\/(.+)$/.exec(arn.trim());
  if (!match) return arn.trim();
  const hostPath = oidcProviderKey(match[2]);
  const slash = hostPath.indexOf('/');
  const host = slash < 0 ? hostPath : hostPath.slice(0, slash);
  return `${match[1]}:${host.toLowerCase()}${hostPath.slice(host.length)}`;
}

export function oidcProviderAddress(url: string): string {
  return `oidc-provider.${oidcProviderKey(url)}`;
}

export function serviceAccountKey(ref: ServiceAccountRef): string {
  return `${ref.cluster}/${ref.namespace}/${ref.name}`;
}

export function serviceAccountAddress(ref: ServiceAccountRef): string {
  return `service-account.${serviceAccountKey(ref)}`;
}

/** A FieldChange without undefined members, so plans serialise and hash the same way everywhere. */
export function fieldChange(
  field: string,
  before: Json | undefined,
  after: Json | undefined,
  broadensAccess = false,
): FieldChange {
  const change: FieldChange = { field };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  if (broadensAccess) change.broadensAccess = true;
  return change;
}
