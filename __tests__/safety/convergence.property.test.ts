// Convergence and non-interference, as properties: for random bindings (a few roles, ServiceAccounts
// and clusters) and random pre-existing state in the emulators — our own stale or drifted roles and
// ServiceAccounts, roles and ServiceAccounts of another owner, unowned ones with unrelated names,
// other OIDC providers — plan → apply → plan gives `No changes.`, and nothing that is not ours is
// touched (each foreign or unowned resource is snapshotted before and compared after). When a
// foreign resource holds one of our names the plan reports a conflict and nothing is applied.
// Everything goes through the real engine, the AWS SDK and client-node over HTTP.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { applyPlan } from '../../src/apply/executor.js';
import { loadValidBindings, runPlan } from '../../src/engine/plan.js';
import { Session } from '../../src/engine/session.js';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  OWNER_ANNOTATION,
  OWNER_TAG,
  ROLE_ARN_ANNOTATION,
} from '../../src/support/ownership.js';
import { renderPlanText } from '../../src/render/text.js';
import { startLocalSandbox, type LocalSandbox } from '../../sandbox/local.js';
import { setProcessEnv } from './harness.js';

const OWNER = 'acme/platform-iam';
const OTHER_OWNER = 'other/team';
const ACCOUNT = '123456789012';
const CONTEXTS = ['ctx-a', 'ctx-b'];
const NAMESPACES = ['apps', 'jobs'];
const ROLE_NAMES = ['orders', 'billing', 'search', 'reports'];
const SA_NAMES = ['api', 'worker', 'cron'];

const serviceAccount = fc.record({
  cluster: fc.constantFrom('a', 'b', 'dr'),
  namespace: fc.constantFrom(...NAMESPACES),
  name: fc.constantFrom(...SA_NAMES),
});

