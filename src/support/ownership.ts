// The marks that say a resource is ours. A role is ours only when its owner tag equals the file's
// owner; a ServiceAccount only with our managed-by label and owner annotation (a label value cannot
// hold the "/" that owners usually contain).
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
