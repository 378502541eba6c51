// Property: whatever statement the checker accepts under `denyActions: ["iam:*"]` is denied
// iam:PassRole on "*" (and on a concrete role) by the independent IAM evaluator. The statements are
// random mixes of Action/NotAction, Resource/NotResource, Allow/Deny and spellings that reach iam
// through wildcards and case.
import fc from 'fast-check';
import type { BindingsFile } from '../../src/bindings/types.js';
import { evaluateGuardrails } from '../../src/guardrails/evaluate.js';
import type { Guardrails } from '../../src/guardrails/types.js';
import type { JsonObject } from '../../src/policy/types.js';
import { ACCOUNT, allows, SOME_ROLE } from './oracle.js';

const at = { file: 'workload-identity.yaml', line: 1, col: 1 };
const DENY_IAM: Guardrails = {
  rules: [
    {
      id: 'inlinePolicies.denyActions',
      severity: 'error',
      except: [],
      actions: ['iam:*'],
      onAllResources: false,
    },
  ],
};

function accepted(statement: JsonObject): boolean {
  const file: BindingsFile = {
    path: at.file,
    version: 1,
    owner: 'acme/platform',
    aws: { accountId: ACCOUNT, rolePath: '/', tags: {} },
    clusters: [],
    bindings: [
      {
        role: 'app',
        serviceAccounts: [],
        managedPolicies: [],
        inlinePolicies: { p: { Version: '2012-10-17', Statement: [statement] } },
        maxSessionDuration: 3600,
        tags: {},
        serviceAccountAnnotations: {},
        adopt: false,
        location: at,
      },
    ],
  };
  return evaluateGuardrails(DENY_IAM, file).violations.length === 0;
}

const service = fc.constantFrom(
  'iam',
  'IAM',
  'Iam',
  'iAm',
  's3',
  'sts',
  'ec2',
  'kms',
  'i*',
  '*m',
  'ia?',
  '*',
);
const name = fc.constantFrom(
  'PassRole',
  'passrole',
  'PASSROLE',
  'Pass*',
  'P*',
  '*Role',
  '*',
  '?assRole',
  'P???Role',
  '*ss*',
  'Get*',
  'List*',
  'GetRole',
  'CreateUser',
  'PassRoles',
  'GetObject',
);
const action = fc.oneof(
  { weight: 1, arbitrary: fc.constant('*') },
  { weight: 9, arbitrary: fc.tuple(service, name).map(([s, n]) => `${s}:${n}`) },
);
const actions = fc.array(action, { minLength: 1, maxLength: 3 });
const resources = fc.array(
  fc.constantFrom(
    '*',
    SOME_ROLE,
    `arn:aws:iam::${ACCOUNT}:role/*`,
    'arn:aws:iam::*:role/app-*',
    'arn:aws:s3:::bucket/*',
  ),
  { minLength: 1, maxLength: 2 },
);
const statement: fc.Arbitrary<JsonObject> = fc
  .record({
    effect: fc.constantFrom('Allow', 'Allow', 'Allow', 'Deny'),
    notAction: fc.boolean(),
    notResource: fc.boolean(),
    actions,
    resources,
  })
  .map(({ effect, notAction, notResource, actions, resources }) => ({
    Effect: effect,
    [notAction ? 'NotAction' : 'Action']: actions.length === 1 ? actions[0] : actions,
    [notResource ? 'NotResource' : 'Resource']: resources.length === 1 ? resources[0] : resources,
  }));

test('a statement accepted under denyActions ["iam:*"] is denied iam:PassRole on * by IAM', () => {
  let acceptedCount = 0;
  fc.assert(
    fc.property(statement, (s) => {
      if (!accepted(s)) return true;
      acceptedCount += 1;
      return !allows([s], 'iam:PassRole', '*') && !allows([s], 'iam:PassRole', SOME_ROLE);
    }),
    { numRuns: 600, seed: 16 },
  );
  // The property must not hold vacuously: plenty of statements pass the checker.
  expect(acceptedCount).toBeGreaterThan(100);
});

test('the same from the other side: a statement IAM lets pass some role is always rejected', () => {
  fc.assert(
    fc.property(statement, (s) => !allows([s], 'iam:PassRole', SOME_ROLE) || !accepted(s)),
    { numRuns: 300, seed: 61 },
  );
});
