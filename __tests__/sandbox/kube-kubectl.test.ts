// The Kubernetes emulator checked with the real kubectl (Debian's kubernetes-client in CI): listing,
// server-side apply create/update/conflict and reading back. kubectl only sends bearer tokens over
// TLS, so these run against the https mode with the emulator's CA in the kubeconfig.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeEmulator, kubeconfigFor } from '../../sandbox/kube/emulator.js';

const KUBECTL = process.env.KUBECTL ?? 'kubectl';
const hasKubectl = spawnSync(KUBECTL, ['version', '--client'], { stdio: 'ignore' }).error === undefined;
if (!hasKubectl) {
  console.warn(
    `kubectl not found (tried "${KUBECTL}"): skipping the kubectl tests. Install kubectl (Debian: apt-get install kubernetes-client) to run them.`,
  );
}
const describeWithKubectl = hasKubectl ? describe : describe.skip;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describeWithKubectl('kubectl against the kube emulator', () => {
  const emulator = new KubeEmulator({ https: true, token: 'kubectl-test-token' });
  let dir = '';
  let kubeconfig = '';

  /** Runs kubectl with a private HOME and discovery cache so nothing leaks between runs. */
  function kubectl(...args: string[]): Promise<Run> {
    return new Promise((resolve) => {
      execFile(
        KUBECTL,
        ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args],
        { env: { PATH: process.env.PATH ?? '', HOME: dir }, timeout: 20000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  function manifest(file: string, annotations: Record<string, string>): string {
    const path = join(dir, file);
    const lines = Object.entries(annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`);
    writeFileSync(
      path,
      [
        'apiVersion: v1',
        'kind: ServiceAccount',
        'metadata:',
        '  name: writer',
        '  namespace: team-a',
        '  annotations:',
        ...lines,
        '',
      ].join('\n'),
    );
    return path;
  }

  beforeAll(async () => {
    await emulator.start();
    dir = mkdtempSync(join(tmpdir(), 'kube-kubectl-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigFor(emulator));
    emulator.seedServiceAccount({ namespace: 'team-a', name: 'reader', labels: { app: 'reader' } });
    emulator.seedServiceAccount({ namespace: 'team-b', name: 'batch' });
  });

  afterAll(async () => {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('kubectl get sa -A lists the seeded ServiceAccounts', async () => {
    const run = await kubectl('get', 'sa', '-A');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^NAMESPACE\s+NAME\s+AGE$/m);
    expect(run.stdout).toMatch(/^team-a\s+reader\s+\S+$/m);
    expect(run.stdout).toMatch(/^team-b\s+batch\s+\S+$/m);

    const selected = await kubectl(
      'get',
      'serviceaccounts',
      '-n',
      'team-a',
      '-l',
      'app=reader',
      '-o',
      'name',
    );
    expect(selected.stdout.trim()).toBe('serviceaccount/reader');
  });

  test('kubectl apply --server-side creates, then updates, and get -o json shows the annotation', async () => {
    const created = await kubectl(
      'apply',
      '--server-side',
      '-f',
      manifest('v1.yaml', { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/v1', extra: 'x' }),
    );
    expect(created).toMatchObject({ code: 0, stdout: 'serviceaccount/writer serverside-applied\n' });
    expect(
      emulator
        .getServiceAccount('team-a', 'writer')
        ?.metadata.managedFields?.map((m) => [m.manager, m.operation]),
    ).toEqual([['kubectl', 'Apply']]);

    const updated = await kubectl(
      'apply',
      '--server-side',
      '-f',
      manifest('v2.yaml', { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/v2' }),
    );
    expect(updated.code).toBe(0);

    const got = await kubectl('get', 'sa', 'writer', '-n', 'team-a', '-o', 'json');
    expect(got.code).toBe(0);
    const sa = JSON.parse(got.stdout) as { kind: string; metadata: { annotations: Record<string, string> } };
    expect(sa.kind).toBe('ServiceAccount');
    // The annotation kubectl no longer applies is gone: it owned it alone.
    expect(sa.metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/v2',
    });
  });

  test('a field changed by another manager makes kubectl apply fail until --force-conflicts', async () => {
    const file = manifest('v3.yaml', { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/v3' });
    await kubectl('apply', '--server-side', '-f', file);
    const annotate = await kubectl(
      'annotate',
      'sa',
      'writer',
      '-n',
      'team-a',
      '--overwrite',
      'eks.amazonaws.com/role-arn=by-hand',
    );
    expect(annotate.code).toBe(0);

    const refused = await kubectl('apply', '--server-side', '-f', file);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl-annotate" using v1: .metadata.annotations.eks.amazonaws.com/role-arn',
    );
    expect(
      emulator.getServiceAccount('team-a', 'writer')?.metadata.annotations?.['eks.amazonaws.com/role-arn'],
    ).toBe('by-hand');

    const forced = await kubectl('apply', '--server-side', '--force-conflicts', '-f', file);
    expect(forced.code).toBe(0);
    expect(
      emulator.getServiceAccount('team-a', 'writer')?.metadata.annotations?.['eks.amazonaws.com/role-arn'],
    ).toBe('arn:aws:iam::111122223333:role/v3');
  });

  test('kubectl create (protobuf bodies) makes namespaces and ServiceAccounts; duplicates are AlreadyExists', async () => {
    expect(await kubectl('create', 'namespace', 'team-c')).toMatchObject({
      code: 0,
      stdout: 'namespace/team-c created\n',
    });
    expect(await kubectl('create', 'serviceaccount', 'svc', '-n', 'team-c')).toMatchObject({
      code: 0,
      stdout: 'serviceaccount/svc created\n',
    });
    expect(emulator.getServiceAccount('team-c', 'svc')?.metadata.name).toBe('svc');
    const again = await kubectl('create', 'namespace', 'team-c');
    expect(again.stderr).toContain('Error from server (AlreadyExists): namespaces "team-c" already exists');
    const invalid = await kubectl('create', 'serviceaccount', 'Bad_Name', '-n', 'team-c');
    expect(invalid.stderr).toContain(
      'ServiceAccount "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"',
    );
  });

  test('errors read like a cluster: NotFound and Unauthorized', async () => {
    const missing = await kubectl('get', 'sa', 'nope', '-n', 'team-a');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('Error from server (NotFound): serviceaccounts "nope" not found');

    const denied = await kubectl('--token', 'wrong-token', 'get', 'sa', '-A');
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('Unauthorized');
  });

  describe('failing the way a real API server does (#20)', () => {
    /** A manifest for any ServiceAccount, applied with kubectl's default field manager. */
    function saFile(file: string, namespace: string, name: string, meta: string[]): string {
      const path = join(dir, file);
      writeFileSync(
        path,
        [
          'apiVersion: v1',
          'kind: ServiceAccount',
          'metadata:',
          `  name: ${name}`,
          `  namespace: ${namespace}`,
          ...meta,
          '',
        ].join('\n'),
      );
      return path;
    }

    test('an object without managedFields: the first apply assigns its fields to "before-first-apply"', async () => {
      emulator.seedServiceAccount({
        namespace: 'legacy',
        name: 'old',
        fieldManager: null, // no managedFields at all
        annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/old' },
      });
      const file = saFile('old.yaml', 'legacy', 'old', [
        '  annotations:',
        '    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/new',
      ]);
      const refused = await kubectl('apply', '--server-side', '-f', file);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(
        'conflict with "before-first-apply" using v1: .metadata.annotations.eks.amazonaws.com/role-arn',
      );
      // The same value is no conflict: both managers own it afterwards.
      const same = saFile('same.yaml', 'legacy', 'old', [
        '  annotations:',
        '    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/old',
      ]);
      expect((await kubectl('apply', '--server-side', '-f', same)).code).toBe(0);
      const managers = emulator.getServiceAccount('legacy', 'old')?.metadata.managedFields ?? [];
      expect(managers.map((m) => [m.manager, m.operation])).toEqual([
        ['before-first-apply', 'Update'],
        ['kubectl', 'Apply'],
      ]);
    });

    test('a seed without a field manager looks like `kubectl apply` made it: managedFields of kubectl-client-side-apply (#20)', async () => {
      emulator.seedServiceAccount({
        namespace: 'seeded',
        name: 'app',
        annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/app' },
      });
      const shown = await kubectl(
        'get',
        'serviceaccount',
        '-n',
        'seeded',
        'app',
        '-o',
        'json',
        '--show-managed-fields',
      );
      expect(shown.code).toBe(0);
      const managed = (
        JSON.parse(shown.stdout) as { metadata: { managedFields?: Array<Record<string, unknown>> } }
      ).metadata.managedFields;
      expect(managed?.map((m) => [m.manager, m.operation])).toEqual([
        ['kubectl-client-side-apply', 'Update'],
      ]);
      const file = saFile('seeded.yaml', 'seeded', 'app', [
        '  annotations:',
        '    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/other',
      ]);
      const refused = await kubectl('apply', '--server-side', '-f', file);
      expect(refused.stderr).toContain(
        'conflict with "kubectl-client-side-apply" using v1: .metadata.annotations.eks.amazonaws.com/role-arn',
      );
    });

    test('a Helm-installed ServiceAccount: its managed-by label belongs to "helm"', async () => {
      emulator.seedServiceAccount({
        namespace: 'charts',
        name: 'web',
        labels: { 'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': 'web-0.1.0' },
        annotations: { 'meta.helm.sh/release-name': 'web', 'meta.helm.sh/release-namespace': 'charts' },
        fieldManager: 'helm',
      });
      const labelled = saFile('label.yaml', 'charts', 'web', [
        '  labels:',
        '    app.kubernetes.io/managed-by: workload-identity-bindings',
      ]);
      const refused = await kubectl(
        'apply',
        '--server-side',
        '--field-manager',
        'workload-identity-bindings',
        '-f',
        labelled,
      );
      expect(refused.stderr).toContain(
        'conflict with "helm" using v1: .metadata.labels.app.kubernetes.io/managed-by',
      );
      const annotated = saFile('annotate.yaml', 'charts', 'web', [
        '  annotations:',
        '    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/web',
      ]);
      const ok = await kubectl(
        'apply',
        '--server-side',
        '--field-manager',
        'workload-identity-bindings',
        '-f',
        annotated,
      );
      expect(ok.code).toBe(0);
      expect(emulator.getServiceAccount('charts', 'web')?.metadata.labels).toEqual({
        'app.kubernetes.io/managed-by': 'Helm',
        'helm.sh/chart': 'web-0.1.0',
      });
    });

    test('kubectl delete namespace leaves it Terminating, and creates in it get 403 NamespaceTerminating', async () => {
      expect((await kubectl('create', 'namespace', 'going')).code).toBe(0);
      expect((await kubectl('create', 'serviceaccount', 'stays', '-n', 'going')).code).toBe(0);
      const deleted = await kubectl('delete', 'namespace', 'going', '--wait=false');
      expect(deleted).toMatchObject({ code: 0, stdout: 'namespace "going" deleted\n' });
      const phase = await kubectl('get', 'namespace', 'going', '-o', 'jsonpath={.status.phase}');
      expect(phase.stdout).toBe('Terminating');
      const refused = await kubectl('create', 'serviceaccount', 'late', '-n', 'going');
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(
        'serviceaccounts "late" is forbidden: unable to create new content in namespace going because it is being terminated',
      );
      // Existing objects can still be changed.
      expect((await kubectl('annotate', 'sa', 'stays', '-n', 'going', 'k=v')).code).toBe(0);
    });

    test("an expired continue token is 410 Expired with the API server's message", async () => {
      emulator.expireContinueTokens({ expireNext: 1 });
      try {
        const run = await kubectl('get', 'sa', '-A', '--chunk-size=1');
        expect(run.code).not.toBe(0);
        expect(run.stderr).toContain(
          'The provided continue parameter is too old to display a consistent list result',
        );
      } finally {
        emulator.expireContinueTokens({});
      }
      const again = await kubectl('get', 'sa', '-A', '--chunk-size=1', '-o', 'name');
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('serviceaccount/reader');
    });

    test('annotation size counts bytes: 256 KiB of two-byte characters is too long', async () => {
      expect((await kubectl('create', 'serviceaccount', 'big', '-n', 'team-a')).code).toBe(0);
      // 100,000 characters but 200,000 bytes each; two of them exceed 262,144 bytes, not characters.
      const value = 'é'.repeat(100_000);
      const file = saFile('big.yaml', 'team-a', 'big', [
        '  annotations:',
        `    a: ${value}`,
        `    b: ${value}`,
      ]);
      const refused = await kubectl('apply', '--server-side', '-f', file);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('metadata.annotations: Too long: may not be more than 262144 bytes');
    });

    test('RBAC can deny a cluster-wide list while each namespace may still be listed', async () => {
      emulator.denyRequests([{ verb: 'list', resource: 'serviceaccounts', scope: 'cluster' }]);
      try {
        const all = await kubectl('get', 'sa', '-A');
        expect(all.code).not.toBe(0);
        expect(all.stderr).toContain(
          'serviceaccounts is forbidden: User "kubernetes-admin" cannot list resource "serviceaccounts" in API group "" at the cluster scope',
        );
        const one = await kubectl('get', 'sa', '-n', 'team-a', '-o', 'name');
        expect(one.code).toBe(0);
        expect(one.stdout).toContain('serviceaccount/reader');
      } finally {
        emulator.denyRequests([]);
      }
    });
  });
});
