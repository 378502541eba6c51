// Paging and fault injection of the IAM emulator, through the SDK's own paginators and retry
// logic: 2,500 roles in pages of 1,000, markers that survive deletes between pages, and each fault
// knob of the shared core answered the way IAM answers (Throttling 400, ServiceFailure 500,
// dropped connections, latency against the SDK's request timeout).
import {
  GetRoleCommand,
  IAMClient,
  ListRolesCommand,
  TagRoleCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListRoles,
  type RoleDetail,
} from '@aws-sdk/client-iam';
import { IamEmulator } from '../../sandbox/iam/index.js';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' };
const ROLE_COUNT = 2500;

const emulator = new IamEmulator();
let url: string;
const clients: IAMClient[] = [];

function client(options: { maxAttempts?: number; requestTimeout?: number } = {}): IAMClient {
  const created = new IAMClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: options.maxAttempts,
    // Without throwOnRequestTimeout the current SDK only logs a warning when the timeout passes.
    requestHandler:
      options.requestTimeout === undefined
        ? undefined
        : { requestTimeout: options.requestTimeout, throwOnRequestTimeout: true },
  });
  clients.push(created);
  return created;
}

async function failure(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  for (let i = 0; i < ROLE_COUNT; i += 1) {
    emulator.seedRole({
      roleName: `seeded-${String(i).padStart(4, '0')}`,
      path: i % 2 === 0 ? '/even/' : '/odd/',
      tags: { n: String(i) },
    });
  }
  url = await emulator.start();
});

afterEach(() => {
  emulator.server.setFaults({});
  emulator.server.resetCounters();
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await emulator.stop();
});

test('paginateGetAccountAuthorizationDetails reads 2,500 roles in 3 pages of 1,000', async () => {
  const iam = client({ maxAttempts: 1 });
  const pages: RoleDetail[][] = [];
  for await (const page of paginateGetAccountAuthorizationDetails(
    { client: iam, pageSize: 1000 },
    { Filter: ['Role'] },
  )) {
    pages.push(page.RoleDetailList ?? []);
  }
  expect(pages.map((p) => p.length)).toEqual([1000, 1000, 500]);
  const names = pages.flat().map((r) => r.RoleName);
  expect(new Set(names).size).toBe(ROLE_COUNT);
  expect(names.every((name, i) => i === 0 || names[i - 1]! < name!)).toBe(true);
  expect(emulator.server.count('GetAccountAuthorizationDetails')).toBe(3);
});

test('paginateListRoles pages with PathPrefix, and a marker survives a delete between pages', async () => {
  const iam = client({ maxAttempts: 1 });
  const pages: string[][] = [];
  for await (const page of paginateListRoles({ client: iam, pageSize: 1000 }, { PathPrefix: '/even/' })) {
    pages.push((page.Roles ?? []).map((r) => r.RoleName ?? ''));
  }
  expect(pages.map((p) => p.length)).toEqual([1000, 250]);
  expect(emulator.server.count('ListRoles')).toBe(2);

  const first = await iam.send(new ListRolesCommand({ MaxItems: 10 }));
  expect(first.IsTruncated).toBe(true);
  const lastServed = first.Roles?.[9].RoleName ?? '';
  // Deleting the role the marker points at must not shift the next page.
  emulator.deleteRoleState(lastServed);
  const second = await iam.send(new ListRolesCommand({ MaxItems: 10, Marker: first.Marker }));
  expect(second.Roles?.[0].RoleName).toBe('seeded-0010');
  emulator.seedRole({ roleName: lastServed, path: '/odd/' });
  expect((await failure(iam.send(new ListRolesCommand({ Marker: 'garbage' })))).name).toBe('ValidationError');
});

test('throttling: Throttling 400 "Rate exceeded" reaches a client that does not retry', async () => {
  emulator.server.setFaults({ throttleRate: 1 });
  const error = await failure(
    client({ maxAttempts: 1 }).send(new GetRoleCommand({ RoleName: 'seeded-0001' })),
  );
  expect(error).toEqual({ name: 'Throttling', message: 'Rate exceeded', status: 400 });
  expect(emulator.server.injected().throttled).toBe(1);
  expect(emulator.server.count('GetRole')).toBe(1);
});

