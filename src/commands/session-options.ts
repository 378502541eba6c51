// Standard environment for the CLI: CPLN_TOKEN / CPLN_ENDPOINT for Control Plane clusters;
// KUBECONFIG and AWS_* are read by client-node and the AWS SDK themselves.
import type { SessionOptions } from '../engine/session.js';

export function sessionOptionsFromEnv(env: NodeJS.ProcessEnv): SessionOptions {
  return { controlPlaneToken: env.CPLN_TOKEN, controlPlaneEndpoint: env.CPLN_ENDPOINT };
}
