// `npm run demo`: the whole flow on the built-in local sandbox, no AWS account or cluster needed.
// Starts the IAM and Kubernetes emulators, then runs the real CLI (dist/cli.js) against them:
// validate, plan, the pull-request comment, apply of the reviewed plan, plan again, and verify (a
// real token from each cluster exchanged at STS for the role's credentials).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startLocalSandbox } from './local.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const bindings = relative(process.cwd(), join(root, 'examples', 'multi-cluster', 'workload-identity.yaml'));

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  console.log(`\n${bold(`$ workload-identity ${args.join(' ')}`)}`);
  return new Promise((resolve, reject) => {
    // Async spawn: the emulators live in this process and must keep answering while the CLI runs.
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, ...env },
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<number> {
  if (!existsSync(cli)) {
    console.error('dist/cli.js is missing: run `npm run bundle` first.');
    return 1;
  }
  const started = performance.now();
  const sandbox = await startLocalSandbox({ contexts: ['prod-us', 'prod-eu'], namespaces: ['orders'] });
  // Something already in the account that is not ours: the plan must leave it alone.
  sandbox.iam.seedRole({ roleName: 'legacy-admin', path: '/', tags: { team: 'ops' } });
  // Workloads already running as the ServiceAccounts the file creates: the plan lists them under
  // "Workloads to restart", and apply repeats them with the kubectl command for each.
  sandbox.kube.get('prod-us')?.seedWorkload({
    resource: 'deployments',
    namespace: 'orders',
    name: 'orders-api',
    serviceAccountName: 'orders-api',
  });
  sandbox.kube.get('prod-eu')?.seedWorkload({
    resource: 'cronjobs',
    namespace: 'orders',
    name: 'orders-nightly',
    serviceAccountName: 'orders-api',
  });
  const planPath = join(sandbox.dir, 'plan.json');
  console.log(
    bold(
      'Local sandbox: IAM+STS and two Kubernetes API emulators on 127.0.0.1 (no AWS account, cluster or token).',
    ),
  );
  console.log(`  IAM/STS        ${sandbox.iam.url}`);
  for (const [context, k] of sandbox.kube) console.log(`  ${context.padEnd(14)} ${k.url}`);
  console.log(`  bindings file  ${bindings}`);
  try {
    const steps: Array<{ args: string[]; expect: number[] }> = [
      { args: ['validate', '--file', bindings], expect: [0] },
      { args: ['plan', '--file', bindings, '--out', planPath, '--detailed-exitcode'], expect: [2] },
      { args: ['plan', '--file', bindings, '--format', 'markdown'], expect: [0] },
      { args: ['apply', '--file', bindings, '--plan', planPath], expect: [0] },
      { args: ['plan', '--file', bindings, '--detailed-exitcode'], expect: [0] },
      // The proof: each ServiceAccount's token from its cluster, exchanged at STS for the role.
      { args: ['verify', '--file', bindings], expect: [0] },
    ];
    for (const step of steps) {
      const code = await runCli(step.args, sandbox.env);
      if (!step.expect.includes(code)) {
        console.error(`\nThe demo stopped: that step exited ${code}, expected ${step.expect.join(' or ')}.`);
        return 1;
      }
    }
    const sa = sandbox.kube.get('prod-us')!.getServiceAccount('orders', 'orders-api');
    console.log(`\n${bold('ServiceAccount orders/orders-api on prod-us now carries:')}`);
    console.log(`  eks.amazonaws.com/role-arn: ${sa?.metadata.annotations?.['eks.amazonaws.com/role-arn']}`);
    console.log(
      `\nDemo finished in ${((performance.now() - started) / 1000).toFixed(1)} s. IAM calls: ${sandbox.iam.server.totalCalls()} (${sandbox.iam.server.totalCalls({ mutating: true })} mutating).`,
    );
    return 0;
  } finally {
    await sandbox.stop();
  }
}

process.exitCode = await main();
