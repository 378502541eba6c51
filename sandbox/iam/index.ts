// The IAM + STS emulator's public surface for tests, the bench and the demo.
export { IamEmulator, IAM_NAMESPACE, IAM_VERSION, DEFAULT_ACCOUNT_ID } from './emulator.js';
export type {
  IamEmulatorOptions,
  OidcProviderState,
  RoleState,
  SeedOidcProvider,
  SeedRole,
} from './emulator.js';
export { AWS_MANAGED_POLICIES } from './managed-policies.js';
export type { Tag } from './query.js';
