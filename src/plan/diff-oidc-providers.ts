// Desired IAM OIDC providers against observed ones. Providers are shared: other tools and other
// owners' roles may trust the same issuer. So we only ever ADD client ids, ignore tag differences,
// and delete a provider only when it carries our owner tag and no cluster in the file needs it.
import { compareStrings } from '../support/order.js';
import type { DesiredOidcProvider, DesiredState } from '../desired/types.js';
import type { ObservedOidcProvider } from '../observed/types.js';
import { OWNER_TAG, isOurs } from '../support/ownership.js';
import { fieldChange, oidcProviderAddress, oidcProviderKey } from './address.js';
import type { FieldChange, OidcProviderChange } from './types.js';

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareStrings);
}

function compareDesired(
  desired: DesiredOidcProvider,
  observed: ObservedOidcProvider | undefined,
): OidcProviderChange {
  const base = { kind: 'oidc-provider' as const, address: oidcProviderAddress(desired.url) };
  if (!observed) {
    // A new issuer lets tokens from one more cluster reach IAM: reviewers see it first.
    const fields: FieldChange[] = [
      fieldChange('url', undefined, desired.url, true),
      fieldChange('clientIds', undefined, sorted(desired.clientIds)),
      ...Object.keys(desired.tags)
        .sort(compareStrings)
        .map((key) => fieldChange(`tags.${key}`, undefined, desired.tags[key])),
    ];
    return { ...base, action: 'create', fields, before: null, after: desired };
  }
  const present = sorted(observed.clientIds);
  const missing = desired.clientIds.filter((id) => !present.includes(id));
  if (missing.length === 0) return { ...base, action: 'no-op', fields: [], before: observed, after: desired };
  const fields = [fieldChange('clientIds', present, sorted([...present, ...missing]), true)];
  return { ...base, action: 'update', fields, before: observed, after: desired };
}

export function diffOidcProviders(
  desired: DesiredState,
  observed: ObservedOidcProvider[],
): OidcProviderChange[] {
  const byKey = new Map(observed.map((provider) => [oidcProviderKey(provider.url), provider]));
  const changes = desired.oidcProviders.map((provider) =>
    compareDesired(provider, byKey.get(oidcProviderKey(provider.url))),
  );
  const wanted = new Set(desired.oidcProviders.map((provider) => oidcProviderKey(provider.url)));
  for (const provider of observed) {
    if (wanted.has(oidcProviderKey(provider.url)) || !isOurs(provider.tags, desired.owner)) continue;
    changes.push({
      kind: 'oidc-provider',
      address: oidcProviderAddress(provider.url),
      action: 'delete',
      reason: `no cluster in the file uses this issuer any more; it carries our ${OWNER_TAG} tag`,
      fields: [
        fieldChange('url', provider.url, undefined),
        fieldChange('clientIds', sorted(provider.clientIds), undefined),
      ],
      before: provider,
      after: null,
    });
  }
  return changes;
}
