// IAM OIDC provider mutations for apply. Providers are shared by every role trusting the issuer, so
// apply only ever adds client ids (never removes ones others may use) and deletes only providers
// carrying our owner tag (the plan decides that).
import type { CreateOutcome } from './write-roles.js';
import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  DeleteOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
} from '@aws-sdk/client-iam';
import type { DesiredOidcProvider } from '../desired/types.js';
import { iamCall, isCode, type IamWriteContext } from './write-call.js';

const providerResource = (arn: string): string => `OIDC provider ${arn}`;

/**
 * Creates the provider with its client ids and our owner tag in one call. When it already exists
 * (created since the plan, or by an earlier run whose answer was lost) the missing client ids are
 * added instead. IAM fetches the issuer's TLS thumbprint itself; none is sent.
 */
export async function createOidcProvider(
  ctx: IamWriteContext,
  provider: DesiredOidcProvider,
): Promise<CreateOutcome> {
  const created = await iamCall(
    ctx,
    'CreateOpenIDConnectProvider',
    providerResource(provider.arn),
    () =>
      ctx.iam.send(
        new CreateOpenIDConnectProviderCommand({
          Url: provider.url,
          ClientIDList: provider.clientIds,
          Tags: Object.entries(provider.tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      ),
    { alreadyDone: isCode('EntityAlreadyExists') },
  );
  if (created !== undefined) return 'created';
  const existing = await iamCall(ctx, 'GetOpenIDConnectProvider', providerResource(provider.arn), () =>
    ctx.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: provider.arn })),
  );
  const present = existing?.ClientIDList ?? [];
  await addOidcClientIds(ctx, provider.arn, provider.clientIds, present);
  // Another run (or a lost answer of ours) created it; "existing" when it already had every id.
  return provider.clientIds.every((id) => present.includes(id)) ? 'existing' : 'finished';
}

/** Adds each wanted client id the provider lacks; IAM treats adding a present id as success. */
export async function addOidcClientIds(
  ctx: IamWriteContext,
  arn: string,
  wanted: string[],
  present: string[],
): Promise<void> {
  for (const clientId of wanted.filter((id) => !present.includes(id))) {
    await iamCall(
      ctx,
      'AddClientIDToOpenIDConnectProvider',
      `${providerResource(arn)}, client id ${clientId}`,
      () =>
        ctx.iam.send(
          new AddClientIDToOpenIDConnectProviderCommand({
            OpenIDConnectProviderArn: arn,
            ClientID: clientId,
          }),
        ),
    );
  }
}

export async function deleteOidcProvider(ctx: IamWriteContext, arn: string): Promise<void> {
  await iamCall(
    ctx,
    'DeleteOpenIDConnectProvider',
    providerResource(arn),
    () => ctx.iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })),
    {
      alreadyDone: isCode('NoSuchEntity'),
    },
  );
}
