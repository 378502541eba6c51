// What verify asks of a cluster: a short-lived token for one ServiceAccount, as the kubelet gets for
// a projected volume (POST …/serviceaccounts/NAME/token; RBAC `create` on `serviceaccounts/token`),
// and the ServiceAccount's role-arn annotation, which is what the pod webhook reads (`get`).
import { ROLE_ARN_ANNOTATION } from '../support/ownership.js';
import type { KubeTarget } from './client.js';
import { kubeFailure, type KubeFailure } from './errors.js';

/** Ten minutes: the shortest lifetime the API server grants. */
export const VERIFY_TOKEN_SECONDS = 600;

export type TokenResult = { ok: true; token: string } | { ok: false; failure: KubeFailure };

export async function requestServiceAccountToken(
  target: KubeTarget,
  namespace: string,
  name: string,
  audience: string,
): Promise<TokenResult> {
  try {
    const answer = await target.api.createNamespacedServiceAccountToken({
      namespace,
      name,
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { audiences: [audience], expirationSeconds: VERIFY_TOKEN_SECONDS },
      },
    });
    const token = answer.status?.token;
    if (!token) return { ok: false, failure: { message: 'the TokenRequest answer carries no status.token' } };
    return { ok: true, token };
  } catch (error) {
    return { ok: false, failure: kubeFailure(error) };
  }
}

export type RoleArnAnnotation =
  { ok: true; roleArn: string | undefined } | { ok: false; failure: KubeFailure };

export async function readRoleArnAnnotation(
  target: KubeTarget,
  namespace: string,
  name: string,
): Promise<RoleArnAnnotation> {
  try {
    const sa = await target.api.readNamespacedServiceAccount({ namespace, name });
    return { ok: true, roleArn: sa.metadata?.annotations?.[ROLE_ARN_ANNOTATION] };
  } catch (error) {
    return { ok: false, failure: kubeFailure(error) };
  }
}
