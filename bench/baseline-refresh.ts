// The baseline the bench compares the plan with: how Terraform's providers refresh the same
// resources, one resource at a time, with the real SDKs against the same emulators.
//
// - Discovery: ListRoles over the whole account (all pages), as `terraform import` / a generated
//   configuration needs to find each role by name.
// - aws_iam_role (+ its inline policies and attachments), per role, 10 roles at a time (Terraform's
//   default -parallelism): GetRole, ListRolePolicies, GetRolePolicy per inline policy,
//   ListAttachedRolePolicies, ListRoleTags.
// - aws_iam_openid_connect_provider: GetOpenIDConnectProvider per issuer.
// - kubernetes_service_account_v1: one GET per ServiceAccount.
//
// Run as a child process (like the CLI it is compared with):
//   node --import ./scripts/ts-register.mjs bench/baseline-refresh.ts INPUT.json
// Prints a JSON summary of what it found and how long the reads took (refreshMs, module loading
// excluded: the bench adds the CLI's own start-up time so both sides pay the same); the calls are
// counted by the emulators.
import { readFile } from 'node:fs/promises';
import {
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListRoleTagsCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  paginateListRoles,
} from '@aws-sdk/client-iam';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { mapWithConcurrency } from '../src/support/concurrency.js';

export const TERRAFORM_PARALLELISM = 10;

export interface BaselineInput {
  accountId: string;
  roles: string[];
  issuers: string[];
  serviceAccounts: Array<{ context: string; namespace: string; name: string }>;
}

export interface BaselineResult {
  rolesListed: number;
  rolesRead: number;
  inlinePoliciesRead: number;
  providersRead: number;
  serviceAccountsRead: number;
  refreshMs: number;
}

async function refresh(input: BaselineInput): Promise<BaselineResult> {
  const started = performance.now();
  const iam = new IAMClient({
    region: process.env.AWS_REGION ?? 'us-east-1',
    maxAttempts: 10,
    retryMode: 'adaptive',
  });
  try {
    const listed = new Set<string>();
    for await (const page of paginateListRoles({ client: iam, pageSize: 1000 }, {})) {
      for (const role of page.Roles ?? []) listed.add(role.RoleName ?? '');
    }
    const toRead = input.roles.filter((name) => listed.has(name));
    const inline = await mapWithConcurrency(toRead, TERRAFORM_PARALLELISM, async (name) => {
      await iam.send(new GetRoleCommand({ RoleName: name }));
      const policyNames: string[] = [];
      for await (const page of paginateListRolePolicies({ client: iam }, { RoleName: name }))
        policyNames.push(...(page.PolicyNames ?? []));
      for (const policy of policyNames)
        await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policy }));
      for await (const page of paginateListAttachedRolePolicies({ client: iam }, { RoleName: name }))
        void page;
      await iam.send(new ListRoleTagsCommand({ RoleName: name }));
      return policyNames.length;
    });
    const providers = await mapWithConcurrency(input.issuers, TERRAFORM_PARALLELISM, (issuer) =>
      iam.send(
        new GetOpenIDConnectProviderCommand({
          OpenIDConnectProviderArn: `arn:aws:iam::${input.accountId}:oidc-provider/${issuer.replace(/^https:\/\//, '')}`,
        }),
      ),
    );

    const kc = new KubeConfig();
    kc.loadFromDefault();
    const apis = new Map<string, CoreV1Api>();
    const api = (context: string): CoreV1Api => {
      let client = apis.get(context);
      if (!client) {
        const one = new KubeConfig();
        one.loadFromString(kc.exportConfig());
        one.setCurrentContext(context);
        client = one.makeApiClient(CoreV1Api);
        apis.set(context, client);
      }
      return client;
    };
    const accounts = await mapWithConcurrency(input.serviceAccounts, TERRAFORM_PARALLELISM, (sa) =>
      api(sa.context).readNamespacedServiceAccount({ namespace: sa.namespace, name: sa.name }),
    );
    return {
      rolesListed: listed.size,
      rolesRead: toRead.length,
      inlinePoliciesRead: inline.reduce((a, b) => a + b, 0),
      providersRead: providers.length,
      serviceAccountsRead: accounts.length,
      refreshMs: performance.now() - started,
    };
  } finally {
    iam.destroy();
  }
}

const inputPath = process.argv[2];
if (!inputPath) {
  process.stderr.write('usage: baseline-refresh.ts INPUT.json (written by bench/run.ts)\n');
  process.exitCode = 1;
} else {
  const input = JSON.parse(await readFile(inputPath, 'utf8')) as BaselineInput;
  process.stdout.write(`${JSON.stringify(await refresh(input))}\n`);
}
