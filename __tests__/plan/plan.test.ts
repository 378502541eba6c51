import { buildPlan, parsePlanJson, planDifference } from '../../src/plan/plan.js';
import type { PlanWarning } from '../../src/plan/types.js';
import { renderPlanJson } from '../../src/render/json.js';
import {
  convergedPair,
  desiredRole,
  desiredServiceAccount,
  desiredState,
  mixedScenario,
  observedServiceAccount,
} from '../builders.js';

/** The same value with every object's keys in reverse insertion order. */
function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reverseKeys(v)]),
  ) as T;
}

const plan = (input = mixedScenario(), extra: Partial<Parameters<typeof buildPlan>[0]> = {}) =>
  buildPlan({ ...input, bindingsFile: 'workload-identity.yaml', ...extra });

describe('buildPlan', () => {
  test('changes exclude no-ops and are sorted by kind, then address', () => {
    const { plan: built, conflicts } = plan();
    expect(conflicts).toEqual([]);
    expect(built.changes.map((c) => `${c.action} ${c.address}`)).toEqual([
      'create oidc-provider.oidc.example.com/id/ABC',
      'update role.app',
      'delete role.gone',
      'adopt role.legacy',
      'replace role.moved',
      'create role.s3-reader',
      'delete service-account.prod/default/old',
      'create service-account.prod/default/s3-reader',
    ]);
  });

  test('summary counts follow Terraform: replace is one add and one destroy, adopt is a change', () => {
    // The adopted role counts once, as adopted (not also as a change).
    expect(plan().plan.summary).toEqual({ add: 4, change: 1, destroy: 3, adopt: 1, replace: 1 });
  });

  test('a converged state gives no changes and a summary of zeros', () => {
    const app = desiredRole('app');
    const { plan: built } = plan(
      convergedPair(desiredState({ roles: [app], serviceAccounts: [desiredServiceAccount('app')] })),
    );
    expect(built.changes).toEqual([]);
    expect(built.summary).toEqual({ add: 0, change: 0, destroy: 0, adopt: 0, replace: 0 });
    expect(built).toMatchObject({
      formatVersion: 1,
      owner: 'acme/platform',
      accountId: '123456789012',
      bindingsFile: 'workload-identity.yaml',
    });
  });

  test('warnings are merged with extra warnings, de-duplicated and sorted', () => {
    const extra: PlanWarning[] = [
      { code: 'trust-policy-template-mismatch', address: 'role.app', message: 'template differs' },
      { code: 'trust-policy-template-mismatch', address: 'role.app', message: 'template differs' },
      { code: 'missing-oidc-provider', message: 'no address sorts first' },
    ];
    const { warnings } = plan(mixedScenario(), { extraWarnings: extra }).plan;
    expect(warnings.map((w) => `${w.address ?? ''} ${w.code}`)).toEqual([
      ' missing-oidc-provider',
      'oidc-provider.oidc.example.com/id/ABC missing-oidc-provider',
      'role.app trust-policy-template-mismatch',
    ]);
  });

  test('conflicts come back beside the plan, sorted by address', () => {
    const scenario = mixedScenario();
    scenario.desired.roles = scenario.desired.roles.map((r) =>
      r.name === 'legacy' ? { ...r, adopt: false } : r,
    );
    const { plan: built, conflicts } = plan(scenario);
    expect(conflicts.map((c) => c.address)).toEqual(['role.legacy']);
    expect(built.changes.some((c) => c.address === 'role.legacy')).toBe(false);
  });
});

describe('planId', () => {
  test('is 16 hex digits and the same for the same inputs in any key order', () => {
    const a = plan().plan;
    const scenario = mixedScenario();
    const b = plan({ desired: reverseKeys(scenario.desired), observed: reverseKeys(scenario.observed) }).plan;
    expect(a.planId).toMatch(/^[0-9a-f]{16}$/);
    expect(b.planId).toBe(a.planId);
  });

  test('does not depend on the bindings file path or warnings', () => {
    const a = plan().plan;
    const b = plan(mixedScenario(), { bindingsFile: 'other.yaml', trustPolicySizeLimit: 100 }).plan;
    expect(b.warnings).not.toEqual(a.warnings);
    expect(b.planId).toBe(a.planId);
  });

  test('changes when a change changes', () => {
    const base = plan().plan.planId;
    const scenario = mixedScenario();
    scenario.desired.roles = scenario.desired.roles.map((r) =>
      r.name === 'app' ? { ...r, maxSessionDuration: 10800 } : r,
    );
    expect(plan(scenario).plan.planId).not.toBe(base);
  });

  test("ignores a ServiceAccount's resourceVersion (it moves whenever anyone touches the object)", () => {
    const scenario = mixedScenario();
    const id = plan(scenario).plan.planId;
    const released = scenario.observed.clusters[0].serviceAccounts.find((sa) => sa.name === 'old')!;
    released.resourceVersion = '999';
    expect(plan(scenario).plan.planId).toBe(id);
  });
});

