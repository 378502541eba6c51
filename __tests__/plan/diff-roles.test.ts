import { diffState } from '../../src/plan/diff.js';
import type { RoleChange } from '../../src/plan/types.js';
import { normalizePolicy } from '../../src/policy/normalize.js';
import { OWNER_TAG } from '../../src/support/ownership.js';
import type { PolicyDocument } from '../../src/policy/types.js';
import type { DesiredRole } from '../../src/desired/types.js';
import type { ObservedRole } from '../../src/observed/types.js';
import { ROLE_ARN_ANNOTATION } from '../../src/support/ownership.js';
import {
  desiredRole,
  desiredServiceAccount,
  desiredState,
  observedRole,
  observedState,
  OWNER,
  s3ReadPolicy,
  trustPolicy,
} from '../builders.js';

function diffOne(desired: DesiredRole[], observed: ObservedRole[]) {
  const result = diffState(desiredState({ roles: desired }), observedState({ roles: observed }));
  return { ...result, roles: result.changes.filter((c): c is RoleChange => c.kind === 'role') };
}

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

describe('roles: create, no-op, delete', () => {
  test('a role that does not exist is created with every attribute as `after`', () => {
    const role = desiredRole('s3-reader', {
      description: 'reads the data bucket',
      permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary',
      managedPolicies: [READ_ONLY],
      inlinePolicies: { s3: s3ReadPolicy() },
      tags: { [OWNER_TAG]: OWNER, team: 'data' },
    });
    const { roles, conflicts } = diffOne([role], []);
    expect(conflicts).toEqual([]);
    expect(roles).toEqual([
      {
        kind: 'role',
        address: 'role.s3-reader',
        action: 'create',
        before: null,
        after: role,
        fields: [
          { field: 'path', after: '/workload-identity/' },
          { field: 'description', after: 'reads the data bucket' },
          { field: 'maxSessionDuration', after: 3600 },
          { field: 'permissionsBoundary', after: 'arn:aws:iam::123456789012:policy/boundary' },
          { field: 'trustPolicy', after: normalizePolicy(role.trustPolicy), broadensAccess: true },
          { field: 'managedPolicies', after: [READ_ONLY], broadensAccess: true },
          { field: 'inlinePolicies.s3', after: normalizePolicy(s3ReadPolicy()), broadensAccess: true },
          { field: 'tags.team', after: 'data' },
          { field: `tags.${OWNER_TAG}`, after: OWNER },
        ],
      },
    ]);
  });

  test('an owned role spelled differently by IAM is a no-op', () => {
    const role = desiredRole('app', {
      managedPolicies: [ADMIN, READ_ONLY],
      inlinePolicies: { s3: s3ReadPolicy() },
    });
    // IAM's spelling: statement fields reordered, one-element lists, lists in another order.
    const iamTrust = JSON.parse(JSON.stringify(normalizePolicy(role.trustPolicy))) as PolicyDocument;
    const observed = observedRole(role, {
      trustPolicy: iamTrust,
      managedPolicies: [READ_ONLY, ADMIN],
      inlinePolicies: {
        s3: {
          Statement: [
            { Resource: ['arn:aws:s3:::data/*'], Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject'] },
          ],
          Version: '2012-10-17',
        },
      },
    });
    const { roles } = diffOne([role], [observed]);
    expect(roles.map((c) => [c.address, c.action, c.fields])).toEqual([['role.app', 'no-op', []]]);
  });

  test('an owned role no longer in the file is deleted; unowned and foreign ones are left alone', () => {
    const gone = observedRole(desiredRole('gone', { managedPolicies: [READ_ONLY] }));
    const unowned = observedRole(desiredRole('someone-elses'), { tags: {} });
    const foreign = observedRole(desiredRole('other-team'), { tags: { [OWNER_TAG]: 'acme/other' } });
    const { roles, conflicts } = diffOne([], [gone, unowned, foreign]);
    expect(conflicts).toEqual([]);
    expect(roles).toHaveLength(1);
    expect(roles[0]).toMatchObject({
      address: 'role.gone',
      action: 'delete',
      before: gone,
      after: null,
      reason: `no binding in the file names this role any more; it carries our ${OWNER_TAG} tag`,
    });
    expect(roles[0].fields.map((f) => f.field)).toEqual([
      'path',
      'maxSessionDuration',
      'trustPolicy',
      'managedPolicies',
      `tags.${OWNER_TAG}`,
    ]);
    expect(
      roles[0].fields.every((f) => f.after === undefined && f.before !== undefined && !f.broadensAccess),
    ).toBe(true);
  });

  test('the owner tag key matches regardless of case (IAM tag keys ignore case)', () => {
    const role = desiredRole('app');
    const observed = observedRole(role, { tags: { [OWNER_TAG.toUpperCase()]: OWNER } });
    const { roles, conflicts } = diffOne([role], [observed]);
    expect(conflicts).toEqual([]);
    expect(roles[0].action).toBe('no-op');
  });
});

describe('roles: update lists exactly the changed fields', () => {
  const base = desiredRole('app', {
    description: 'old',
    permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary',
    managedPolicies: [READ_ONLY],
    inlinePolicies: { s3: s3ReadPolicy(), logs: s3ReadPolicy('logs') },
    tags: { [OWNER_TAG]: OWNER, team: 'data', env: 'prod' },
  });
  const current = observedRole(base);
  const fieldsFor = (changed: Partial<DesiredRole>) => {
    const { roles } = diffOne([{ ...base, ...changed }], [current]);
    expect(roles[0].action).toBe('update');
    return roles[0].fields;
  };

  test('description', () => {
    expect(fieldsFor({ description: 'new' })).toEqual([
      { field: 'description', before: 'old', after: 'new' },
    ]);
    expect(fieldsFor({ description: undefined })).toEqual([{ field: 'description', before: 'old' }]);
  });

  test('maxSessionDuration', () => {
    expect(fieldsFor({ maxSessionDuration: 7200 })).toEqual([
      { field: 'maxSessionDuration', before: 3600, after: 7200 },
    ]);
  });

  test('permissionsBoundary: removing one broadens access', () => {
    expect(fieldsFor({ permissionsBoundary: undefined })).toEqual([
      {
        field: 'permissionsBoundary',
        before: 'arn:aws:iam::123456789012:policy/boundary',
        broadensAccess: true,
      },
    ]);
  });

  test('trustPolicy: a new subject broadens access; the field holds both canonical documents', () => {
    const trust = trustPolicy(['system:serviceaccount:default:app', 'system:serviceaccount:default:new']);
    expect(fieldsFor({ trustPolicy: trust })).toEqual([
      {
        field: 'trustPolicy',
        before: normalizePolicy(base.trustPolicy),
        after: normalizePolicy(trust),
        broadensAccess: true,
      },
    ]);
  });

  test('managedPolicies: attaching broadens, detaching alone does not', () => {
    expect(fieldsFor({ managedPolicies: [ADMIN, READ_ONLY] })).toEqual([
      { field: 'managedPolicies', before: [READ_ONLY], after: [ADMIN, READ_ONLY], broadensAccess: true },
    ]);
    expect(fieldsFor({ managedPolicies: [] })).toEqual([
      { field: 'managedPolicies', before: [READ_ONLY], after: [] },
    ]);
  });

  test('inlinePolicies: added, removed and changed, each as its own field', () => {
    const fields = fieldsFor({ inlinePolicies: { s3: s3ReadPolicy('other'), kms: s3ReadPolicy('keys') } });
    expect(fields).toEqual([
      { field: 'inlinePolicies.kms', after: normalizePolicy(s3ReadPolicy('keys')), broadensAccess: true },
      { field: 'inlinePolicies.logs', before: normalizePolicy(s3ReadPolicy('logs')) },
      {
        field: 'inlinePolicies.s3',
        before: normalizePolicy(s3ReadPolicy()),
        after: normalizePolicy(s3ReadPolicy('other')),
        broadensAccess: true,
      },
    ]);
  });

  test('tags: added, removed and changed', () => {
    expect(fieldsFor({ tags: { [OWNER_TAG]: OWNER, team: 'ml', cost: 'x' } })).toEqual([
      { field: 'tags.cost', after: 'x' },
      { field: 'tags.team', before: 'data', after: 'ml' },
      { field: 'tags.env', before: 'prod' },
    ]);
  });
});

describe('roles: replace', () => {
  test('a path change replaces the role, with the reason in words', () => {
    const role = desiredRole('app');
    const observed = observedRole(role, { path: '/', arn: 'arn:aws:iam::123456789012:role/app' });
    const { roles } = diffOne([role], [observed]);
    expect(roles[0]).toMatchObject({
      action: 'replace',
      reason: "path changes from / to /workload-identity/ (IAM cannot change a role's path)",
      before: observed,
      after: role,
      fields: [{ field: 'path', before: '/', after: '/workload-identity/' }],
    });
  });
});

describe('roles: a name the file spells in another case (#20)', () => {
  // IAM role names are unique ignoring case, so `App` in IAM and `app` in the file are one role; no
  // IAM page says a call naming it `app` finds it, so the plan uses IAM's spelling everywhere.
  const ARN = `arn:aws:iam::123456789012:role/workload-identity/App`;

  test('is the same role: no replace, IAM spelling in the change, the ARN and the ServiceAccount annotation, and a warning', () => {
    const role = desiredRole('app', { maxSessionDuration: 7200 });
    const observed = observedRole(role, { name: 'App', arn: ARN, maxSessionDuration: 3600 });
    const sa = desiredServiceAccount('web', { role: 'app' });
    const result = diffState(
      desiredState({ roles: [role], serviceAccounts: [sa] }),
      observedState({ roles: [observed] }),
    );
    const roles = result.changes.filter((c): c is RoleChange => c.kind === 'role');
    expect(roles).toHaveLength(1);
    expect(roles[0]).toMatchObject({
      address: 'role.App',
      action: 'update',
      fields: [{ field: 'maxSessionDuration', before: 3600, after: 7200 }],
      after: { name: 'App', arn: ARN },
    });
    const saCreate = result.changes.find((c) => c.kind === 'service-account');
    expect(saCreate?.after).toMatchObject({ role: 'App', annotations: { [ROLE_ARN_ANNOTATION]: ARN } });
    expect(result.warnings).toContainEqual({
      code: 'role-name-case',
      address: 'role.App',
      message:
        'role "app" in the file is the existing role "App": IAM role names ignore case, so they name the same role. The plan uses IAM\'s spelling "App" (in its ARN too, which ServiceAccounts are annotated with). Write "App" in the file to match.',
    });
  });

  test('an untagged role spelled differently is adopted under its IAM name, not refused', () => {
    const role = desiredRole('legacy', { adopt: true });
    const observed = observedRole(role, { name: 'Legacy', arn: ARN.replace('App', 'Legacy'), tags: {} });
    const { roles, conflicts } = diffOne([role], [observed]);
    expect(conflicts).toEqual([]);
    expect(roles[0]).toMatchObject({ address: 'role.Legacy', action: 'adopt', after: { name: 'Legacy' } });
  });

  test('a tag key the file spells in another case is changed under the key IAM holds', () => {
    const role = desiredRole('app', { tags: { [OWNER_TAG]: OWNER, Team: 'b' } });
    const observed = observedRole(role, { tags: { [OWNER_TAG]: OWNER, team: 'a' } });
    const { roles } = diffOne([role], [observed]);
    expect(roles[0]).toMatchObject({
      action: 'update',
      fields: [{ field: 'tags.team', before: 'a', after: 'b' }],
    });
    expect(roles[0].after?.tags).toEqual({ [OWNER_TAG]: OWNER, team: 'b' });
  });
});

describe('roles: ownership', () => {
  test('a role without an owner tag is a conflict unless the binding says adopt', () => {
    const role = desiredRole('legacy');
    const observed = observedRole(role, { tags: { team: 'data' } });
    const { roles, conflicts } = diffOne([role], [observed]);
    expect(roles).toEqual([]);
    expect(conflicts).toEqual([
      {
        address: 'role.legacy',
        message:
          'role legacy exists but is not managed by workload-identity-bindings (no workload-identity-bindings/owner tag). To take it over, set `adopt: true` on its binding; to leave it alone, rename the role in the file.',
      },
    ]);
  });

  test('adopt: true takes over an untagged role with the owner tag and the same field changes as an update', () => {
    const role = desiredRole('legacy', { adopt: true, maxSessionDuration: 7200 });
    const observed = observedRole(role, { tags: { team: 'data' }, maxSessionDuration: 3600 });
    const { roles, conflicts } = diffOne([role], [observed]);
    expect(conflicts).toEqual([]);
    expect(roles[0]).toMatchObject({
      address: 'role.legacy',
      action: 'adopt',
      fields: [
        { field: 'maxSessionDuration', before: 3600, after: 7200 },
        { field: `tags.${OWNER_TAG}`, after: OWNER },
        { field: 'tags.team', before: 'data' },
      ],
    });
  });

  test('adopt cannot move a role to another path: conflict, never a delete', () => {
    const role = desiredRole('legacy', { adopt: true });
    const observed = observedRole(role, { path: '/', tags: {} });
    const { roles, conflicts } = diffOne([role], [observed]);
    expect(roles).toEqual([]);
    expect(conflicts[0].message).toMatch(
      /^role "legacy" exists at path "\/" but the file wants "\/workload-identity\/"/,
    );
  });

  test('a role owned by someone else is a conflict even with adopt: true', () => {
    const role = desiredRole('shared', { adopt: true });
    const observed = observedRole(role, { tags: { [OWNER_TAG]: 'acme/other' } });
    const { roles, conflicts } = diffOne([role], [observed]);
    expect(roles).toEqual([]);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0].address).toBe('role.shared');
    expect(conflicts[0].message).toContain('belongs to another owner ("acme/other"');
    expect(conflicts[0].message).toContain('never touched');
  });
});
