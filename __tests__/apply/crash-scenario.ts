// The world the crash-recovery suite kills apply in: a bindings file with enough work to interrupt
// (40 bindings on two clusters, shared roles, inline and managed policies, extra annotations), the
// resources that already exist and are not ours, snapshots of everything the emulators hold, and
// the ownership invariants that must hold at any moment — right after a SIGKILL as well as after
// the re-run converged.
import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'yaml';
import type { OidcProviderState, RoleState } from '../../sandbox/iam/index.js';
import type { ServiceAccountJson } from '../../sandbox/kube/emulator.js';
import { startLocalSandbox, type LocalSandbox } from '../../sandbox/local.js';
import {
  CREATED_ANNOTATION,
  DEFAULT_ROLE_PATH,
  FIELD_MANAGER,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  OWNER_ANNOTATION,
  OWNER_TAG,
  ROLE_ARN_ANNOTATION,
} from '../../src/support/ownership.js';

export const OWNER = 'acme/crash-recovery';
export const FOREIGN_OWNER = 'acme/other-team';
const ACCOUNT = '123456789012';
const CONTEXTS = ['east', 'west'] as const;
const NAMESPACES = ['payments', 'orders', 'search', 'batch'];
const ISSUERS: Record<(typeof CONTEXTS)[number], string> = {
  east: 'https://oidc.east.example.com/id/EAST1',
  west: 'https://oidc.west.example.com/id/WEST1',
};
const BINDINGS = 40;

interface SaRef {
  cluster: (typeof CONTEXTS)[number];
  namespace: string;
  name: string;
}

interface BindingSpec {
  role: string;
  description?: string;
  serviceAccounts: SaRef[];
  managedPolicies?: string[];
  inlinePolicies?: Record<string, object>;
  maxSessionDuration?: number;
  tags: Record<string, string>;
  serviceAccountAnnotations?: Record<string, string>;
}

const pad = (i: number): string => String(i).padStart(2, '0');
const statement = (action: string, resource: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: [action], Resource: resource }],
});

/** Binding i: every fifth role is shared by three ServiceAccounts across both clusters. */
function binding(i: number): BindingSpec {
  const namespace = NAMESPACES[i % NAMESPACES.length];
  const name = `app-${pad(i)}`;
  const serviceAccounts: SaRef[] =
    i % 5 === 0
      ? [
          { cluster: 'east', namespace, name },
          { cluster: 'west', namespace, name },
          { cluster: 'east', namespace: NAMESPACES[(i + 1) % NAMESPACES.length], name: `${name}-worker` },
        ]
      : [{ cluster: i % 2 === 0 ? 'east' : 'west', namespace, name }];
  const managed = [
    ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
    ['arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess', `arn:aws:iam::${ACCOUNT}:policy/team-${namespace}`],
    [],
  ][i % 3];
  const inline: Record<string, object> = {};
  if (i % 2 === 0) inline[`read-${pad(i)}`] = statement('s3:GetObject', `arn:aws:s3:::bucket-${pad(i)}/*`);
  if (i % 6 === 0)
    inline[`queue-${pad(i)}`] = statement('sqs:SendMessage', `arn:aws:sqs:*:${ACCOUNT}:queue-${pad(i)}`);
  const annotations: Record<string, string> = {};
  if (i % 4 === 0) annotations['eks.amazonaws.com/token-expiration'] = '86400';
  if (i % 3 === 0) annotations['example.com/team'] = namespace;
  return {
    role: `svc-${pad(i)}`,
    ...(i % 2 === 1 ? { description: `Service ${pad(i)} of team ${namespace}` } : {}),
    serviceAccounts,
    ...(managed.length ? { managedPolicies: managed } : {}),
    ...(Object.keys(inline).length ? { inlinePolicies: inline } : {}),
    ...(i % 8 === 0 ? { maxSessionDuration: 7200 } : {}),
    tags: { team: namespace },
    ...(Object.keys(annotations).length ? { serviceAccountAnnotations: annotations } : {}),
  };
}

const BINDING_SPECS = Array.from({ length: BINDINGS }, (_, i) => binding(i));

/** The bindings file as YAML. */
export function bindingsYaml(): string {
  return stringify({
    version: 1,
    owner: OWNER,
    aws: { accountId: ACCOUNT, tags: { 'cost-center': '4200' } },
    clusters: Object.fromEntries(
      CONTEXTS.map((context) => [context, { issuer: ISSUERS[context], kubernetes: { context } }]),
    ),
    bindings: BINDING_SPECS,
  });
}

