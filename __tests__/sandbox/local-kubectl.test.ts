// The README says the sandbox can be looked at with kubectl: the real kubectl with the sandbox's
// KUBECONFIG lists ServiceAccounts (client-go sends the bearer token only over TLS).
import { spawn } from 'node:child_process';
import { startLocalSandbox, type LocalSandbox } from '../../sandbox/local.js';

let sandbox: LocalSandbox;
beforeAll(async () => {
  sandbox = await startLocalSandbox({ contexts: ['prod', 'prod-eu'] });
  sandbox.kube.get('prod-eu')!.seedServiceAccount({ namespace: 'default', name: 'seen-by-kubectl' });
});
afterAll(async () => {
  await sandbox.stop();
});

/** Asynchronous: the emulators live in this process and must keep answering while kubectl runs. */
function kubectl(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', args, {
      env: { PATH: process.env.PATH, HOME: sandbox.dir, KUBECONFIG: sandbox.kubeconfigPath },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('kubectl --context NAME get sa works with the sandbox KUBECONFIG', async () => {
  const run = await kubectl(['--context', 'prod-eu', 'get', 'sa', '-o', 'name']);
  expect(run.stderr).not.toContain('provide credentials');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('serviceaccount/seen-by-kubectl');
});
