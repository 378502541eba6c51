// `workload-identity import` at account scale: 1,000 IRSA-style roles made by hand (no owner tag)
// among 1,500 roles in the account, imported by the real CLI as a child process. Records the IAM
// calls by operation (the plan's read budget: GetAccountAuthorizationDetails pages, one ListRoles
// page set, ListOpenIDConnectProviders), wall time and peak RSS.
//   npm run bench:matrix also runs it; alone: node --import ./scripts/ts-register.mjs bench/import.ts
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IamEmulator } from '../sandbox/iam/index.js';
import { cliArgs, runNode, type CliTarget } from './child.js';
import { awsEnv } from './environment.js';

export interface ImportRun {
  roles: number;
  accountRoles: number;
  imported: number;
  exitCode: number | null;
  wallMs: number;
  maxRssMb?: number;
  calls: Record<string, number>;
}

const ISSUER = 'oidc.bench.example.com/id/IMPORT';

export async function measureImport(cli: CliTarget, roles = 1000, unrelated = 500): Promise<ImportRun> {
  const iam = new IamEmulator();
  const dir = await mkdtemp(join(tmpdir(), 'wib-bench-import-'));
  try {
    await iam.start();
    iam.seedOidcProvider({ url: `https://${ISSUER}` });
    const provider = `arn:aws:iam::${iam.accountId}:oidc-provider/${ISSUER}`;
    for (let i = 0; i < roles; i++)
      iam.seedRole({
        roleName: `irsa-${String(i).padStart(4, '0')}`,
        assumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: provider },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: {
                StringEquals: {
                  [`${ISSUER}:sub`]: `system:serviceaccount:team-${i % 20}:app-${i}`,
                  [`${ISSUER}:aud`]: 'sts.amazonaws.com',
                },
              },
            },
          ],
        },
        attachedPolicyArns: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
      });
    for (let i = 0; i < unrelated; i++) iam.seedRole({ roleName: `service-${i}` });
    iam.server.resetCounters();
    const out = join(dir, 'imported.yaml');
    const run = await runNode(cliArgs(cli, ['import', '--owner', 'acme/bench', '--file', out]), {
      env: awsEnv(iam.url, dir),
      timeoutMs: 10 * 60_000,
    });
    await writeFile(join(dir, 'stderr'), run.stderr);
    const imported = Number(/import: (\d+) roles? written/.exec(run.stderr)?.[1] ?? 0);
    return {
      roles,
      accountRoles: roles + unrelated,
      imported,
      exitCode: run.exitCode,
      wallMs: run.wallMs,
      maxRssMb: run.maxRssMb,
      calls: Object.fromEntries(iam.server.counters().map((c) => [c.operation, c.count])),
    };
  } finally {
    await iam.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export function renderImport(r: ImportRun): string {
  const calls = Object.entries(r.calls)
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');
  return [
    `### Import: ${r.roles} roles among ${r.accountRoles} in the account`,
    '',
    '| Figure | Value |',
    '| --- | --- |',
    `| roles written | ${r.imported} (exit ${r.exitCode}) |`,
    `| IAM calls | ${calls} |`,
    `| wall time | ${(r.wallMs / 1000).toFixed(2)} s |`,
    `| peak RSS | ${r.maxRssMb?.toFixed(0) ?? '?'} MB |`,
    '',
  ].join('\n');
}
