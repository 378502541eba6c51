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
});
