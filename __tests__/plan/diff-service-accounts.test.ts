import { diffState } from '../../src/plan/diff.js';
import type { ServiceAccountChange } from '../../src/plan/types.js';
import {
  CREATED_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  OWNER_ANNOTATION,
  ROLE_ARN_ANNOTATION,
} from '../../src/support/ownership.js';
import type { DesiredServiceAccount } from '../../src/desired/types.js';
import type { ObservedCluster, ObservedServiceAccount } from '../../src/observed/types.js';
import {
  cluster,
  desiredServiceAccount,
  desiredState,
  observedCluster,
  observedServiceAccount,
  observedState,
  OWNER,
} from '../builders.js';

function diffSas(
  desired: DesiredServiceAccount[],
  observed: ObservedServiceAccount[],
  clusters?: ObservedCluster[],
) {
  const result = diffState(
    desiredState({ serviceAccounts: desired }),
    observedState({ clusters: clusters ?? [observedCluster(observed)] }),
  );
  return {
    ...result,
    sas: result.changes.filter((c): c is ServiceAccountChange => c.kind === 'service-account'),
  };
}

const ROLE_ARN = 'arn:aws:iam::123456789012:role/workload-identity/app';

describe('ServiceAccounts we manage', () => {
  test('a missing ServiceAccount is created (created = true) with our annotations and label', () => {
    const sa = desiredServiceAccount('app');
    const { sas } = diffSas([sa], []);
    expect(sas).toEqual([
      {
        kind: 'service-account',
        address: 'service-account.prod/default/app',
        action: 'create',
        created: true,
        before: null,
        after: sa,
        fields: [
          { field: `annotations.${ROLE_ARN_ANNOTATION}`, after: ROLE_ARN },
          // Apply writes this marker on what it creates, so the plan shows it too.
          { field: `annotations.${CREATED_ANNOTATION}`, after: 'true' },
          { field: `annotations.${OWNER_ANNOTATION}`, after: OWNER },
          { field: `labels.${MANAGED_BY_LABEL}`, after: MANAGED_BY_VALUE },
        ],
      },
    ]);
  });

  test('ours and equal on our keys is a no-op, whatever else the ServiceAccount carries', () => {
    const sa = desiredServiceAccount('app');
    const observed = observedServiceAccount(sa, { extraAnnotations: { 'helm.sh/chart': 'x' } });
    const { sas } = diffSas([sa], [observed]);
    expect(sas.map((c) => [c.action, c.created, c.fields])).toEqual([['no-op', true, []]]);
  });

  test('ours with another role ARN is updated; created follows the created annotation', () => {
    const sa = desiredServiceAccount('app');
    const observed = observedServiceAccount(sa, { created: false });
    observed.annotations[ROLE_ARN_ANNOTATION] = 'arn:aws:iam::123456789012:role/old';
    const { sas } = diffSas([sa], [observed]);
    expect(sas[0]).toMatchObject({
      action: 'update',
      created: false,
      fields: [
        {
          field: `annotations.${ROLE_ARN_ANNOTATION}`,
          before: 'arn:aws:iam::123456789012:role/old',
          after: ROLE_ARN,
        },
        // #20: a ServiceAccount we did not create loses the label an earlier version put there.
        { field: `labels.${MANAGED_BY_LABEL}`, before: MANAGED_BY_VALUE },
      ],
    });
  });

  test('an annotation we set earlier that the file dropped is removed; the created marker and foreign keys stay', () => {
    const sa = desiredServiceAccount('app');
    const observed = observedServiceAccount(
      { ...sa, annotations: { ...sa.annotations, 'eks.amazonaws.com/token-expiration': '86400' } },
      { extraAnnotations: { 'helm.sh/chart': 'x' } },
    );
    const { sas } = diffSas([sa], [observed]);
    expect(sas[0]).toMatchObject({
      action: 'update',
      created: true,
      fields: [{ field: 'annotations.eks.amazonaws.com/token-expiration', before: '86400' }],
    });
    expect(sas[0].fields.some((f) => f.field === `annotations.${CREATED_ANNOTATION}`)).toBe(false);
  });

  test('ours but no longer in the file: created by us → deleted', () => {
    const observed = observedServiceAccount(desiredServiceAccount('old'), { created: true });
    const { sas } = diffSas([], [observed]);
    expect(sas).toHaveLength(1);
    expect(sas[0]).toMatchObject({
      address: 'service-account.prod/default/old',
      action: 'delete',
      created: true,
      before: observed,
      after: null,
      reason:
        'no binding in the file names this ServiceAccount any more; workload-identity-bindings created it',
    });
  });

  test('ours but no longer in the file: not created by us → only our annotations and label are removed', () => {
    const observed = observedServiceAccount(desiredServiceAccount('old'), {
      created: false,
      extraAnnotations: { 'helm.sh/chart': 'x' },
    });
    const { sas } = diffSas([], [observed]);
    expect(sas[0]).toMatchObject({
      action: 'delete',
      created: false,
      reason: 'remove our annotations and label (the ServiceAccount was not created by us)',
    });
    expect(sas[0].fields).toEqual([
      {
        field: `annotations.${ROLE_ARN_ANNOTATION}`,
        before: 'arn:aws:iam::123456789012:role/workload-identity/old',
      },
      { field: `annotations.${OWNER_ANNOTATION}`, before: OWNER },
      { field: `labels.${MANAGED_BY_LABEL}`, before: MANAGED_BY_VALUE },
    ]);
  });
});

