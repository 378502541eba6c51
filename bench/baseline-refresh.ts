// The baseline the bench compares the plan with: Terraform's refresh of the same resources written
// the way the iam-role-for-service-accounts pattern writes them, one resource at a time, with the
// real SDKs against the same emulators. What Terraform's AWS and Kubernetes providers send, per
// resource (the calls counted on the wire for a real `terraform plan` of 1,000 such roles):
//
// - aws_iam_role: GetRole, ListRolePolicies, GetRolePolicy for each inline policy the role holds,
//   ListAttachedRolePolicies (the provider reads inline and attached policies into state);
// - aws_iam_role_policy (one per inline policy): GetRolePolicy;
// - aws_iam_role_policy_attachment (one per managed policy): ListAttachedRolePolicies;
// - aws_iam_openid_connect_provider (one per issuer): GetOpenIDConnectProvider;
// - kubernetes_service_account_v1 (one per ServiceAccount): one GET.
//
// Terraform refreshes up to 10 resources at a time (its default -parallelism); a resource's own
// calls go one after another. Run as its own child process and timed as a process, from spawn to
// exit, like the CLI it is compared with:
//   node --import ./scripts/ts-register.mjs bench/baseline-refresh.ts INPUT.json
// Prints a JSON summary of what it found (the emulators count the calls).
import { readFile } from 'node:fs/promises';
import {
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
} from '@aws-sdk/client-iam';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { mapWithConcurrency } from '../src/support/concurrency.js';

export const TERRAFORM_PARALLELISM = 10;

export interface BaselineRole {
  name: string;
  /** Names of its inline policies: one aws_iam_role_policy resource each. */
  inlinePolicies: string[];
  /** Managed policies attached: one aws_iam_role_policy_attachment resource each. */
  attachments: number;
}

export interface BaselineInput {
  accountId: string;
  roles: BaselineRole[];
  issuers: string[];
  serviceAccounts: Array<{ context: string; namespace: string; name: string }>;
}

export interface BaselineResult {
  resources: number;
  rolesRead: number;
  inlinePoliciesRead: number;
  providersRead: number;
  serviceAccountsRead: number;
  /** From the first request to the last answer (module loading excluded; the bench times the process). */
  refreshMs: number;
}

/** One Terraform resource's refresh. */
type Refresh = () => Promise<unknown>;

async function refresh(input: BaselineInput): Promise<BaselineResult> {
  const iam = new IAMClient({
    region: process.env.AWS_REGION ?? 'us-east-1',
    maxAttempts: 10,
    retryMode: 'adaptive',
  });
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
  let rolesRead = 0;
  let inlinePoliciesRead = 0;
  const role =
    (r: BaselineRole): Refresh =>
    async () => {
      await iam.send(new GetRoleCommand({ RoleName: r.name }));
      const names: string[] = [];
      for await (const page of paginateListRolePolicies({ client: iam }, { RoleName: r.name }))
        names.push(...(page.PolicyNames ?? []));
      for (const policy of names)
        await iam.send(new GetRolePolicyCommand({ RoleName: r.name, PolicyName: policy }));
      for await (const page of paginateListAttachedRolePolicies({ client: iam }, { RoleName: r.name }))
        void page;
      rolesRead += 1;
    };
  const rolePolicy =
    (roleName: string, policyName: string): Refresh =>
    async () => {
      await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
      inlinePoliciesRead += 1;
    };
  const attachment =
    (roleName: string): Refresh =>
    async () => {
      for await (const page of paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName }))
        void page;
    };
  const provider =
    (issuer: string): Refresh =>
    () =>
      iam.send(
        new GetOpenIDConnectProviderCommand({
          OpenIDConnectProviderArn: `arn:aws:iam::${input.accountId}:oidc-provider/${issuer.replace(/^https:\/\//, '')}`,
        }),
      );
  const serviceAccount =
    (sa: BaselineInput['serviceAccounts'][number]): Refresh =>
    () =>
      api(sa.context).readNamespacedServiceAccount({ namespace: sa.namespace, name: sa.name });

  const resources: Refresh[] = [
    ...input.issuers.map(provider),
    ...input.roles.flatMap((r) => [
      role(r),
      ...r.inlinePolicies.map((p) => rolePolicy(r.name, p)),
      ...Array.from({ length: r.attachments }, () => attachment(r.name)),
    ]),
    ...input.serviceAccounts.map(serviceAccount),
  ];
  const started = performance.now();
  try {
    await mapWithConcurrency(resources, TERRAFORM_PARALLELISM, (read) => read());
  } finally {
    iam.destroy();
  }
  return {
    resources: resources.length,
    rolesRead,
    inlinePoliciesRead,
    providersRead: input.issuers.length,
    serviceAccountsRead: input.serviceAccounts.length,
    refreshMs: performance.now() - started,
  };
}

const inputPath = process.argv[2];
if (!inputPath) {
  process.stderr.write('usage: baseline-refresh.ts INPUT.json (written by bench/run.ts)\n');
  process.exitCode = 1;
} else {
  const input = JSON.parse(await readFile(inputPath, 'utf8')) as BaselineInput;
  process.stdout.write(`${JSON.stringify(await refresh(input))}\n`);
}
