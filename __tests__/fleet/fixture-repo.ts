// A repository of many bindings files over several AWS accounts, made in a temporary folder and
// committed with git, as a platform team's monorepo would hold them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const ACCOUNTS = [
  '111111111111',
  '222222222222',
  '333333333333',
  '444444444444',
  '555555555555',
  '666666666666',
];
export const TEAMS = ['payments', 'search', 'checkout', 'ledger', 'identity'];

export interface FileSpec {
  owner: string;
  accountId?: string;
  roles: string[];
  extraAws?: string;
}

export function bindingsYaml(spec: FileSpec): string {
  const aws = [spec.accountId ? `  accountId: '${spec.accountId}'` : undefined, spec.extraAws].filter(
    Boolean,
  );
  return [
    'version: 1',
    `owner: ${spec.owner}`,
    ...(aws.length ? ['aws:', ...aws] : []),
    'clusters:',
    '  prod:',
    '    issuer: https://oidc.example.com/id/PROD',
    '    kubernetes: false',
    'bindings:',
    ...spec.roles.flatMap((role) => [
      `  - role: ${role}`,
      '    serviceAccounts:',
      `      - { cluster: prod, namespace: ${role.toLowerCase()}, name: ${role.toLowerCase()} }`,
    ]),
    '',
  ].join('\n');
}

export class FixtureRepo {
  readonly root = mkdtempSync(join(tmpdir(), 'wib-fleet-'));

  constructor() {
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.email', 'ci@example.com');
    this.git('config', 'user.name', 'ci');
    this.git('config', 'commit.gpgsign', 'false');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.root, encoding: 'utf8' });
  }

  write(path: string, text: string): this {
    mkdirSync(dirname(join(this.root, path)), { recursive: true });
    writeFileSync(join(this.root, path), text);
    return this;
  }

  remove(path: string): this {
    rmSync(join(this.root, path));
    return this;
  }

  commit(message = 'change'): string {
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** 30 files over 6 accounts: accounts/<account>/teams/<team>/workload-identity.yaml. */
export function fleetRepo(): FixtureRepo {
  const repo = new FixtureRepo();
  for (const account of ACCOUNTS) {
    for (const team of TEAMS) {
      repo.write(
        `accounts/${account}/teams/${team}/workload-identity.yaml`,
        bindingsYaml({
          owner: `acme/${team}-${account}`,
          accountId: account,
          roles: [`${team}-api`, `${team}-worker`],
        }),
      );
    }
  }
  // Not a bindings file by name, and an ignored copy that must never be listed.
  repo.write('docs/workload-identity.md', '# notes\n');
  repo.write('.gitignore', 'node_modules/\n');
  repo.write('node_modules/pkg/workload-identity.yaml', bindingsYaml({ owner: 'x/y', roles: ['r'] }));
  repo.commit('fleet');
  return repo;
}
