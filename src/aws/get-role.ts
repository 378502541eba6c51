// One GetRole, reduced to what verify and the plan's last-used notes need: the trust policy as
// IAM holds it and RoleLastUsed (absent when IAM has no record of the role being used).
import { GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { JsonObject } from '../support/json.js';
import { decodePolicyDocument } from '../support/policy-document.js';
import { iamCallError, isNoSuchEntity } from './errors.js';

export interface RoleUsage {
  arn: string;
  trustPolicy: JsonObject;
  lastUsed?: { date: Date; region?: string };
}

/** The role, or undefined when it does not exist; other failures throw an error naming the call. */
export async function getRoleUsage(iam: IAMClient, roleName: string): Promise<RoleUsage | undefined> {
  try {
    const { Role: role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    if (!role) return undefined;
    const used = role.RoleLastUsed;
    return {
      arn: role.Arn ?? '',
      trustPolicy: decodePolicyDocument(role.AssumeRolePolicyDocument ?? '{}', `trust policy of ${roleName}`),
      ...(used?.LastUsedDate ? { lastUsed: { date: used.LastUsedDate, region: used.Region } } : {}),
    };
  } catch (error) {
    if (isNoSuchEntity(error)) return undefined;
    throw iamCallError('GetRole', roleName, error);
  }
}