test("throttling: the SDK's default retries get every call through at a 50 % throttle rate", async () => {
  // The fault dice are seeded: with seed 6 four of the first requests are throttled but no call draws
  // three throttles in a row, so the default three attempts suffice. Change the seed only with care.
  emulator.server.setFaults({ throttleRate: 0.5, seed: 6 });
  const iam = client();
  for (let i = 0; i < 4; i += 1) {
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: `seeded-000${i}` }));
    expect(Role?.RoleName).toBe(`seeded-000${i}`);
  }
  const throttled = emulator.server.injected().throttled;
  expect(throttled).toBeGreaterThan(0);
  expect(emulator.server.count('GetRole')).toBe(4 + throttled);
});

test('a write rate limit throttles mutating calls only', async () => {
  emulator.server.setFaults({ rateLimit: { perSecond: 1, burst: 2, mutatingOnly: true } });
  const iam = client({ maxAttempts: 1 });
  await iam.send(new TagRoleCommand({ RoleName: 'seeded-0001', Tags: [{ Key: 'a', Value: '1' }] }));
  await iam.send(new TagRoleCommand({ RoleName: 'seeded-0001', Tags: [{ Key: 'a', Value: '2' }] }));
  expect(
    (
      await failure(
        iam.send(new TagRoleCommand({ RoleName: 'seeded-0001', Tags: [{ Key: 'a', Value: '3' }] })),
      )
    ).name,
  ).toBe('Throttling');
  for (let i = 0; i < 5; i += 1) await iam.send(new GetRoleCommand({ RoleName: 'seeded-0001' }));
  expect(emulator.getRoleState('seeded-0001')?.tags).toContainEqual({ Key: 'a', Value: '2' });
  expect(emulator.server.counters()).toEqual([
    { operation: 'GetRole', mutating: false, count: 5 },
    { operation: 'TagRole', mutating: true, count: 3 },
  ]);
});

test('5xx: ServiceFailure 500 without retries; retried to success with them', async () => {
  emulator.server.setFaults({ errorRate: 1 });
  const error = await failure(
    client({ maxAttempts: 1 }).send(new GetRoleCommand({ RoleName: 'seeded-0001' })),
  );
  expect(error).toMatchObject({ name: 'ServiceFailureException', status: 500 });

  emulator.server.setFaults({ errorRate: 0.5, seed: 5 });
  emulator.server.resetCounters();
  const iam = client({ maxAttempts: 10 });
  for (let i = 0; i < 4; i += 1) await iam.send(new GetRoleCommand({ RoleName: 'seeded-0002' }));
  const errors = emulator.server.injected().errors;
  expect(errors).toBeGreaterThan(0);
  expect(emulator.server.count('GetRole')).toBe(4 + errors);
});

test('dropped connections fail a client without retries and are retried by the SDK', async () => {
  emulator.server.setFaults({ dropRate: 1 });
  const error = await failure(
    client({ maxAttempts: 1 }).send(new GetRoleCommand({ RoleName: 'seeded-0001' })),
  );
  expect(error.message).toMatch(/socket hang up|ECONNRESET/);

  emulator.server.setFaults({ dropRate: 0.5, seed: 7 });
  emulator.server.resetCounters();
  const iam = client({ maxAttempts: 10 });
  for (let i = 0; i < 4; i += 1) await iam.send(new GetRoleCommand({ RoleName: 'seeded-0003' }));
  const dropped = emulator.server.injected().dropped;
  expect(dropped).toBeGreaterThan(0);
  expect(emulator.server.count('GetRole')).toBe(4 + dropped);
});

test('latency beyond the SDK request timeout fails the call; without the timeout it succeeds', async () => {
  emulator.server.setFaults({ latencyMs: 1000 });
  const error = await failure(
    client({ maxAttempts: 1, requestTimeout: 200 }).send(new GetRoleCommand({ RoleName: 'seeded-0001' })),
  );
  expect(error.name).toBe('TimeoutError');
  emulator.server.setFaults({ latencyMs: 50 });
  const { Role } = await client({ maxAttempts: 1 }).send(new GetRoleCommand({ RoleName: 'seeded-0001' }));
  expect(Role?.RoleName).toBe('seeded-0001');
});