const saKey = (ref: { cluster: string; namespace: string; name: string }): string =>
  `${ref.cluster}/${ref.namespace}/${ref.name}`;
const roleArn = (role: string): string => `arn:aws:iam::${ACCOUNT}:role${DEFAULT_ROLE_PATH}${role}`;

const FILE_ROLES = new Set(BINDING_SPECS.map((b) => b.role));
const FILE_SERVICE_ACCOUNTS = new Map(
  BINDING_SPECS.flatMap((b) => b.serviceAccounts.map((sa) => [saKey(sa), b] as const)),
);
const FILE_PROVIDER_URLS = new Set(Object.values(ISSUERS).map((url) => url.replace(/^https:\/\//, '')));

/** The ServiceAccount the file binds that exists beforehand without our marks: we only annotate it. */
export const BOUND_UNOWNED_SA: SaRef = { cluster: 'west', namespace: 'batch', name: 'app-03' };

/** What apply must add to BOUND_UNOWNED_SA: the role ARN, the binding's extras, our owner annotation. */
function ourMarksOn(ref: SaRef): { annotations: Record<string, string>; labels: Record<string, string> } {
  const spec = FILE_SERVICE_ACCOUNTS.get(saKey(ref));
  if (!spec) throw new Error(`the bindings file does not bind ${saKey(ref)}`);
  return {
    annotations: {
      ...spec.serviceAccountAnnotations,
      [ROLE_ARN_ANNOTATION]: roleArn(spec.role),
      [OWNER_ANNOTATION]: OWNER,
    },
    // #20: no label on a ServiceAccount we did not create (its managed-by label may be Helm's).
    labels: {},
  };
}

/** Resources that exist before apply and are not ours; apply must leave every byte of them alone. */
function seedForeignAndUnowned(sandbox: LocalSandbox): void {
  const { iam } = sandbox;
  iam.seedRole({
    roleName: 'legacy-admin',
    path: '/',
    description: 'Hand-made, predates the bindings file',
    tags: { team: 'ops' },
    attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    inlinePolicies: { break_glass: statement('iam:PassRole', '*') },
    createDate: new Date('2021-03-04T05:06:07Z'),
  });
  // Another bindings file's role, under our path and trusting our issuer: still never ours.
  iam.seedRole({
    roleName: 'svc-foreign',
    path: DEFAULT_ROLE_PATH,
    assumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUERS.east.slice(8)}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { [`${ISSUERS.east.slice(8)}:sub`]: 'system:serviceaccount:search:indexer' },
          },
        },
      ],
    },
    tags: { [OWNER_TAG]: FOREIGN_OWNER, team: 'search' },
    attachedPolicyArns: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
    inlinePolicies: { index: statement('es:ESHttpGet', '*') },
    createDate: new Date('2024-01-02T03:04:05Z'),
  });
  iam.seedOidcProvider({
    url: 'https://oidc.legacy.example.com/id/OLD',
    clientIds: ['sts.amazonaws.com'],
    createDate: new Date('2020-01-01T00:00:00Z'),
  });
  const east = sandbox.kube.get('east')!;
  const west = sandbox.kube.get('west')!;
  east.seedServiceAccount({
    namespace: 'payments',
    name: 'legacy-worker',
    labels: { app: 'legacy-worker' },
    annotations: { [ROLE_ARN_ANNOTATION]: `arn:aws:iam::${ACCOUNT}:role/legacy-admin` },
    fieldManager: 'kubectl-client-side-apply',
  });
  east.seedServiceAccount({
    namespace: 'search',
    name: 'indexer',
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
    annotations: { [OWNER_ANNOTATION]: FOREIGN_OWNER, [ROLE_ARN_ANNOTATION]: roleArn('svc-foreign') },
    // The other owner runs the same tool, so its field manager has the same name as ours.
    fieldManager: FIELD_MANAGER,
    operation: 'Apply',
  });
  west.seedServiceAccount({
    ...BOUND_UNOWNED_SA,
    labels: { 'app.kubernetes.io/name': 'app-03', 'helm.sh/chart': 'app-1.2.0' },
    annotations: { 'meta.helm.sh/release-name': 'app-03' },
    fieldManager: 'helm',
  });
}

