// The marks that say a resource is ours. A role is ours only when its owner tag equals the file's
// owner; a ServiceAccount only with our managed-by label and owner annotation (a label value cannot
// hold the "/" that owners usually contain).
import { tagValue } from './tags.js';
export const OWNER_TAG = 'workload-identity-bindings/owner';
export const OWNER_ANNOTATION = 'workload-identity-bindings/owner';
export const CREATED_ANNOTATION = 'workload-identity-bindings/created';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'workload-identity-bindings';
export const MANAGED_BY_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
/** Server-side apply field manager for every ServiceAccount write. */
export const FIELD_MANAGER = 'workload-identity-bindings';
export const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
export const DEFAULT_ROLE_PATH = '/workload-identity/';
export const DEFAULT_BINDINGS_FILE = 'workload-identity.yaml';

/**
 * The owner a role's or OIDC provider's tags name, if any. The one case rule: the tag KEY is found
 * ignoring case (IAM keeps one key per spelling-insensitive name on roles and providers), the
 * VALUE is compared exactly (IAM tag values are case-sensitive, so `Team/A` is not `team/a`).
 */
export function ownerOf(tags: Record<string, string>): string | undefined {
  return tagValue(tags, OWNER_TAG);
}

/** Whether tags mark the resource as `owner`'s (exact value). */
export function isOurs(tags: Record<string, string>, owner: string): boolean {
  return ownerOf(tags) === owner;
}

/** Whether `key` is the owner tag's key, in any spelling IAM treats as the same. */
export function isOwnerTagKey(key: string): boolean {
  return key.toLowerCase() === OWNER_TAG.toLowerCase();
}
