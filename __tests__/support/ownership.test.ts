// The one ownership rule: the owner tag's key is found ignoring case (IAM keeps one key per
// case-insensitive name on roles and OIDC providers), its value is compared exactly (IAM tag values
// are case-sensitive). Readers, the diff and the writers all go through ownerOf/isOurs.
import { IAMClient } from '@aws-sdk/client-iam';
import { IamEmulator } from '../../sandbox/iam/index.js';
import { readRoles } from '../../src/aws/read-roles.js';
import { isOurs, isOwnerTagKey, ownerOf, OWNER_TAG } from '../../src/support/ownership.js';

test('ownerOf finds the owner tag whatever the spelling of its key', () => {
  expect(ownerOf({ [OWNER_TAG]: 'acme/platform' })).toBe('acme/platform');
  expect(ownerOf({ 'Workload-Identity-Bindings/Owner': 'acme/platform', team: 'x' })).toBe('acme/platform');
  expect(ownerOf({ team: 'x' })).toBeUndefined();
  expect(isOwnerTagKey('WORKLOAD-IDENTITY-BINDINGS/OWNER')).toBe(true);
  expect(isOwnerTagKey('workload-identity-bindings/owners')).toBe(false);
});

test('isOurs compares the owner exactly: another case is another owner', () => {
  expect(isOurs({ [OWNER_TAG]: 'acme/platform' }, 'acme/platform')).toBe(true);
  expect(isOurs({ 'Workload-Identity-Bindings/Owner': 'acme/platform' }, 'acme/platform')).toBe(true);
  expect(isOurs({ [OWNER_TAG]: 'Acme/Platform' }, 'acme/platform')).toBe(false);
  expect(isOurs({ [OWNER_TAG]: 'acme/platform ' }, 'acme/platform')).toBe(false);
  expect(isOurs({}, 'acme/platform')).toBe(false);
});

describe('the role reader keeps roles by the same rule', () => {
  const emulator = new IamEmulator({ accountId: '123456789012' });
  let iam: IAMClient;
  beforeAll(async () => {
    const url = await emulator.start();
    iam = new IAMClient({
      region: 'us-east-1',
      endpoint: url,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'emulator-secret' },
      maxAttempts: 1,
    });
    emulator.seedRole({ roleName: 'unrelated', path: '/workload-identity/', tags: { team: 'x' } });
    // Tagged by hand (or by an older tool) with the key in another case: still our owner tag for IAM.
    emulator.seedRole({
      roleName: 'renamed-away',
      path: '/workload-identity/',
      tags: { 'Workload-Identity-Bindings/Owner': 'acme/platform' },
    });
  });
  afterAll(async () => {
    iam?.destroy();
    await emulator.stop();
  });

  test('a role whose owner tag key is spelt in another case is read (so the diff can see it)', async () => {
    const { roles } = await readRoles(iam, { roleNames: [], rolePath: '/workload-identity/' });
    expect(roles.map((r) => r.name)).toEqual(['renamed-away']);
    expect(ownerOf(roles[0].tags)).toBe('acme/platform');
  });
});