/** Everything the emulators hold, read directly from their state (no HTTP, no counters). */
export interface WorldSnapshot {
  roles: Map<string, RoleState>;
  providers: Map<string, OidcProviderState>;
  serviceAccounts: Map<string, ServiceAccountJson>;
  /** Namespace names per cluster: apply never creates one. */
  namespaces: Map<string, string[]>;
}

export function snapshotWorld(sandbox: LocalSandbox): WorldSnapshot {
  const roles = new Map<string, RoleState>();
  for (const name of sandbox.iam.listRoleNames()) roles.set(name, sandbox.iam.getRoleState(name)!);
  const providers = new Map<string, OidcProviderState>();
  for (const arn of sandbox.iam.listOidcProviderArns())
    providers.set(arn, sandbox.iam.getOidcProviderState(arn)!);
  const serviceAccounts = new Map<string, ServiceAccountJson>();
  for (const [cluster, kube] of sandbox.kube)
    for (const sa of kube.listServiceAccounts()) serviceAccounts.set(saKey({ cluster, ...sa.metadata }), sa);
  const namespaces = new Map([...sandbox.kube].map(([cluster, kube]) => [cluster, kube.namespaces()]));
  return { roles, providers, serviceAccounts, namespaces };
}

export interface CrashWorld {
  sandbox: LocalSandbox;
  /** The world right after seeding, before any apply. */
  seeded: WorldSnapshot;
  /** Mutating calls IAM and both clusters have answered or are answering. */
  mutatingCalls(): number;
  /** Where apply was, judged by which mutating calls the emulators have seen. */
  phase(): 'oidc-providers' | 'roles' | 'service-accounts';
  /** Latency on every emulator, so a kill lands while calls are in flight. */
  setLatency(ms: number): void;
}

export async function startCrashWorld(): Promise<CrashWorld> {
  const sandbox = await startLocalSandbox({ contexts: [...CONTEXTS], namespaces: NAMESPACES });
  seedForeignAndUnowned(sandbox);
  const servers = [sandbox.iam.server, ...[...sandbox.kube.values()].map((k) => k.server)];
  return {
    sandbox,
    seeded: snapshotWorld(sandbox),
    mutatingCalls: () => servers.reduce((sum, server) => sum + server.totalCalls({ mutating: true }), 0),
    phase() {
      const kube = [...sandbox.kube.values()].reduce(
        (n, k) => n + k.server.totalCalls({ mutating: true }),
        0,
      );
      if (kube > 0) return 'service-accounts';
      return sandbox.iam.server.count('CreateRole') > 0 ? 'roles' : 'oidc-providers';
    },
    setLatency(ms) {
      for (const server of servers) server.setFaults(ms > 0 ? { latencyMs: ms } : {});
    },
  };
}

const jsonOf = (value: unknown): string => JSON.stringify(value);
const tagMap = (tags: Array<{ Key: string; Value: string }>): Record<string, string> =>
  Object.fromEntries(tags.map((t) => [t.Key, t.Value]));

/**
 * Ownership invariants, as a list of violations (empty = all hold). They hold at every moment:
 * resources not ours are untouched; everything else carries our marks and is named by the file.
 * `converged` adds: the bound unowned ServiceAccount carries exactly our marks on top of its own.
 */