const desiredArb = fc.record({
  roles: fc.uniqueArray(
    fc.record({
      name: fc.constantFrom(...ROLE_NAMES),
      serviceAccounts: fc.array(serviceAccount, { minLength: 1, maxLength: 3 }),
      description: fc.option(fc.constantFrom('Reads orders', 'Writes the billing table'), { nil: undefined }),
      maxSessionDuration: fc.constantFrom(3600, 7200),
      tagTeam: fc.option(fc.constantFrom('web', 'data'), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 3, selector: (r) => r.name },
  ),
  customAudienceOnB: fc.boolean(),
});

/** What exists before the first plan. `collide` reuses a desired name for a foreign resource. */
const existingArb = fc.record({
  foreignRoles: fc.uniqueArray(fc.constantFrom<string>('legacy-api', 'shared-reader', 'orders', 'billing'), {
    maxLength: 3,
  }),
  unownedRoles: fc.uniqueArray(fc.constantFrom('ci-deployer', 'admin', 'ec2-instance'), { maxLength: 2 }),
  ourStaleRoles: fc.uniqueArray(fc.constantFrom('old-exporter', 'search'), { maxLength: 2 }),
  foreignServiceAccounts: fc.uniqueArray(
    fc.record({
      context: fc.constantFrom(...CONTEXTS),
      namespace: fc.constantFrom(...NAMESPACES),
      name: fc.constantFrom('helm-app', 'api', 'metrics'),
    }),
    { maxLength: 3, selector: (s) => `${s.context}/${s.namespace}/${s.name}` },
  ),
  unownedServiceAccounts: fc.uniqueArray(
    fc.record({
      context: fc.constantFrom(...CONTEXTS),
      namespace: fc.constantFrom(...NAMESPACES),
      name: fc.constantFrom('default-sa', 'prometheus'),
    }),
    { maxLength: 2, selector: (s) => `${s.context}/${s.namespace}/${s.name}` },
  ),
  ourStaleServiceAccounts: fc.uniqueArray(
    fc.record({
      context: fc.constantFrom(...CONTEXTS),
      namespace: fc.constantFrom(...NAMESPACES),
      name: fc.constantFrom('retired', 'cron'),
    }),
    { maxLength: 2, selector: (s) => `${s.context}/${s.namespace}/${s.name}` },
  ),
  foreignProvider: fc.boolean(),
});

type Desired = typeof desiredArb extends fc.Arbitrary<infer T> ? T : never;
type Existing = typeof existingArb extends fc.Arbitrary<infer T> ? T : never;

const CLUSTER_CONTEXT: Record<string, string | false> = { a: 'ctx-a', b: 'ctx-b', dr: false };

function bindingsYaml(d: Desired): string {
  const taken = new Set<string>();
  const bindings = d.roles
    .map((role) => ({
      role: role.name,
      ...(role.description ? { description: role.description } : {}),
      serviceAccounts: role.serviceAccounts.filter((sa) => {
        const key = `${sa.cluster}/${sa.namespace}/${sa.name}`;
        if (taken.has(key)) return false;
        taken.add(key);
        return true;
      }),
      managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      maxSessionDuration: role.maxSessionDuration,
      ...(role.tagTeam ? { tags: { team: role.tagTeam } } : {}),
    }))
    .filter((b) => b.serviceAccounts.length > 0);
  return stringify({
    version: 1,
    owner: OWNER,
    aws: { accountId: ACCOUNT },
    clusters: {
      a: { issuer: 'https://oidc.a.example.com/id/A', kubernetes: { context: 'ctx-a' } },
      b: {
        issuer: 'https://oidc.b.example.com/id/B',
        ...(d.customAudienceOnB ? { audience: 'my-audience' } : {}),
        kubernetes: { context: 'ctx-b' },
      },
      dr: { issuer: 'https://oidc.dr.example.com/id/DR', kubernetes: false },
    },
    bindings,
  });
}

const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

/** Seeds the pre-existing state; returns snapshots of everything that must stay as it is. */
function seed(sandbox: LocalSandbox, e: Existing): () => unknown {
  const { iam } = sandbox;
  const untouchable: Array<() => unknown> = [];
  for (const name of e.foreignRoles) {
    iam.seedRole({
      roleName: name,
      path: '/workload-identity/',
      tags: { [OWNER_TAG]: OTHER_OWNER },
      description: 'theirs',
      assumeRolePolicyDocument: TRUST,
    });
    untouchable.push(() => iam.getRoleState(name));
  }
  for (const name of e.unownedRoles) {
    iam.seedRole({
      roleName: name,
      path: name === 'admin' ? '/' : '/workload-identity/',
      assumeRolePolicyDocument: TRUST,
      attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    });
    untouchable.push(() => iam.getRoleState(name));
  }
  for (const name of e.ourStaleRoles) {
    if (e.foreignRoles.includes(name)) continue;
    iam.seedRole({
      roleName: name,
      path: '/workload-identity/',
      tags: { [OWNER_TAG]: OWNER },
      description: 'drifted',
      maxSessionDuration: 43200,
      assumeRolePolicyDocument: TRUST,
    });
  }
  const kubeOf = (context: string) => sandbox.kube.get(context)!;
  for (const sa of e.foreignServiceAccounts) {
    kubeOf(sa.context).seedServiceAccount({
      namespace: sa.namespace,
      name: sa.name,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      annotations: {
        [OWNER_ANNOTATION]: OTHER_OWNER,
        [ROLE_ARN_ANNOTATION]: `arn:aws:iam::${ACCOUNT}:role/theirs`,
      },
    });
    untouchable.push(() => kubeOf(sa.context).getServiceAccount(sa.namespace, sa.name));
  }
  for (const sa of e.unownedServiceAccounts) {
    kubeOf(sa.context).seedServiceAccount({
      namespace: sa.namespace,
      name: sa.name,
      labels: { app: sa.name },
      annotations: { note: 'helm' },
    });
    untouchable.push(() => kubeOf(sa.context).getServiceAccount(sa.namespace, sa.name));
  }
  for (const sa of e.ourStaleServiceAccounts) {
    if (kubeOf(sa.context).getServiceAccount(sa.namespace, sa.name)) continue;
    kubeOf(sa.context).seedServiceAccount({
      namespace: sa.namespace,
      name: sa.name,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      annotations: {
        [OWNER_ANNOTATION]: OWNER,
        [ROLE_ARN_ANNOTATION]: `arn:aws:iam::${ACCOUNT}:role/workload-identity/old-exporter`,
      },
      fieldManager: 'workload-identity-bindings',
      operation: 'Apply',
    });
  }
  if (e.foreignProvider) {
    iam.seedOidcProvider({
      url: 'https://token.actions.githubusercontent.com',
      clientIds: ['sts.amazonaws.com'],
      tags: { [OWNER_TAG]: OTHER_OWNER },
    });
    untouchable.push(() => iam.getOidcProviderState('token.actions.githubusercontent.com'));
  }
  // Every role and ServiceAccount in the account, listed, so a stray create is noticed too.
  return () => untouchable.map((snapshot) => snapshot());
}

/** Names a foreign resource holds that the desired state also wants. */
function expectedConflicts(d: Desired, e: Existing, file: string): string[] {
  const desiredRoles = new Set(d.roles.filter((r) => file.includes(`role: ${r.name}`)).map((r) => r.name));
  const roles = e.foreignRoles.filter((name) => desiredRoles.has(name));
  const sas = e.foreignServiceAccounts
    .filter((sa) =>
      d.roles.some(
        (r) =>
          file.includes(`role: ${r.name}`) &&
          r.serviceAccounts.some(
            (x) =>
              CLUSTER_CONTEXT[x.cluster] === sa.context && x.namespace === sa.namespace && x.name === sa.name,
          ),
      ),
    )
    .map((sa) => `${sa.context}/${sa.namespace}/${sa.name}`);
  return [...roles, ...sas];
}

let restoreEnv: (() => void) | undefined;
let scratch: string;
let scratchSandbox: LocalSandbox;

beforeAll(async () => {
  scratchSandbox = await startLocalSandbox({ contexts: ['unused'] });
  scratch = scratchSandbox.dir;
});

afterAll(async () => {
  restoreEnv?.();
  await scratchSandbox.stop();
});

const noSleep = () => Promise.resolve();

test('plan → apply → plan converges to no changes and never touches what is not ours', async () => {
  let converged = 0;
  let refused = 0;
  let run = 0;
  await fc.assert(
    fc.asyncProperty(desiredArb, existingArb, async (d, e) => {
      const sandbox = await startLocalSandbox({ contexts: CONTEXTS, namespaces: NAMESPACES });
      restoreEnv?.();
      restoreEnv = setProcessEnv(sandbox.env as Record<string, string>);
      try {
        const text = bindingsYaml(d);
        const path = join(scratch, `bindings-${(run += 1)}.yaml`);
        writeFileSync(path, text);
        const snapshot = seed(sandbox, e);
        const before = JSON.stringify(snapshot());
        const { file } = await loadValidBindings(path);
        const session = new Session();
        try {
          const first = await runPlan(session, file);
          const conflicts = expectedConflicts(d, e, text);
          if (conflicts.length > 0) {
            // Someone else holds one of our names: the plan says so and nothing is written.
            expect(first.conflicts.length).toBeGreaterThanOrEqual(conflicts.length);
            expect(sandbox.iam.server.totalCalls({ mutating: true })).toBe(0);
            for (const k of sandbox.kube.values()) expect(k.server.totalCalls({ mutating: true })).toBe(0);
            refused += 1;
          } else {
            expect(first.conflicts).toEqual([]);
            const report = await applyPlan(
              first.plan,
              { iam: session.aws.iam, kube: first.kube },
              { sleep: noSleep },
            );
            expect(report.summary.failed).toBe(0);
            expect(report.ok).toBe(true);
            const second = await runPlan(session, file);
            expect(second.conflicts).toEqual([]);
            expect(second.plan.changes.map((c) => `${c.action} ${c.address}`)).toEqual([]);
            expect(renderPlanText(second.plan)).toMatch(/No changes\./);
            converged += 1;
            // Our stale resources are gone or released; the desired ones exist.
            for (const role of first.desired.roles)
              expect(sandbox.iam.getRoleState(role.name)?.arn).toBe(role.arn);
            for (const name of e.ourStaleRoles.filter(
              (n) => !first.desired.roles.some((r) => r.name === n) && !e.foreignRoles.includes(n),
            )) {
              expect(sandbox.iam.getRoleState(name)).toBeUndefined();
            }
          }
        } finally {
          session.close();
        }
        expect(JSON.stringify(snapshot())).toBe(before);
      } finally {
        await sandbox.stop();
      }
    }),
    { numRuns: 20, seed: 4242, endOnFailure: true },
  );
  expect(converged).toBeGreaterThanOrEqual(8);
  expect(converged + refused).toBe(20);
});
