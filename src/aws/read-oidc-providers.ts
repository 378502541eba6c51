// Reads the IAM OIDC providers the plan needs: those for the issuers the file uses, and those
// carrying our owner tag (so a provider we created for an issuer that left the file can be deleted).
//
// ListOpenIDConnectProviders returns ARNs only; URL, audiences and tags need one
// GetOpenIDConnectProvider each (it returns Tags, so ListOpenIDConnectProviderTags is never needed).
// Finding every owner-tagged provider therefore costs one Get per provider in the account. The
// trade-off: when the account holds at most SMALL_ACCOUNT_PROVIDERS providers, all are read and
// owned leftovers are found; above that only the wanted ones are read, and owned providers for
// issuers no longer in the file are not seen (they stay until the account is smaller or they are
// deleted by hand).
//
// IAM calls, N = providers in the account, W = wanted providers that exist:
//   1 + (N ≤ 20 ? N : W)
import {
  GetOpenIDConnectProviderCommand,
  ListOpenIDConnectProvidersCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { ownerOf } from '../support/ownership.js';
import type { ObservedOidcProvider } from '../observed/types.js';
import { DEFAULT_CONCURRENCY, mapWithConcurrency, type CallObserver } from '../support/concurrency.js';
import { iamCallError, isNoSuchEntity } from './errors.js';
import { tagRecord } from './tags.js';

/** Up to this many providers in the account, every one is read so owned leftovers are found. */
export const SMALL_ACCOUNT_PROVIDERS = 20;

export interface OidcProviderQuery {
  concurrency?: number;
  onCall?: CallObserver;
}

/** `wantedUrls`: issuer URLs (`https://host/path`, with or without the scheme). */
export async function readOidcProviders(
  iam: IAMClient,
  wantedUrls: string[],
  options: OidcProviderQuery = {},
): Promise<ObservedOidcProvider[]> {
  const onCall = options.onCall ?? (() => undefined);
  const wanted = new Set(wantedUrls.map(hostPathKey));

  let arns: string[];
  try {
    onCall('ListOpenIDConnectProviders');
    const answer = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    arns = (answer.OpenIDConnectProviderList ?? []).map((p) => p.Arn ?? '').filter((a) => a !== '');
  } catch (error) {
    throw iamCallError('ListOpenIDConnectProviders', undefined, error);
  }

  const readAll = arns.length <= SMALL_ACCOUNT_PROVIDERS;
  const toRead = readAll ? arns : arns.filter((arn) => wanted.has(hostPathKey(arnHostPath(arn))));
  const read = await mapWithConcurrency(toRead, options.concurrency ?? DEFAULT_CONCURRENCY, (arn) =>
    getProvider(iam, arn, onCall),
  );
  return read
    .filter((p): p is ObservedOidcProvider => p !== undefined)
    .filter((p) => wanted.has(hostPathKey(p.url)) || ownerOf(p.tags) !== undefined)
    .sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
}

async function getProvider(
  iam: IAMClient,
  arn: string,
  onCall: CallObserver,
): Promise<ObservedOidcProvider | undefined> {
  try {
    onCall('GetOpenIDConnectProvider');
    const answer = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    const hostPath = answer.Url ? stripScheme(answer.Url) : arnHostPath(arn);
    return {
      arn,
      url: `https://${hostPath}`,
      clientIds: [...(answer.ClientIDList ?? [])].sort(),
      tags: tagRecord(answer.Tags ?? []),
    };
  } catch (error) {
    // Deleted between the list and the get.
    if (isNoSuchEntity(error)) return undefined;
    throw iamCallError('GetOpenIDConnectProvider', arn, error);
  }
}

/** `arn:aws:iam::123:oidc-provider/host/path` → `host/path`. */
function arnHostPath(arn: string): string {
  const marker = ':oidc-provider/';
  const at = arn.indexOf(marker);
  return at < 0 ? arn : arn.slice(at + marker.length);
}

function stripScheme(url: string): string {
  return url.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
}

/** Comparison key for an issuer: no scheme, no trailing slash, host lower-cased (paths keep case). */
function hostPathKey(url: string): string {
  const hostPath = stripScheme(url);
  const slash = hostPath.indexOf('/');
  return slash < 0 ? hostPath.toLowerCase() : hostPath.slice(0, slash).toLowerCase() + hostPath.slice(slash);
}
