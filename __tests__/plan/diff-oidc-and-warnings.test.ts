import type { ObservedRole, ObservedState } from '../../src/observed/types.js';
import { diffState } from '../../src/plan/diff.js';
import { OWNER_TAG } from '../../src/support/ownership.js';
import { policySize } from '../../src/policy/size.js';
import {
  desiredProvider,
  desiredRole,
  desiredServiceAccount,
  desiredState,
  ISSUER,
  observedCluster,
  observedProvider,
  observedRole,
  observedState,
  OWNER,
  s3ReadPolicy,
} from '../builders.js';

describe('OIDC providers', () => {
  const providerChanges = (desired = [desiredProvider()], observed = [observedProvider()]) =>
    diffState(
      desiredState({ oidcProviders: desired }),
      observedState({ oidcProviders: observed }),
    ).changes.filter((c) => c.kind === 'oidc-provider');

  test('a missing provider is created; its URL is marked as broadening access', () => {
    const provider = desiredProvider();
    expect(providerChanges([provider], [])).toEqual([
      {
        kind: 'oidc-provider',
        address: 'oidc-provider.oidc.example.com/id/ABC',
        action: 'create',
        before: null,
        after: provider,
        fields: [
          { field: 'url', after: ISSUER, broadensAccess: true },
          { field: 'clientIds', after: ['sts.amazonaws.com'] },
          { field: `tags.${OWNER_TAG}`, after: OWNER },
        ],
      },
    ]);
  });

  test('a provider matches by URL ignoring a trailing slash; tag differences are no change', () => {
    const observed = observedProvider({ url: 'https://oidc.example.com/id/ABC/', tags: { other: 'x' } });
    expect(providerChanges([desiredProvider()], [observed]).map((c) => c.action)).toEqual(['no-op']);
  });

  test('a URL that differs only in host case is another provider: IAM provider URLs are case-sensitive (#20)', () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html: "The URL is case-sensitive."
    const observed = observedProvider({ url: 'https://OIDC.Example.com/id/ABC', tags: {} });
    expect(providerChanges([desiredProvider()], [observed]).map((c) => c.action)).toEqual(['create']);
  });

  test('a missing client id is added; client ids others use are kept', () => {
    const observed = observedProvider({ clientIds: ['other-audience'], tags: {} });
    const [change] = providerChanges([desiredProvider()], [observed]);
    expect(change).toMatchObject({
      action: 'update',
      fields: [
        {
          field: 'clientIds',
          before: ['other-audience'],
          after: ['other-audience', 'sts.amazonaws.com'],
          broadensAccess: true,
        },
      ],
    });
  });

  test('a provider we created that nothing needs any more is deleted; one we did not create is left alone', () => {
    const ours = observedProvider({
      url: 'https://old.example.com',
      arn: 'arn:aws:iam::123456789012:oidc-provider/old.example.com',
    });
    const theirs = observedProvider({ url: 'https://theirs.example.com', tags: {} });
    const foreign = observedProvider({
      url: 'https://foreign.example.com',
      tags: { [OWNER_TAG]: 'acme/other' },
    });
    const changes = providerChanges([], [ours, theirs, foreign]);
    expect(changes).toEqual([
      {
        kind: 'oidc-provider',
        address: 'oidc-provider.old.example.com',
        action: 'delete',
        reason: `no cluster in the file uses this issuer any more and no role outside this file trusts it; it carries our ${OWNER_TAG} tag`,
        before: ours,
        after: null,
        fields: [
          { field: 'url', before: 'https://old.example.com' },
          { field: 'clientIds', before: ['sts.amazonaws.com'] },
        ],
      },
    ]);
  });
});

describe('an OIDC provider shared with roles outside the file', () => {
  const OLD_ARN = 'arn:aws:iam::123456789012:oidc-provider/old.example.com/id/X';
  const ours = observedProvider({ url: 'https://old.example.com/id/X', arn: OLD_ARN });
  const plan = (providerTrust: ObservedState['providerTrust'], roles: ObservedRole[] = []) =>
    diffState(
      desiredState({ oidcProviders: [] }),
      observedState({ oidcProviders: [ours], roles, providerTrust }),
    );

  test("another owner's role trusting it keeps it, and the plan says why, naming the roles", () => {
    const diff = plan({
      // Spelled with a capital host, as a hand-written trust policy may: IAM ignores the host's case.
      rolesByProvider: {
        'arn:aws:iam::123456789012:oidc-provider/Old.Example.com/id/X': ['team-b-writer'],
        [OLD_ARN]: ['legacy-reader'],
      },
      complete: true,
    });
    expect(diff.changes.filter((c) => c.kind === 'oidc-provider')).toEqual([]);
    expect(diff.warnings).toContainEqual({
      code: 'oidc-provider-kept',
      address: 'oidc-provider.old.example.com/id/X',
      message: expect.stringMatching(
        /issuer old\.example\.com\/id\/X .* kept: 2 roles outside this file still trust it \(legacy-reader, team-b-writer\)/,
      ),
    });
  });

  test('our own roles trusting it (deleted or updated by the same plan) do not keep it', () => {
    const mine = observedRole(desiredRole('old-app'), { tags: { [OWNER_TAG]: OWNER } });
    const diff = plan({ rolesByProvider: { [OLD_ARN]: ['old-app'] }, complete: true }, [mine]);
    expect(diff.changes.filter((c) => c.kind === 'oidc-provider').map((c) => c.action)).toEqual(['delete']);
  });

  test('a provider of the same issuer in another account is a different provider', () => {
    const diff = plan({
      rolesByProvider: { '999999999999:old.example.com/id/X': ['elsewhere'] },
      complete: true,
    });
    expect(diff.changes.filter((c) => c.kind === 'oidc-provider').map((c) => c.action)).toEqual(['delete']);
  });

  test('when not every role could be read, the provider is kept and the plan says so', () => {
    const diff = plan({ rolesByProvider: {}, complete: false });
    expect(diff.changes.filter((c) => c.kind === 'oidc-provider')).toEqual([]);
    expect(diff.warnings.find((w) => w.code === 'oidc-provider-kept')?.message).toMatch(
      /not every role in the account could be read \(GetAccountAuthorizationDetails was denied\)/,
    );
  });
});