export function ownershipViolations(
  seeded: WorldSnapshot,
  now: WorldSnapshot,
  options: { converged: boolean },
): string[] {
  const violations: string[] = [];
  for (const [name, before] of seeded.roles) {
    const after = now.roles.get(name);
    if (jsonOf(after) !== jsonOf(before))
      violations.push(
        `pre-existing role ${name} changed:\n  before ${jsonOf(before)}\n  now    ${jsonOf(after)}`,
      );
  }
  for (const [name, role] of now.roles) {
    if (seeded.roles.has(name)) continue;
    const owner = tagMap(role.tags)[OWNER_TAG];
    if (owner !== OWNER)
      violations.push(`role ${name} exists without our owner tag (${OWNER_TAG}=${owner ?? 'none'})`);
    if (!FILE_ROLES.has(name)) violations.push(`role ${name} is not in the bindings file`);
    if (role.path !== DEFAULT_ROLE_PATH) violations.push(`role ${name} has path ${role.path}`);
  }
  for (const [arn, before] of seeded.providers) {
    if (jsonOf(now.providers.get(arn)) !== jsonOf(before))
      violations.push(`pre-existing OIDC provider ${arn} changed`);
  }
  for (const [arn, provider] of now.providers) {
    if (seeded.providers.has(arn)) continue;
    if (tagMap(provider.tags)[OWNER_TAG] !== OWNER)
      violations.push(`OIDC provider ${arn} exists without our owner tag`);
    if (!FILE_PROVIDER_URLS.has(provider.url))
      violations.push(`OIDC provider ${arn} is not an issuer of the file`);
  }
  if (!isDeepStrictEqual(now.namespaces, seeded.namespaces))
    violations.push(`namespaces changed: ${jsonOf([...seeded.namespaces])} → ${jsonOf([...now.namespaces])}`);
  const bound = saKey(BOUND_UNOWNED_SA);
  for (const [key, before] of seeded.serviceAccounts) {
    const after = now.serviceAccounts.get(key);
    if (key !== bound) {
      // Not even a resourceVersion bump: nothing wrote to it.
      if (jsonOf(after) !== jsonOf(before)) violations.push(`pre-existing ServiceAccount ${key} changed`);
      continue;
    }
    const marks = ourMarksOn(BOUND_UNOWNED_SA);
    const annotated = {
      annotations: { ...before.metadata.annotations, ...marks.annotations },
      labels: { ...before.metadata.labels, ...marks.labels },
    };
    const seen = { annotations: after?.metadata.annotations ?? {}, labels: after?.metadata.labels ?? {} };
    const untouched = isDeepStrictEqual(after, before);
    if (!(isDeepStrictEqual(seen, annotated) || (untouched && !options.converged)))
      violations.push(
        `ServiceAccount ${key} (not created by us) should ${options.converged ? '' : 'be untouched or '}carry exactly its own keys plus ours:\n  expected ${jsonOf(annotated)}\n  found    ${jsonOf(seen)}`,
      );
  }
  for (const [key, sa] of now.serviceAccounts) {
    if (seeded.serviceAccounts.has(key)) continue;
    const { labels = {}, annotations = {} } = sa.metadata;
    if (labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE || annotations[OWNER_ANNOTATION] !== OWNER)
      violations.push(`ServiceAccount ${key} exists without our label and owner annotation`);
    if (annotations[CREATED_ANNOTATION] !== 'true')
      violations.push(`ServiceAccount ${key} we created lacks ${CREATED_ANNOTATION}`);
    if (!FILE_SERVICE_ACCOUNTS.has(key)) violations.push(`ServiceAccount ${key} is not in the bindings file`);
  }
  return violations;
}

const parsed = (document: string): unknown => JSON.parse(document) as unknown;
const sortedTags = (tags: Array<{ Key: string; Value: string }>) =>
  [...tags].sort((a, b) => a.Key.localeCompare(b.Key));

/**
 * The converged state without what legitimately differs between runs (ids, dates, resource
 * versions, managedFields times), so a recovered run can be compared with an uninterrupted one.
 */
export function convergedView(world: WorldSnapshot): unknown {
  return {
    roles: [...world.roles.values()].map((r) => ({
      name: r.roleName,
      path: r.path,
      description: r.description,
      maxSessionDuration: r.maxSessionDuration,
      permissionsBoundary: r.permissionsBoundary,
      trustPolicy: parsed(r.assumeRolePolicyDocument),
      tags: sortedTags(r.tags),
      inlinePolicies: Object.fromEntries(
        Object.entries(r.inlinePolicies)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, doc]) => [name, parsed(doc)]),
      ),
      attachedPolicyArns: [...r.attachedPolicyArns].sort(),
    })),
    providers: [...world.providers.values()].map((p) => ({
      url: p.url,
      clientIds: [...p.clientIds].sort(),
      tags: sortedTags(p.tags),
    })),
    serviceAccounts: [...world.serviceAccounts].map(([key, sa]) => ({
      key,
      labels: sa.metadata.labels ?? {},
      annotations: sa.metadata.annotations ?? {},
    })),
  };
}

/** How many ServiceAccounts and roles the file asks for (to check the reference run did it all). */
export const FILE_COUNTS = { roles: FILE_ROLES.size, serviceAccounts: FILE_SERVICE_ACCOUNTS.size };
