// Stable resource addresses and matching keys. Addresses name a change in plans, comments and
// apply reports; keys decide which observed resource a desired one is compared with.
import type { ServiceAccountRef } from '../bindings/types.js';
import type { Json } from '../policy/types.js';
import type { FieldChange } from './types.js';

export function roleAddress(name: string): string {
  return `role.${name}`;
}

/** `https://Host/path/` → `host/path`: IAM stores provider URLs without the scheme; hosts ignore case. */
export function oidcProviderKey(url: string): string {
  const withoutScheme = url
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/+$/, '');
  const slash = withoutScheme.indexOf('/');
  return slash < 0
    ? withoutScheme.toLowerCase()
    : withoutScheme.slice(0, slash).toLowerCase() + withoutScheme.slice(slash);
}

/** `arn:aws:iam::123:oidc-provider/Host/path` → `123:host/path`: a provider ARN as IAM matches it. */
export function providerArnKey(arn: string): string {
  const match = /^arn:[^:]+:iam::(\d*):oidc-provider\/(.+)$/.exec(arn.trim());
  return match ? `${match[1]}:${oidcProviderKey(match[2])}` : arn.trim();
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
