// Real plans for rendering tests: a bindings file (text) through the loader, the compiler and the
// diff, against an observed state given as plain values. Issuer clusters only, so no I/O.
import { loadBindingsText } from '../../src/bindings/load.js';
import { compileDesiredState } from '../../src/desired/compile.js';
import { resolveClusters } from '../../src/engine/resolve-clusters.js';
import type { ObservedState } from '../../src/observed/types.js';
import { buildPlan } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/types.js';

export const EMPTY_OBSERVED: ObservedState = { roles: [], oidcProviders: [], clusters: [] };

export function bindingsYaml(bindings: string, owner = 'acme/platform-iam'): string {
  return [
    'version: 1',
    `owner: ${owner}`,
    'aws:',
    "  accountId: '123456789012'",
    'clusters:',
    '  prod:',
    '    issuer: https://oidc.example.com/id/ABC',
    '    kubernetes: { context: prod }',
    'bindings:',
    bindings,
  ].join('\n');
}

export async function planFor(
  yaml: string,
  observed: ObservedState = EMPTY_OBSERVED,
  path = 'workload-identity.yaml',
): Promise<Plan> {
  const { file, diagnostics } = loadBindingsText(yaml, path);
  if (!file)
    throw new Error(
      `fixture is invalid:\n${diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n')}`,
    );
  const { clusters } = await resolveClusters(file, { endpoint: 'http://127.0.0.1:9' });
  const desired = compileDesiredState(file, { accountId: '123456789012', clusters });
  const observedWithClusters: ObservedState = {
    ...observed,
    clusters: observed.clusters.length
      ? observed.clusters
      : clusters.map((c) => ({ key: c.key, serviceAccounts: [], existingNamespaces: ['default'] })),
  };
  return buildPlan({ desired, observed: observedWithClusters, bindingsFile: path }).plan;
}

export const S3_READER = `  - role: s3-reader
    description: Reads the assets bucket
    serviceAccounts:
      - { cluster: prod, namespace: default, name: app }
    managedPolicies:
      - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
    inlinePolicies:
      read-assets:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: arn:aws:s3:::assets/*`;
