// An IAM role's attributes, the one shape desired state, observed state and the role writer share,
// so the diff compares like with like and a new attribute is added in one place.
import type { PolicyDocument } from './types.js';

export interface RoleAttributes {
  name: string;
  path: string;
  arn: string;
  description?: string;
  maxSessionDuration: number;
  permissionsBoundary?: string;
  /** Parsed (IAM's URL-encoded form already decoded). */
  trustPolicy: PolicyDocument;
  /** Managed policy ARNs, sorted. */
  managedPolicies: string[];
  /** Inline policies by name, sorted by name. */
  inlinePolicies: Record<string, PolicyDocument>;
  /** Desired state includes the owner tag. */
  tags: Record<string, string>;
}
