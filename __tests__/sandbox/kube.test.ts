// The Kubernetes emulator checked with the real @kubernetes/client-node 2.x, as the product talks to
// clusters: listing with selectors and pages, the write verbs with their Status errors, the three
// PATCH flavours, server-side apply ownership, authentication and each fault knob.
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1ServiceAccount,
} from '@kubernetes/client-node';
import { KubeEmulator, kubeconfigFor, OPERATIONS } from '../../sandbox/kube/emulator.js';

const READ_ONLY = 'kube-read-only-token';
const emulator = new KubeEmulator({
  readOnlyToken: READ_ONLY,
  now: () => new Date('2026-01-02T03:04:05.678Z'),
});
let api: CoreV1Api;

function client(kubeconfig: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  return kc.makeApiClient(CoreV1Api);
}

interface StatusBody {
  kind: string;
  status: string;
  reason: string;
  code: number;
  message: string;
  details?: {
    name?: string;
    kind?: string;
    causes?: { field?: string; message: string; type?: string }[];
    retryAfterSeconds?: number;
  };
}

/** Awaits a call that must fail with an API Status; returns the exception's code, parsed body and headers. */
async function failure(
  call: Promise<unknown>,
): Promise<{ code: number; body: StatusBody; headers: Record<string, string> }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    // client-node leaves the body undefined for 401 (its OpenAPI spec gives 401 no schema).
    const body = (typeof error.body === 'string' ? JSON.parse(error.body) : undefined) as StatusBody;
    return { code: error.code, body, headers: error.headers };
  }
  throw new Error('expected the call to fail with an ApiException');
}

const sa = (
  namespace: string,
  name: string,
  annotations?: Record<string, string>,
  labels?: Record<string, string>,
): V1ServiceAccount => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace, annotations, labels },
});

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
const apply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);

beforeAll(async () => {
  await emulator.start();
  api = client(kubeconfigFor(emulator));
});

afterAll(async () => {
  await emulator.stop();
});

describe('namespaces', () => {
  test('the default namespaces exist; create, get, 409 and 422', async () => {
    const list = await api.listNamespace();
    expect(list.items.map((n) => n.metadata?.name)).toEqual(
      expect.arrayContaining(['default', 'kube-public', 'kube-system']),
    );

    const created = await api.createNamespace({
      body: { metadata: { name: 'ns-created', labels: { team: 'a' } } },
    });
    expect(created.metadata?.labels).toEqual({ team: 'a', 'kubernetes.io/metadata.name': 'ns-created' });
    expect((await api.readNamespace({ name: 'ns-created' })).status?.phase).toBe('Active');
    expect((await api.listNamespace({ labelSelector: 'team=a' })).items.map((n) => n.metadata?.name)).toEqual(
      ['ns-created'],
    );

    const again = await failure(api.createNamespace({ body: { metadata: { name: 'ns-created' } } }));
    expect(again.code).toBe(409);
    expect(again.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'AlreadyExists',
      message: 'namespaces "ns-created" already exists',
    });

    const bad = await failure(api.createNamespace({ body: { metadata: { name: 'Not.A.Label' } } }));
    expect(bad.code).toBe(422);
    expect(bad.body.reason).toBe('Invalid');
    expect(bad.body.details?.causes?.[0].field).toBe('metadata.name');

    const missing = await failure(api.readNamespace({ name: 'nowhere' }));
    expect(missing.code).toBe(404);
    expect(missing.body.details).toEqual({ name: 'nowhere', kind: 'namespaces' });
  });
});