describe('ServiceAccounts we do not manage yet', () => {
  function unlabelled(annotations: Record<string, string> = {}): ObservedServiceAccount {
    return {
      cluster: 'prod',
      namespace: 'default',
      name: 'app',
      annotations,
      labels: { 'app.kubernetes.io/name': 'app' },
      ownedByUs: { annotations: [], labels: [] },
    };
  }

  test('an existing ServiceAccount without our marks is annotated (update, created = false)', () => {
    const sa = desiredServiceAccount('app');
    const { sas, conflicts } = diffSas([sa], [unlabelled({ 'helm.sh/chart': 'x' })]);
    expect(conflicts).toEqual([]);
    expect(sas[0]).toMatchObject({
      action: 'update',
      created: false,
      reason: 'annotate an existing ServiceAccount we did not create',
      fields: [
        { field: `annotations.${ROLE_ARN_ANNOTATION}`, after: ROLE_ARN },
        { field: `annotations.${OWNER_ANNOTATION}`, after: OWNER },
      ],
    });
    // #20: annotations only; the managed-by label may be Helm's.
    expect(sas[0].fields.some((f) => f.field.startsWith('labels.'))).toBe(false);
    expect(sas[0].after?.labels).toEqual({});
  });

  test('a different role-arn annotation is still updated, with before and after visible', () => {
    const sa = desiredServiceAccount('app');
    const { sas } = diffSas(
      [sa],
      [unlabelled({ [ROLE_ARN_ANNOTATION]: 'arn:aws:iam::123456789012:role/theirs' })],
    );
    expect(sas[0].action).toBe('update');
    expect(sas[0].reason).toContain('names another role and will be replaced');
    expect(sas[0].fields[0]).toEqual({
      field: `annotations.${ROLE_ARN_ANNOTATION}`,
      before: 'arn:aws:iam::123456789012:role/theirs',
      after: ROLE_ARN,
    });
  });

  test('another owner annotation is a conflict', () => {
    const sa = desiredServiceAccount('app');
    const observed = {
      ...unlabelled({ [OWNER_ANNOTATION]: 'acme/other' }),
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
    };
    const { sas, conflicts } = diffSas([sa], [observed]);
    expect(sas).toEqual([]);
    expect(conflicts).toEqual([
      {
        address: 'service-account.prod/default/app',
        message: expect.stringContaining(
          'belongs to another owner ("acme/other" in its workload-identity-bindings/owner annotation)',
        ),
      },
    ]);
  });

  test('our label without an owner annotation is a conflict', () => {
    const sa = desiredServiceAccount('app');
    const observed = { ...unlabelled(), labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } };
    const { sas, conflicts } = diffSas([sa], [observed]);
    expect(sas).toEqual([]);
    expect(conflicts[0].message).toContain('but no workload-identity-bindings/owner annotation');
  });

  test("another owner's ServiceAccount that we do not want is ignored, not deleted", () => {
    const theirs = observedServiceAccount(desiredServiceAccount('theirs'));
    theirs.annotations[OWNER_ANNOTATION] = 'acme/other';
    const { sas, conflicts } = diffSas([], [theirs]);
    expect(sas).toEqual([]);
    expect(conflicts).toEqual([]);
  });
});

test('IAM-only clusters are never compared, even when a ServiceAccount there carries our marks', () => {
  const ours = observedServiceAccount(desiredServiceAccount('app'));
  const staging = { ...observedServiceAccount(desiredServiceAccount('app')), cluster: 'staging' };
  const result = diffState(
    desiredState({ clusters: [cluster('prod'), cluster('staging', { kubernetes: false })] }),
    observedState({ clusters: [observedCluster([ours]), observedCluster([staging], { key: 'staging' })] }),
  );
  // Only prod's leftover is deleted.
  expect(
    result.changes.filter((c) => c.kind === 'service-account').map((c) => [c.address, c.action]),
  ).toEqual([['service-account.prod/default/app', 'delete']]);
});