describe('planDifference', () => {
  test('lists added, removed and changed addresses of a stale plan', () => {
    const reviewed = plan().plan;
    const scenario = mixedScenario();
    scenario.desired.roles = scenario.desired.roles
      .filter((r) => r.name !== 's3-reader')
      .map((r) => (r.name === 'app' ? { ...r, maxSessionDuration: 10800 } : r))
      .concat(desiredRole('zeta'));
    scenario.desired.serviceAccounts = scenario.desired.serviceAccounts.filter(
      (sa) => sa.name !== 's3-reader',
    );
    scenario.observed.clusters[0].serviceAccounts.push(
      observedServiceAccount(desiredServiceAccount('s3-reader')),
    );
    const current = plan(scenario).plan;
    expect(planDifference(reviewed, current)).toEqual([
      'role.app: maxSessionDuration changes differently',
      'role.s3-reader: create was reviewed but is no longer needed',
      'role.zeta: create is planned now but was not in the reviewed plan',
      'service-account.prod/default/s3-reader: create -> delete',
    ]);
  });

  test('is empty for the same plan', () => {
    expect(planDifference(plan().plan, plan().plan)).toEqual([]);
  });
});

describe('parsePlanJson', () => {
  test('reads back what renderPlanJson writes', () => {
    const built = plan().plan;
    expect(parsePlanJson(renderPlanJson(built))).toEqual(built);
  });

  test('rejects another format version with a clear message', () => {
    const text = renderPlanJson({ ...plan().plan, formatVersion: 2 as 1 });
    expect(() => parsePlanJson(text)).toThrow(
      'the plan file has formatVersion 2, but this version of workload-identity-bindings reads formatVersion 1. Create it with `workload-identity plan --out plan.json` and pass that file.',
    );
  });

  test('rejects text that is not a plan', () => {
    expect(() => parsePlanJson('not json')).toThrow(/^the plan file is not valid JSON/);
    expect(() => parsePlanJson('{"formatVersion":1}')).toThrow('the plan file has no "planId" string');
    const broken = JSON.parse(renderPlanJson(plan().plan)) as { changes: unknown[] };
    broken.changes[0] = { kind: 'bucket' };
    expect(() => parsePlanJson(JSON.stringify(broken))).toThrow('has an invalid change at changes[0]');
  });

  // Apply trusts the action-typed Change shape (a create has no before, a delete no after), so a
  // hand-edited file that breaks it must fail here, naming the change, not deep inside apply.
  test.each([
    ['create', 'before', {}, '"before" must be null'],
    ['delete', 'after', {}, '"after" must be null'],
    ['update', 'before', null, '"before" must be an object'],
    ['update', 'after', null, '"after" must be an object'],
  ])('rejects a %s whose %s is %p', (action, side, value, problem) => {
    const text = JSON.parse(renderPlanJson(plan().plan)) as {
      changes: { action: string; before: unknown; after: unknown; address: string }[];
    };
    const change = text.changes.find((c) => c.action === 'update' || c.action === action);
    if (!change) throw new Error('the sample plan has no change to edit');
    change.action = action;
    change.before = action === 'create' ? null : { name: 'x' };
    change.after = action === 'delete' ? null : { name: 'x' };
    (change as Record<string, unknown>)[side] = value;
    expect(() => parsePlanJson(JSON.stringify(text))).toThrow(
      `has an invalid ${action} at changes[${text.changes.indexOf(change)}] (${change.address}): ${problem}`,
    );
  });

  test('rejects a ServiceAccount change without "created"', () => {
    const text = JSON.parse(renderPlanJson(plan().plan)) as {
      changes: { kind: string; created?: boolean }[];
    };
    const sa = text.changes.find((c) => c.kind === 'service-account');
    if (!sa) throw new Error('the sample plan has no ServiceAccount change');
    delete sa.created;
    expect(() => parsePlanJson(JSON.stringify(text))).toThrow(
      'has a ServiceAccount change without "created"',
    );
  });
});
