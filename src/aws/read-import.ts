// Reads what `workload-identity import` turns into a bindings file, within the plan's read budget:
// every role whose trust policy federates to an IAM OIDC provider (GetAccountAuthorizationDetails
// pages), their descriptions and maximum session durations (one ListRoles page set: GAAD lacks
// both) and the OIDC providers of the account (ListOpenIDConnectProviders, ARNs only).
//
// IAM calls, R = roles in the account: ⌈R/1000⌉ GAAD + ⌈R/1000⌉ ListRoles + 1.
import {
  ListOpenIDConnectProvidersCommand,
  paginateGetAccountAuthorizationDetails,
  type IAMClient,
  type RoleDetail,
} from '@aws-sdk/client-iam';
import type { ObservedRole } from '../observed/types.js';
import type { CallObserver } from '../support/concurrency.js';
import { iamCallError } from './errors.js';
import { fromRoleDetail, listRolesUnderPath, PAGE_SIZE, roleSettings } from './read-roles.js';

export interface ImportRead {
  /** Roles whose trust policy names an OIDC provider, sorted by name. */
  roles: ObservedRole[];
  /** ARNs of the account's OIDC providers. */
  providerArns: string[];
}

export async function readImportCandidates(
  iam: IAMClient,
  options: { onCall?: CallObserver } = {},
): Promise<ImportRead> {
  const onCall = options.onCall ?? (() => undefined);
  const details: RoleDetail[] = [];
  try {
    for await (const page of paginateGetAccountAuthorizationDetails(
      { client: iam, pageSize: PAGE_SIZE },
      { Filter: ['Role'] },
    )) {
      onCall('GetAccountAuthorizationDetails');
      for (const d of page.RoleDetailList ?? [])
        if ((d.AssumeRolePolicyDocument ?? '').includes('oidc-provider')) details.push(d);
    }
  } catch (error) {
    onCall('GetAccountAuthorizationDetails');
    throw iamCallError('GetAccountAuthorizationDetails', undefined, error);
  }
  const settings = new Map(
    (details.length ? await listRolesUnderPath(iam, '/', onCall) : []).map((r) => [
      (r.RoleName ?? '').toLowerCase(),
      roleSettings(r),
    ]),
  );
  let providerArns: string[];
  try {
    onCall('ListOpenIDConnectProviders');
    const answer = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    providerArns = (answer.OpenIDConnectProviderList ?? []).map((p) => p.Arn ?? '').filter(Boolean);
  } catch (error) {
    throw iamCallError('ListOpenIDConnectProviders', undefined, error);
  }
  const roles = details
    .map((d) =>
      fromRoleDetail(d, settings.get((d.RoleName ?? '').toLowerCase()) ?? { maxSessionDuration: 3600 }),
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { roles, providerArns: providerArns.sort() };
}
