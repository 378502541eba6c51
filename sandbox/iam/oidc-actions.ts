// IAM OpenID Connect provider actions. IAM keys a provider by its URL without the scheme:
// https://oidc.example.com/id/X becomes arn:aws:iam::ACCOUNT:oidc-provider/oidc.example.com/id/X,
// and GetOpenIDConnectProvider answers the URL without https://.
import type { ActionHandler, IamContext } from './context.js';
import { entityAlreadyExists, invalidInput, limitExceeded } from './errors.js';
import { paginate } from './paging.js';
import type { QueryParams } from './query.js';
import { tagList } from './render.js';
import { checkTags, mergeTags, rejectViolations, removeTags, sortedTags, checkMaxItems } from './validate.js';
import { field, isoDate, members, stringMembers } from './xml.js';

const MAX_CLIENT_IDS = 100;
const MAX_THUMBPRINTS = 5;
const PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/;

function clientIdChecks(ids: string[], member: string): string[] {
  return ids.flatMap((id) =>
    id.length < 1 || id.length > 255
      ? [
          `Value '${id}' at '${member}' failed to satisfy constraint: Member must have length between 1 and 255`,
        ]
      : [],
  );
}

function thumbprintChecks(thumbprints: string[]): string[] {
  const problems = thumbprints.flatMap((t, i) =>
    t.length === 40
      ? []
      : [
          `Value '${t}' at 'thumbprintList.${i + 1}.member' failed to satisfy constraint: Member must have length 40`,
        ],
  );
  if (thumbprints.length > MAX_THUMBPRINTS) {
    problems.push(
      `Value '[${thumbprints.join(', ')}]' at 'thumbprintList' failed to satisfy constraint: Member must have length less than or equal to ${MAX_THUMBPRINTS}`,
    );
  }
  return problems;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

export function oidcActions(ctx: IamContext): Record<string, ActionHandler> {
  const { state } = ctx;

  const providerArn = (q: QueryParams): string => {
    const arn = q.required('OpenIDConnectProviderArn');
    if (!PROVIDER_ARN.test(arn)) throw invalidInput(`ARN ${arn} is not valid.`);
    return arn;
  };

  return {
    CreateOpenIDConnectProvider: (q) => {
      const url = q.required('Url');
      const clientIds = unique(q.list('ClientIDList'));
      const thumbprints = unique(q.list('ThumbprintList'));
      const tags = q.tags();
      rejectViolations(
        url.length < 1 || url.length > 255
          ? [
              `Value '${url}' at 'url' failed to satisfy constraint: Member must have length between 1 and 255`,
            ]
          : [],
        clientIdChecks(clientIds, 'clientIDList'),
        thumbprintChecks(thumbprints),
      );
      checkTags(tags, 'sensitive');
      if (!/^https:\/\/[^/\s]+/i.test(url))
        throw invalidInput(
          `Invalid OpenID Connect provider URL ${url}: it must begin with https:// and name a host.`,
        );
      if (clientIds.length > MAX_CLIENT_IDS)
        throw limitExceeded(`Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${MAX_CLIENT_IDS}`);
      const stored = url.replace(/^https:\/\//i, '');
      const arn = state.providerArn(stored);
      if (state.anyProvider(arn))
        throw entityAlreadyExists(`Provider with url https://${stored} already exists.`);
      const now = state.clock();
      state.putProvider({
        arn,
        url: stored,
        clientIds,
        thumbprints,
        tags: tags.map((t) => ({ ...t })),
        createDate: now,
        visibleFrom: now + ctx.newOidcProviderInvisibleForMs,
      });
      return field('OpenIDConnectProviderArn', arn) + (tags.length > 0 ? tagList(sortedTags(tags)) : '');
    },

    GetOpenIDConnectProvider: (q) => {
      const provider = state.provider(providerArn(q));
      return (
        field('Url', provider.url) +
        stringMembers('ClientIDList', provider.clientIds) +
        stringMembers('ThumbprintList', provider.thumbprints) +
        field('CreateDate', isoDate(provider.createDate)) +
        tagList(provider.tags)
      );
    },

    ListOpenIDConnectProviders: () =>
      members(
        'OpenIDConnectProviderList',
        state
          .visibleProviders()
          .map((p) => p.arn)
          .sort()
          .map((arn) => field('Arn', arn)),
      ),

    // Idempotent in IAM: deleting a provider that does not exist succeeds.
    DeleteOpenIDConnectProvider: (q) => {
      state.deleteProvider(providerArn(q));
      return undefined;
    },

    AddClientIDToOpenIDConnectProvider: (q) => {
      const provider = state.provider(providerArn(q));
      const clientId = q.required('ClientID');
      rejectViolations(clientIdChecks([clientId], 'clientID'));
      if (provider.clientIds.includes(clientId)) return undefined;
      if (provider.clientIds.length >= MAX_CLIENT_IDS)
        throw limitExceeded(`Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${MAX_CLIENT_IDS}`);
      provider.clientIds.push(clientId);
      return undefined;
    },

    // Idempotent in IAM: removing a client id the provider does not have succeeds.
    RemoveClientIDFromOpenIDConnectProvider: (q) => {
      const provider = state.provider(providerArn(q));
      const clientId = q.required('ClientID');
      provider.clientIds = provider.clientIds.filter((id) => id !== clientId);
      return undefined;
    },

    UpdateOpenIDConnectProviderThumbprint: (q) => {
      const provider = state.provider(providerArn(q));
      const thumbprints = unique(q.list('ThumbprintList'));
      rejectViolations(thumbprintChecks(thumbprints));
      provider.thumbprints = thumbprints;
      return undefined;
    },

    TagOpenIDConnectProvider: (q) => {
      const provider = state.provider(providerArn(q));
      const tags = q.tags();
      checkTags(tags, 'sensitive');
      provider.tags = mergeTags(provider.tags, tags, 'TagsPerOpenIdConnectProvider', 'sensitive');
      return undefined;
    },

    UntagOpenIDConnectProvider: (q) => {
      const provider = state.provider(providerArn(q));
      provider.tags = removeTags(provider.tags, q.list('TagKeys'), 'sensitive');
      return undefined;
    },

    ListOpenIDConnectProviderTags: (q) => {
      const provider = state.provider(providerArn(q));
      const maxItems = q.integer('MaxItems');
      rejectViolations(checkMaxItems(maxItems));
      const page = paginate(sortedTags(provider.tags), (t) => t.Key, q.string('Marker'), maxItems);
      return tagList(page.items) + page.trailer;
    },
  };
}
