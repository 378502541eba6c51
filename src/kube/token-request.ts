// TokenRequest: a short-lived token for one ServiceAccount, as the kubelet gets for a projected
// volume (POST …/serviceaccounts/NAME/token). Needs RBAC `create` on `serviceaccounts/token`.
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