describe('listing serviceaccounts', () => {
  beforeAll(() => {
    for (const name of ['a', 'b', 'c'])
      emulator.seedServiceAccount({ namespace: 'list-x', name, labels: { managed: 'yes', tier: name } });
    for (const name of ['d', 'e'])
      emulator.seedServiceAccount({ namespace: 'list-y', name, labels: { managed: 'yes', tier: 'd' } });
    emulator.seedServiceAccount({ namespace: 'list-y', name: 'unmanaged', labels: { tier: 'd' } });
  });

  const names = (items: V1ServiceAccount[]): string[] =>
    items.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`);

  test('label selectors: equality, inequality, existence, set forms, combined', async () => {
    const select = async (labelSelector: string): Promise<string[]> =>
      names((await api.listServiceAccountForAllNamespaces({ labelSelector })).items).filter((n) =>
        n.startsWith('list-'),
      );
    expect(await select('managed=yes')).toEqual(['list-x/a', 'list-x/b', 'list-x/c', 'list-y/d', 'list-y/e']);
    expect(await select('managed==yes,tier!=d')).toEqual(['list-x/a', 'list-x/b', 'list-x/c']);
    expect(await select('tier,!managed')).toEqual(['list-y/unmanaged']);
    expect(await select('tier in (a, c)')).toEqual(['list-x/a', 'list-x/c']);
    expect(await select('tier notin (a,c),managed')).toEqual(['list-x/b', 'list-y/d', 'list-y/e']);
    expect(
      names(
        (await api.listNamespacedServiceAccount({ namespace: 'list-y', labelSelector: 'managed=yes' })).items,
      ),
    ).toEqual(['list-y/d', 'list-y/e']);

    const bad = await failure(api.listServiceAccountForAllNamespaces({ labelSelector: 'a b c' }));
    expect(bad.code).toBe(400);
    expect(bad.body.reason).toBe('BadRequest');
  });

  test('limit/continue pages through every match once, in key order', async () => {
    const seen: string[] = [];
    const remaining: (number | undefined)[] = [];
    let token: string | undefined;
    do {
      const page = await api.listServiceAccountForAllNamespaces({
        labelSelector: 'managed=yes',
        limit: 2,
        _continue: token,
      });
      seen.push(...names(page.items));
      remaining.push(page.metadata?.remainingItemCount);
      token = page.metadata?._continue;
    } while (token);
    expect(seen.filter((n) => n.startsWith('list-'))).toEqual([
      'list-x/a',
      'list-x/b',
      'list-x/c',
      'list-y/d',
      'list-y/e',
    ]);
    // Like the API server: no remainingItemCount on selector lists.
    expect(remaining.every((r) => r === undefined)).toBe(true);

    const first = await api.listNamespacedServiceAccount({ namespace: 'list-y', limit: 1 });
    expect(names(first.items)).toEqual(['list-y/d']);
    expect(first.metadata?.remainingItemCount).toBe(2);
    const second = await api.listNamespacedServiceAccount({
      namespace: 'list-y',
      limit: 1,
      _continue: first.metadata?._continue,
    });
    expect(names(second.items)).toEqual(['list-y/e']);
    // Counted from the continue key on; the last page has neither a count nor a continue token.
    expect(second.metadata?.remainingItemCount).toBe(1);
    const last = await api.listNamespacedServiceAccount({
      namespace: 'list-y',
      limit: 1,
      _continue: second.metadata?._continue,
    });
    expect(names(last.items)).toEqual(['list-y/unmanaged']);
    expect(last.metadata?._continue).toBeUndefined();
    expect(last.metadata?.remainingItemCount).toBeUndefined();

    const bad = await failure(
      api.listNamespacedServiceAccount({ namespace: 'list-y', limit: 1, _continue: 'not-a-token' }),
    );
    expect(bad.code).toBe(400);
  });

  test('a server may leave remainingItemCount unset; paging is unchanged', async () => {
    emulator.reportRemainingItemCount(false);
    try {
      const first = await api.listNamespacedServiceAccount({ namespace: 'list-y', limit: 2 });
      expect(names(first.items)).toEqual(['list-y/d', 'list-y/e']);
      expect(first.metadata?._continue).toEqual(expect.any(String));
      expect(first.metadata?.remainingItemCount).toBeUndefined();
      const namespaces = await api.listNamespace({ limit: 1 });
      expect(namespaces.metadata?.remainingItemCount).toBeUndefined();
    } finally {
      emulator.reportRemainingItemCount(true);
    }
    const counted = await api.listNamespacedServiceAccount({ namespace: 'list-y', limit: 2 });
    expect(counted.metadata?.remainingItemCount).toBe(1);
  });

  test('RBAC can deny listing in a namespace while GETs there are allowed', async () => {
    emulator.denyRequests([{ verb: 'list', resource: 'serviceaccounts', scope: 'namespace' }]);
    try {
      const denied = await failure(api.listNamespacedServiceAccount({ namespace: 'list-y', limit: 500 }));
      expect(denied.code).toBe(403);
      expect(denied.body).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'Forbidden',
        message:
          'serviceaccounts is forbidden: User "kubernetes-admin" cannot list resource "serviceaccounts" in API group "" in the namespace "list-y"',
        details: { kind: 'serviceaccounts' },
      });
      expect(
        (await api.readNamespacedServiceAccount({ namespace: 'list-y', name: 'd' })).metadata?.name,
      ).toBe('d');
      // The cluster-wide list is not a namespaced one.
      expect((await api.listServiceAccountForAllNamespaces({ limit: 1 })).items).toHaveLength(1);
    } finally {
      emulator.denyRequests([]);
    }
  });

  test('a namespace that does not exist lists as empty', async () => {
    expect((await api.listNamespacedServiceAccount({ namespace: 'no-such-ns' })).items).toEqual([]);
  });
});

describe('serviceaccount writes', () => {
  beforeAll(() => emulator.seedNamespace('writes'));

  test('create, get, AlreadyExists, NotFound namespace, Invalid name', async () => {
    const created = await api.createNamespacedServiceAccount({
      namespace: 'writes',
      body: sa('writes', 'app', { team: 'a' }),
    });
    expect(created.metadata).toMatchObject({ name: 'app', namespace: 'writes', annotations: { team: 'a' } });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.managedFields?.[0]).toMatchObject({
      operation: 'Update',
      fieldsType: 'FieldsV1',
    });
    const read = await api.readNamespacedServiceAccount({ namespace: 'writes', name: 'app' });
    expect(read.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);

    const dup = await failure(
      api.createNamespacedServiceAccount({ namespace: 'writes', body: sa('writes', 'app') }),
    );
    expect(dup.code).toBe(409);
    expect(dup.body).toMatchObject({
      reason: 'AlreadyExists',
      message: 'serviceaccounts "app" already exists',
      details: { name: 'app', kind: 'serviceaccounts' },
    });

    const noNs = await failure(
      api.createNamespacedServiceAccount({ namespace: 'ghost', body: sa('ghost', 'app') }),
    );
    expect(noNs.code).toBe(404);
    expect(noNs.body).toMatchObject({
      reason: 'NotFound',
      message: 'namespaces "ghost" not found',
      details: { name: 'ghost', kind: 'namespaces' },
    });

    const invalid = await failure(
      api.createNamespacedServiceAccount({ namespace: 'writes', body: sa('writes', 'Bad_Name') }),
    );
    expect(invalid.code).toBe(422);
    expect(invalid.body.reason).toBe('Invalid');
    expect(invalid.body.message).toContain(
      'ServiceAccount "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain',
    );

    const badLabel = await failure(
      api.createNamespacedServiceAccount({
        namespace: 'writes',
        body: sa('writes', 'x', undefined, { k: 'has space' }),
      }),
    );
    expect(badLabel.code).toBe(422);
    expect(badLabel.body.details?.causes?.[0].field).toBe('metadata.labels');

    const missing = await failure(api.readNamespacedServiceAccount({ namespace: 'writes', name: 'nope' }));
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'serviceaccounts "nope" not found',
    });
  });

  test('update with the current resourceVersion succeeds; a stale one is a Conflict', async () => {
    const created = await api.createNamespacedServiceAccount({
      namespace: 'writes',
      body: sa('writes', 'upd', { v: '1' }),
    });
    const fresh = structuredClone(created);
    fresh.metadata!.annotations = { v: '2' };
    const updated = await api.replaceNamespacedServiceAccount({
      namespace: 'writes',
      name: 'upd',
      body: fresh,
    });
    expect(updated.metadata?.annotations).toEqual({ v: '2' });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );

    const stale = structuredClone(created);
    stale.metadata!.annotations = { v: '3' };
    const conflict = await failure(
      api.replaceNamespacedServiceAccount({ namespace: 'writes', name: 'upd', body: stale }),
    );
    expect(conflict.code).toBe(409);
    expect(conflict.body.reason).toBe('Conflict');
    expect(conflict.body.message).toBe(
      'Operation cannot be fulfilled on serviceaccounts "upd": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(emulator.getServiceAccount('writes', 'upd')?.metadata.annotations).toEqual({ v: '2' });
  });

  test('merge patch sets and removes keys; a no-op patch keeps the resourceVersion', async () => {
    emulator.seedServiceAccount({
      namespace: 'writes',
      name: 'merge',
      annotations: { keep: '1', drop: '1' },
    });
    const patched = await api.patchNamespacedServiceAccount(
      { namespace: 'writes', name: 'merge', body: { metadata: { annotations: { drop: null, add: '2' } } } },
      merge,
    );
    expect(patched.metadata?.annotations).toEqual({ add: '2', keep: '1' });
    const again = await api.patchNamespacedServiceAccount(
      { namespace: 'writes', name: 'merge', body: { metadata: { annotations: { add: '2' } } } },
      merge,
    );
    expect(again.metadata?.resourceVersion).toBe(patched.metadata?.resourceVersion);
    const stale = await failure(
      api.patchNamespacedServiceAccount(
        {
          namespace: 'writes',
          name: 'merge',
          body: { metadata: { resourceVersion: '1', annotations: { x: 'y' } } },
        },
        merge,
      ),
    );
    expect(stale.code).toBe(409);
  });

  test('strategic merge patch merges metadata maps and imagePullSecrets by name', async () => {
    emulator.seedServiceAccount({ namespace: 'writes', name: 'smp', labels: { a: '1' } });
    await api.patchNamespacedServiceAccount(
      { namespace: 'writes', name: 'smp', body: { imagePullSecrets: [{ name: 'one' }] } },
      strategic,
    );
    const patched = await api.patchNamespacedServiceAccount(
      {
        namespace: 'writes',
        name: 'smp',
        body: { metadata: { labels: { b: '2' } }, imagePullSecrets: [{ name: 'two' }] },
      },
      strategic,
    );
    expect(patched.metadata?.labels).toEqual({ a: '1', b: '2' });
    expect(patched.imagePullSecrets).toEqual([{ name: 'one' }, { name: 'two' }]);
  });

  test('JSON patch: add (with ~1 escapes), remove, replace, test', async () => {
    emulator.seedServiceAccount({
      namespace: 'writes',
      name: 'jp',
      annotations: { a: '1' },
      labels: { x: 'y' },
    });
    const patched = await api.patchNamespacedServiceAccount(
      {
        namespace: 'writes',
        name: 'jp',
        body: [
          { op: 'test', path: '/metadata/annotations/a', value: '1' },
          {
            op: 'add',
            path: '/metadata/annotations/eks.amazonaws.com~1role-arn',
            value: 'arn:aws:iam::111122223333:role/r',
          },
          { op: 'replace', path: '/metadata/annotations/a', value: '2' },
          { op: 'remove', path: '/metadata/labels/x' },
        ],
      },
      jsonPatch,
    );
    expect(patched.metadata?.annotations).toEqual({
      a: '2',
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/r',
    });
    expect(patched.metadata?.labels).toBeUndefined();

    const failedTest = await failure(
      api.patchNamespacedServiceAccount(
        {
          namespace: 'writes',
          name: 'jp',
          body: [
            { op: 'test', path: '/metadata/annotations/a', value: 'other' },
            { op: 'remove', path: '/metadata/annotations/a' },
          ],
        },
        jsonPatch,
      ),
    );
    expect(failedTest.code).toBe(422);
    expect(emulator.getServiceAccount('writes', 'jp')?.metadata.annotations?.a).toBe('2');
  });

  test('delete answers the deleted object (as the API server does for ServiceAccounts); deleting again is NotFound', async () => {
    emulator.seedServiceAccount({ namespace: 'writes', name: 'gone', annotations: { last: 'words' } });
    const deleted = await api.deleteNamespacedServiceAccount({ namespace: 'writes', name: 'gone' });
    expect(deleted).toMatchObject({
      kind: 'ServiceAccount',
      metadata: { name: 'gone', annotations: { last: 'words' } },
    });
    expect(emulator.getServiceAccount('writes', 'gone')).toBeUndefined();
    const again = await failure(api.deleteNamespacedServiceAccount({ namespace: 'writes', name: 'gone' }));
    expect(again.code).toBe(404);
  });

  test('resourceVersion increases on every write across objects', async () => {
    const a = await api.createNamespacedServiceAccount({ namespace: 'writes', body: sa('writes', 'rv-a') });
    const b = await api.createNamespacedServiceAccount({ namespace: 'writes', body: sa('writes', 'rv-b') });
    const list = await api.listNamespacedServiceAccount({ namespace: 'writes' });
    expect(Number(b.metadata?.resourceVersion)).toBe(Number(a.metadata?.resourceVersion) + 1);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThanOrEqual(
      Number(b.metadata?.resourceVersion),
    );
  });
});

describe('server-side apply', () => {
  beforeAll(() => emulator.seedNamespace('ssa'));

  const applyAs = (manager: string, body: V1ServiceAccount, force?: boolean): Promise<V1ServiceAccount> =>
    api.patchNamespacedServiceAccount(
      { namespace: 'ssa', name: body.metadata!.name!, body, fieldManager: manager, force },
      apply,
    );

  const owners = (s: V1ServiceAccount): Record<string, unknown> =>
    Object.fromEntries(
      (s.metadata?.managedFields ?? []).map((m) => [`${m.manager}/${m.operation}`, m.fieldsV1]),
    );

  test('apply creates the object and records the manager as owner of what it applied', async () => {
    const created = await applyAs(
      'wib',
      sa(
        'ssa',
        'created',
        { 'eks.amazonaws.com/role-arn': 'arn:1' },
        { 'app.kubernetes.io/managed-by': 'wib' },
      ),
    );
    expect(created.metadata?.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:1' });
    expect(created.metadata?.managedFields).toEqual([
      {
        manager: 'wib',
        operation: 'Apply',
        apiVersion: 'v1',
        time: new Date('2026-01-02T03:04:05Z'),
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': {
            'f:annotations': { '.': {}, 'f:eks.amazonaws.com/role-arn': {} },
            'f:labels': { '.': {}, 'f:app.kubernetes.io/managed-by': {} },
          },
        },
      },
    ]);
    // The same apply again changes nothing, not even the resourceVersion.
    const again = await applyAs(
      'wib',
      sa(
        'ssa',
        'created',
        { 'eks.amazonaws.com/role-arn': 'arn:1' },
        { 'app.kubernetes.io/managed-by': 'wib' },
      ),
    );
    expect(again.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
  });

  test('re-applying without a field removes it, unless another manager also owns it', async () => {
    await applyAs('wib', sa('ssa', 'shrink', { a: '1', b: '1', c: '1' }));
    await applyAs('other', sa('ssa', 'shrink', { c: '1' }));
    const shrunk = await applyAs('wib', sa('ssa', 'shrink', { a: '1' }));
    expect(shrunk.metadata?.annotations).toEqual({ a: '1', c: '1' });
    expect(owners(shrunk)).toEqual({
      'wib/Apply': { 'f:metadata': { 'f:annotations': { '.': {}, 'f:a': {} } } },
      'other/Apply': { 'f:metadata': { 'f:annotations': { '.': {}, 'f:c': {} } } },
    });
  });

  test('a different value for a field another manager owns is a 409 Conflict; force moves ownership', async () => {
    await applyAs('other-manager', sa('ssa', 'contested', { x: 'theirs', y: 'theirs' }));
    const conflict = await failure(applyAs('wib', sa('ssa', 'contested', { x: 'ours' })));
    expect(conflict.code).toBe(409);
    expect(conflict.body.reason).toBe('Conflict');
    expect(conflict.body.message).toBe(
      'Apply failed with 1 conflict: conflict with "other-manager": .metadata.annotations.x',
    );
    expect(conflict.body.details?.causes).toEqual([
      {
        type: 'FieldManagerConflict',
        message: 'conflict with "other-manager"',
        field: '.metadata.annotations.x',
      },
    ]);
    expect(emulator.getServiceAccount('ssa', 'contested')?.metadata.annotations).toEqual({
      x: 'theirs',
      y: 'theirs',
    });

    const forced = await applyAs('wib', sa('ssa', 'contested', { x: 'ours' }), true);
    expect(forced.metadata?.annotations).toEqual({ x: 'ours', y: 'theirs' });
    expect(owners(forced)).toEqual({
      'other-manager/Apply': { 'f:metadata': { 'f:annotations': { '.': {}, 'f:y': {} } } },
      'wib/Apply': { 'f:metadata': { 'f:annotations': { '.': {}, 'f:x': {} } } },
    });
  });

  test('fields set by a non-apply write conflict too, named with their API version', async () => {
    emulator.seedServiceAccount({
      namespace: 'ssa',
      name: 'edited',
      annotations: { x: 'kubectl' },
      fieldManager: 'kubectl-client-side-apply',
    });
    const conflict = await failure(applyAs('wib', sa('ssa', 'edited', { x: 'ours' })));
    expect(conflict.body.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .metadata.annotations.x',
    );
    // The same value is not a conflict: both managers own it.
    const shared = await applyAs('wib', sa('ssa', 'edited', { x: 'kubectl' }));
    expect(Object.keys(owners(shared)).sort()).toEqual(['kubectl-client-side-apply/Update', 'wib/Apply']);
  });

  test('a merge patch takes ownership of what it changes as an Update', async () => {
    await applyAs('wib', sa('ssa', 'patched', { x: '1', y: '1' }));
    const patched = await api.patchNamespacedServiceAccount(
      {
        namespace: 'ssa',
        name: 'patched',
        fieldManager: 'hand-edit',
        body: { metadata: { annotations: { x: '2' } } },
      },
      merge,
    );
    expect(owners(patched)).toEqual({
      'wib/Apply': { 'f:metadata': { 'f:annotations': { '.': {}, 'f:y': {} } } },
      'hand-edit/Update': { 'f:metadata': { 'f:annotations': { '.': {}, 'f:x': {} } } },
    });
  });

  test('apply without fieldManager is rejected; apply into a missing namespace is NotFound', async () => {
    const noManager = await failure(
      api.patchNamespacedServiceAccount({ namespace: 'ssa', name: 'm', body: sa('ssa', 'm') }, apply),
    );
    expect(noManager.code).toBe(422);
    expect(noManager.body.message).toContain('fieldManager: Required value: is required for apply patch');
    const noNs = await failure(
      api.patchNamespacedServiceAccount(
        { namespace: 'ghost', name: 'm', fieldManager: 'wib', body: sa('ghost', 'm') },
        apply,
      ),
    );
    expect(noNs.code).toBe(404);
    expect(noNs.body.message).toBe('namespaces "ghost" not found');
  });
});

describe('authentication', () => {
  test('no token or a wrong token is 401 Unauthorized', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: emulator.url, skipTLSVerify: true }],
      users: [{ name: 'nobody' }],
      contexts: [{ name: 'c', cluster: 'c', user: 'nobody' }],
      currentContext: 'c',
    });
    expect((await failure(kc.makeApiClient(CoreV1Api).listNamespace())).code).toBe(401);
    expect((await failure(client(kubeconfigFor(emulator, { token: 'wrong' })).listNamespace())).code).toBe(
      401,
    );
    // client-node drops 401 bodies; the wire answer is the API server's Status.
    const raw = await fetch(`${emulator.url}/api/v1/namespaces`, {
      headers: { authorization: 'Bearer wrong' },
    });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  });

  test('the read-only token may read but not write (403 Forbidden)', async () => {
    const reader = client(kubeconfigFor(emulator, { token: READ_ONLY }));
    await expect(reader.listServiceAccountForAllNamespaces()).resolves.toMatchObject({
      kind: 'ServiceAccountList',
    });
    const denied = await failure(
      reader.createNamespacedServiceAccount({ namespace: 'default', body: sa('default', 'nope') }),
    );
    expect(denied.code).toBe(403);
    expect(denied.body.reason).toBe('Forbidden');
    expect(denied.body.message).toBe(
      'serviceaccounts is forbidden: User "read-only" cannot create resource "serviceaccounts" in API group "" in the namespace "default"',
    );
    expect(emulator.getServiceAccount('default', 'nope')).toBeUndefined();
  });
});

describe('faults and counters', () => {
  afterEach(() => emulator.server.setFaults({}));

  test('throttling answers 429 TooManyRequests with Retry-After; the retry succeeds', async () => {
    emulator.server.setFaults({ throttleRate: 1 });
    const throttled = await failure(api.listNamespace());
    expect(throttled.code).toBe(429);
    expect(throttled.body.reason).toBe('TooManyRequests');
    expect(throttled.headers['retry-after']).toBe('1');
    expect(emulator.server.injected().throttled).toBeGreaterThanOrEqual(1);
    emulator.server.setFaults({});
    await expect(api.listNamespace()).resolves.toMatchObject({ kind: 'NamespaceList' });
  });

  test('a rate limit on writes lets reads through and throttles the write past the burst', async () => {
    emulator.server.setFaults({ rateLimit: { perSecond: 0.001, burst: 1, mutatingOnly: true } });
    await api.createNamespacedServiceAccount({ namespace: 'default', body: sa('default', 'limited-1') });
    await api.listNamespace();
    const second = await failure(
      api.createNamespacedServiceAccount({ namespace: 'default', body: sa('default', 'limited-2') }),
    );
    expect(second.code).toBe(429);
    expect(emulator.getServiceAccount('default', 'limited-2')).toBeUndefined();
  });

  test('the error knob answers 500 InternalError', async () => {
    emulator.server.setFaults({ errorRate: 1 });
    const failed = await failure(api.readNamespace({ name: 'default' }));
    expect(failed.code).toBe(500);
    expect(failed.body.reason).toBe('InternalError');
  });

  test('a dropped connection surfaces as fetch failed', async () => {
    emulator.server.setFaults({ dropRate: 1 });
    await expect(api.listNamespace()).rejects.toThrow('fetch failed');
    expect(emulator.server.injected().dropped).toBeGreaterThanOrEqual(1);
  });

  test('counters name each operation and whether it writes', async () => {
    emulator.server.resetCounters();
    emulator.seedServiceAccount({ namespace: 'default', name: 'counted' });
    await api.listServiceAccountForAllNamespaces();
    await api.readNamespacedServiceAccount({ namespace: 'default', name: 'counted' });
    await api.patchNamespacedServiceAccount(
      {
        namespace: 'default',
        name: 'counted',
        fieldManager: 'wib',
        body: sa('default', 'counted', { a: 'b' }),
      },
      apply,
    );
    await api.deleteNamespacedServiceAccount({ namespace: 'default', name: 'counted' });
    expect(emulator.server.counters()).toEqual([
      { operation: OPERATIONS.deleteServiceAccount, mutating: true, count: 1 },
      { operation: OPERATIONS.getServiceAccount, mutating: false, count: 1 },
      { operation: OPERATIONS.listServiceAccounts, mutating: false, count: 1 },
      { operation: OPERATIONS.applyServiceAccount, mutating: true, count: 1 },
    ]);
    expect(emulator.server.totalCalls({ mutating: true })).toBe(2);
  });
});

describe('state helpers and https', () => {
  test('seed/get/list reach the state without HTTP', () => {
    const before = emulator.server.totalCalls();
    emulator.seedServiceAccount({ namespace: 'direct', name: 'one', annotations: { k: 'v' } });
    expect(emulator.getServiceAccount('direct', 'one')?.metadata.annotations).toEqual({ k: 'v' });
    expect(emulator.listServiceAccounts('direct').map((s) => s.metadata.name)).toEqual(['one']);
    expect(emulator.namespaces()).toContain('direct');
    expect(emulator.server.totalCalls()).toBe(before);
  });

  test('https mode: client-node verifies the server against the exported CA', async () => {
    const secure = new KubeEmulator({ https: true, token: 'tls-token' });
    try {
      const url = await secure.start();
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(secure.caPem).toContain('-----BEGIN CERTIFICATE-----');
      const kubeconfig = kubeconfigFor(secure, { context: 'tls' });
      expect(kubeconfig).toContain('certificate-authority-data');
      expect(kubeconfig).not.toContain('insecure-skip-tls-verify');
      secure.seedServiceAccount({ namespace: 'default', name: 'over-tls' });
      const list = await client(kubeconfig).listNamespacedServiceAccount({ namespace: 'default' });
      expect(list.items.map((s) => s.metadata?.name)).toEqual(['over-tls']);

      // Without the CA (system roots only) the client refuses the server's certificate.
      const untrusting = new KubeConfig();
      untrusting.loadFromOptions({
        clusters: [{ name: 'c', server: url }],
        users: [{ name: 'u', token: 'tls-token' }],
        contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
        currentContext: 'c',
      });
      const refused = await untrusting
        .makeApiClient(CoreV1Api)
        .listNamespace()
        .then(
          () => undefined,
          (error: unknown) => error as Error & { cause?: { code?: string } },
        );
      expect(refused?.message).toContain('fetch failed');
      expect(refused?.cause?.code).toMatch(/CERT|SIGNATURE|ISSUER/);
    } finally {
      await secure.stop();
    }
  });
});