describe('warnings', () => {
  test('a wildcard subject warns once per role, naming the subjects', () => {
    const role = desiredRole('batch', {
      subjects: [
        { cluster: 'prod', namespace: 'batch', name: '*', wildcard: true },
        { cluster: 'prod', namespace: 'jobs-?', name: 'runner', wildcard: true },
        { cluster: 'prod', namespace: 'batch', name: 'exact', wildcard: false },
      ],
    });
    const { warnings } = diffState(desiredState({ roles: [role] }), observedState());
    expect(warnings).toEqual([
      {
        code: 'wildcard-subject',
        address: 'role.batch',
        message:
          'role batch trusts wildcard subjects (prod/batch/*, prod/jobs-?/runner): every matching ServiceAccount, including ones created later, can assume it.',
      },
    ]);
  });

  test('AdministratorAccess and an inline Allow of "*" or "*:*" are broad permissions', () => {
    const role = desiredRole('admin', {
      managedPolicies: [
        'arn:aws:iam::aws:policy/AdministratorAccess',
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
      ],
      inlinePolicies: {
        all: { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*:*', Resource: '*' } },
        denyAll: { Version: '2012-10-17', Statement: { Effect: 'Deny', Action: '*', Resource: '*' } },
        fine: s3ReadPolicy(),
      },
    });
    const { warnings } = diffState(desiredState({ roles: [role] }), observedState());
    expect(warnings.map((w) => [w.code, w.message])).toEqual([
      [
        'broad-permissions',
        'role admin: arn:aws:iam::aws:policy/AdministratorAccess is attached. Grant only the actions its workloads need.',
      ],
      [
        'broad-permissions',
        'role admin: inline policy "all" allows every action ("*"). Grant only the actions its workloads need.',
      ],
    ]);
  });

  test('a trust policy over 80 % of the size limit warns; the limit is a parameter', () => {
    const role = desiredRole('big');
    const size = policySize(role.trustPolicy);
    const warn = (limit: number) =>
      diffState(desiredState({ roles: [role] }), observedState(), {
        trustPolicySizeLimit: limit,
      }).warnings.filter((w) => w.code === 'trust-policy-size');
    expect(warn(2048)).toEqual([]);
    expect(warn(Math.ceil(size / 0.8))).toEqual([]);
    const near = warn(size + 10);
    expect(near).toHaveLength(1);
    expect(near[0].message).toContain(
      `its trust policy is ${size} characters, ${Math.round((size / (size + 10)) * 100)} % of the ${size + 10}-character limit`,
    );
    expect(warn(size - 1)[0].message).toContain(`over the ${size - 1}-character limit: IAM will reject it`);
  });

  test('a ServiceAccount in a namespace that does not exist warns that apply will fail', () => {
    const sa = desiredServiceAccount('app', { namespace: 'payments' });
    const { warnings } = diffState(
      desiredState({ serviceAccounts: [sa] }),
      observedState({ clusters: [observedCluster([], { existingNamespaces: ['default'] })] }),
    );
    expect(warnings).toEqual([
      {
        code: 'missing-namespace',
        address: 'service-account.prod/payments/app',
        message:
          'namespace "payments" does not exist on cluster "prod": apply will fail until the namespace exists.',
      },
    ]);
  });

  test('an issuer without an IAM OIDC provider warns that it will be created', () => {
    const { warnings } = diffState(desiredState(), observedState({ oidcProviders: [] }));
    expect(warnings).toEqual([
      {
        code: 'missing-oidc-provider',
        address: 'oidc-provider.oidc.example.com/id/ABC',
        message:
          'issuer https://oidc.example.com/id/ABC (cluster prod) has no IAM OIDC provider: it will be created.',
      },
    ]);
  });
});
