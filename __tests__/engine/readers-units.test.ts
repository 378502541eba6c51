// The readers' pure parts: bounded concurrency, managedFields ownership, policy decoding and the
// Kubernetes error messages.
import { decodePolicyDocument } from '../../src/support/policy-document.js';
import { kubeCallError, transientKubeFailure, kubeFailure } from '../../src/kube/errors.js';
import { ownedKeys } from '../../src/kube/managed-fields.js';
import { mapWithConcurrency } from '../../src/support/concurrency.js';
import type { KubeTarget } from '../../src/kube/client.js';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';

test('mapWithConcurrency keeps order and never exceeds the limit', async () => {
  let inFlight = 0;
  let peak = 0;
  const out = await mapWithConcurrency([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    for (let i = 0; i < n; i++) await Promise.resolve();
    inFlight -= 1;
    return n * 10;
  });
  expect(out).toEqual([50, 10, 40, 20, 30, 0, 60]);
  expect(peak).toBe(3);
});

test('mapWithConcurrency stops starting work after a failure and throws the first error', async () => {
  const started: number[] = [];
  await expect(
    mapWithConcurrency([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      await Promise.resolve();
      if (n === 2) throw new Error('boom 2');
      return n;
    }),
  ).rejects.toThrow('boom 2');
  expect(started.length).toBeLessThan(6);
});

test('ownedKeys reads annotation and label keys of our field manager only', () => {
  const entries = [
    {
      manager: 'workload-identity-bindings',
      operation: 'Apply',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': {
          'f:annotations': {
            '.': {},
            'f:eks.amazonaws.com/role-arn': {},
            'f:workload-identity-bindings/owner': {},
          },
          'f:labels': { 'f:app.kubernetes.io/managed-by': {} },
        },
      },
    },
    {
      manager: 'kubectl-edit',
      operation: 'Update',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:annotations': { 'f:team': {} }, 'f:labels': { 'f:tier': {} } } },
    },
    {
      manager: 'workload-identity-bindings',
      operation: 'Update',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:secrets': {} },
    },
  ];
  expect(ownedKeys(entries, 'workload-identity-bindings')).toEqual({
    annotations: ['eks.amazonaws.com/role-arn', 'workload-identity-bindings/owner'],
    labels: ['app.kubernetes.io/managed-by'],
  });
  expect(ownedKeys([], 'workload-identity-bindings')).toEqual({ annotations: [], labels: [] });
});

test('decodePolicyDocument decodes IAM URL encoding and names a broken document', () => {
  const doc = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::b/100%' }],
  };
  expect(decodePolicyDocument(encodeURIComponent(JSON.stringify(doc)), 'x')).toEqual(doc);
  expect(() => decodePolicyDocument(encodeURIComponent('{"Version":'), 'trust policy of role app')).toThrow(
    /IAM returned a trust policy of role app that is not JSON/,
  );
});

function target(): KubeTarget {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'prod', server: 'https://k8s.example:6443', skipTLSVerify: false }],
    users: [{ name: 'u', token: 'secret-token' }],
    contexts: [{ name: 'prod', cluster: 'prod', user: 'u' }],
    currentContext: 'prod',
  });
  return { cluster: 'prod', api: kc.makeApiClient(CoreV1Api), server: 'https://k8s.example:6443' };
}

test('Kubernetes errors name the call, cluster, server and say what to do', () => {
  const forbidden = Object.assign(new Error('HTTP-Code: 403'), {
    code: 403,
    body: JSON.stringify({
      kind: 'Status',
      reason: 'Forbidden',
      message: 'serviceaccounts is forbidden: Bearer abc.def',
    }),
    headers: {},
  });
  const message = kubeCallError(target(), 'list serviceaccounts', forbidden).message;
  expect(message).toBe(
    'Kubernetes list serviceaccounts on cluster "prod" (https://k8s.example:6443) failed: 403 Forbidden (serviceaccounts is forbidden: Bearer [redacted]) — grant these credentials RBAC permission for the call',
  );
  const refused = new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
  });
  expect(kubeCallError(target(), 'get namespace', refused).message).toMatch(
    /failed: the API server is unreachable \(ECONNREFUSED\) — check the server address/,
  );
  expect(transientKubeFailure(kubeFailure(refused))).toBe('connection failed (ECONNREFUSED)');
  const tls = new TypeError('fetch failed', { cause: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } });
  expect(transientKubeFailure(kubeFailure(tls))).toBeUndefined();
  expect(kubeCallError(target(), 'get namespace', tls).message).toMatch(/TLS verification/);
  const refusedHttp = new Error('HTTP protocol is not allowed when skipTLSVerify is not set or false');
  expect(kubeCallError(target(), 'get namespace', refusedHttp).message).toBe(
    'Kubernetes get namespace on cluster "prod" (https://k8s.example:6443) failed: HTTP protocol is not allowed when skipTLSVerify is not set or false',
  );
  const throttled = { code: 429, body: '{}', headers: { 'retry-after': '2' } };
  expect(kubeFailure(throttled).retryAfterMs).toBe(2000);
  expect(transientKubeFailure(kubeFailure(throttled))).toMatch(/429/);
});
