// Desired IAM OIDC providers against observed ones. Providers are shared: other tools and other
// owners' roles may trust the same issuer. So we only ever ADD client ids, ignore tag differences,
// and delete a provider only when it carries our owner tag, no cluster in the file needs it, and no
// role outside this file trusts it (the plan reads every role in the account for that).
import { compareStrings } from '../support/order.js';
import type { DesiredOidcProvider, DesiredState } from '../desired/types.js';
import type { ObservedOidcProvider, ObservedState } from '../observed/types.js';
import { OWNER_TAG, isOurs } from '../support/ownership.js';
import { fieldChange, oidcProviderAddress, oidcProviderKey, providerArnKey } from './address.js';
import type { FieldChange, OidcProviderChange, PlanWarning } from './types.js';

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

export interface OidcProviderDiff {
  changes: OidcProviderChange[];
  /** Providers we own and no longer need, kept because others may still trust them. */
  kept: PlanWarning[];
}

/**
 * Roles that would be left trusting a deleted provider: every role federating to it except the
 * file's own and our owner's (those are updated or deleted by the same plan). Undefined when not
 * every role in the account could be read.
 */
function otherTrustingRoles(
  provider: ObservedOidcProvider,
  desired: DesiredState,
  observed: Pick<ObservedState, 'roles' | 'providerTrust'>,
): string[] | undefined {
  const trust = observed.providerTrust;
  if (trust && !trust.complete) return undefined;
  const ours = new Set(desired.roles.map((role) => role.name.toLowerCase()));
  for (const role of observed.roles) if (isOurs(role.tags, desired.owner)) ours.add(role.name.toLowerCase());
  // Host case ignored here on purpose: a looser match only keeps a provider that might be trusted.
  const key = providerArnKey(provider.arn);
  const trusting = Object.entries(trust?.rolesByProvider ?? {})
    .filter(([arn]) => providerArnKey(arn) === key)
    .flatMap(([, roles]) => roles);
  return sorted(trusting.filter((name) => !ours.has(name.toLowerCase())));
}

function keptMessage(provider: ObservedOidcProvider, others: string[] | undefined): string {
  const issuer = oidcProviderKey(provider.url);
  if (others === undefined)
    return `no cluster in the file uses issuer ${issuer} any more, but its OIDC provider is kept: not every role in the account could be read (GetAccountAuthorizationDetails was denied), so roles outside this file may still trust it. Allow iam:GetAccountAuthorizationDetails to let the plan check, or delete the provider by hand.`;
  const shown = others.slice(0, 20).join(', ');
  const more = others.length > 20 ? ` and ${others.length - 20} more` : '';
  return `no cluster in the file uses issuer ${issuer} any more, but its OIDC provider is kept: ${others.length} role${others.length === 1 ? '' : 's'} outside this file still trust${others.length === 1 ? 's' : ''} it (${shown}${more}). Deleting it would break ${others.length === 1 ? 'that role' : 'those roles'}; it is deleted once none does.`;
}

export function diffOidcProviders(
  desired: DesiredState,
  observed: Pick<ObservedState, 'roles' | 'oidcProviders' | 'providerTrust'>,
): OidcProviderDiff {
  const byKey = new Map(observed.oidcProviders.map((provider) => [oidcProviderKey(provider.url), provider]));
  const changes = desired.oidcProviders.map((provider) =>
    compareDesired(provider, byKey.get(oidcProviderKey(provider.url))),
  );
  const kept: PlanWarning[] = [];
  const wanted = new Set(desired.oidcProviders.map((provider) => oidcProviderKey(provider.url)));
  for (const provider of observed.oidcProviders) {
    if (wanted.has(oidcProviderKey(provider.url)) || !isOurs(provider.tags, desired.owner)) continue;
    const others = otherTrustingRoles(provider, desired, observed);
    if (others === undefined || others.length > 0) {
      kept.push({
        code: 'oidc-provider-kept',
        address: oidcProviderAddress(provider.url),
        message: keptMessage(provider, others),
      });
      continue;
    }
    changes.push({
      kind: 'oidc-provider',
      address: oidcProviderAddress(provider.url),
      action: 'delete',
      reason: `no cluster in the file uses this issuer any more and no role outside this file trusts it; it carries our ${OWNER_TAG} tag`,
      fields: [
        fieldChange('url', provider.url, undefined),
        fieldChange('clientIds', sorted(provider.clientIds), undefined),
      ],
      before: provider,
      after: null,
    });
  }
  return { changes, kept };
}
