// The guardrails corpus: policy statements and bindings with the verdict a security reviewer expects,
// each checked twice — the checker must give the expected verdict, and the independent IAM evaluator
// (iam-simulate) must agree that the statement really does (or does not) allow the probed request,
// or the trust policy really does (or does not) admit a kube-system token. Where the checker is
// stricter than IAM on purpose, the case says why.
import { compileDesiredState } from '../../src/desired/compile.js';
import type { ResolvedCluster } from '../../src/desired/types.js';
import type { Binding, BindingsFile } from '../../src/bindings/types.js';
import { DEFAULT_GUARDRAILS } from '../../src/guardrails/defaults.js';
import { evaluateGuardrails } from '../../src/guardrails/evaluate.js';
import type { Guardrails, Rule } from '../../src/guardrails/types.js';
import type { JsonObject } from '../../src/policy/types.js';
import { admits, token } from '../desired/trust-evaluator.js';
import { ACCOUNT, allows, SOME_ROLE } from './oracle.js';

const at = { file: 'workload-identity.yaml', line: 7, col: 5 };
const ISSUER = 'https://oidc.example.com/id/ABC';

function rule(r: Rule): Guardrails {
  return { path: 'guardrails.yaml', rules: [r] };
}
const base = { severity: 'error' as const, except: [] };
const RULES = {
  'deny iam:*': rule({
    id: 'inlinePolicies.denyActions',
    ...base,
    actions: ['iam:*'],
    onAllResources: false,
  }),
  'deny iam:PassRole': rule({
    id: 'inlinePolicies.denyActions',
    ...base,
    actions: ['iam:PassRole'],
    onAllResources: false,
  }),
  'scope s3': rule({ id: 'inlinePolicies.requireResourceScoping', ...base, services: ['s3'] }),
  'no NotAction': rule({ id: 'inlinePolicies.denyNotAction', ...base }),
  'no kube-system': rule({ id: 'subjects.deniedNamespaces', ...base, namespaces: ['kube-system'] }),
  defaults: DEFAULT_GUARDRAILS,
};
type RuleSet = keyof typeof RULES;

function fileWith(binding: Partial<Binding>): BindingsFile {
  return {
    path: at.file,
    version: 1,
    owner: 'acme/platform',
    aws: { accountId: ACCOUNT, rolePath: '/workload-identity/', tags: {} },
    clusters: [{ key: 'prod', issuer: ISSUER, kubernetes: false, location: at }],
    bindings: [
      {
        role: 'app',
        serviceAccounts: [{ cluster: 'prod', namespace: 'app', name: 'app', location: at }],
        managedPolicies: [],
        inlinePolicies: {},
        maxSessionDuration: 3600,
        tags: {},
        serviceAccountAnnotations: {},
        adopt: false,
        location: at,
        ...binding,
      },
    ],
  };
}

interface PolicyCase {
  name: string;
  rules: RuleSet;
  statements: JsonObject[];
  violation: boolean;
  /** The request whose answer from IAM grounds the verdict. */
  probe: { action: string; resource: string };
  /** The checker flags what IAM would not allow: why that is on purpose. */
  stricterThanIam?: string;
}

const allow = (extra: JsonObject): JsonObject => ({ Effect: 'Allow', ...extra });
const OTHER_BUCKET = 'arn:aws:s3:::unrelated-bucket/key';
const passRoleAnywhere = { action: 'iam:PassRole', resource: SOME_ROLE };

const POLICY_CASES: PolicyCase[] = [
  // iam:* reached through every spelling
  {
    name: 'Action * on *',
    rules: 'deny iam:*',
    statements: [allow({ Action: '*', Resource: '*' })],
    violation: true,
    probe: passRoleAnywhere,
  },
  {
    name: 'iam:* on *',
    rules: 'deny iam:*',
    statements: [allow({ Action: 'iam:*', Resource: '*' })],
    violation: true,
    probe: passRoleAnywhere,
  },
  {
    name: 'mixed case IAM:passrole',
    rules: 'deny iam:*',
    statements: [allow({ Action: 'IAM:passrole', Resource: '*' })],
    violation: true,
    probe: passRoleAnywhere,
  },
  {
    name: 'iam:Pass* prefix wildcard',
    rules: 'deny iam:*',
    statements: [allow({ Action: 'iam:Pass*', Resource: '*' })],
    violation: true,
    probe: passRoleAnywhere,
  },
  {
    name: 'iam:*Role suffix wildcard',
    rules: 'deny iam:*',
    statements: [allow({ Action: 'iam:*role', Resource: '*' })],
    violation: true,
    probe: passRoleAnywhere,
  },
  {
    name: 'iam:P???Role single-character wildcards',
    rules: 'deny iam:*',
    statements: [allow({ Action: 'iam:P???Role', Resource: '*' })],
    violation: true,
    probe: passRoleAnywhere,
  },
  {
    name: 'iam read action hidden in a list',
    rules: 'deny iam:*',
    statements: [allow({ Action: ['s3:GetObject', 'Iam:GetRole'], Resource: '*' })],
    violation: true,
    probe: { action: 'iam:GetRole', resource: SOME_ROLE },
  },
  {
    name: 'iam:PassRole on a named role still grants an iam action',
    rules: 'deny iam:*',
    statements: [allow({ Action: 'iam:PassRole', Resource: 'arn:aws:iam::123456789012:role/app-task' })],
    violation: true,
    probe: { action: 'iam:PassRole', resource: 'arn:aws:iam::123456789012:role/app-task' },
  },
  {
    name: 'only s3 actions',
    rules: 'deny iam:*',
    statements: [allow({ Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' })],
    violation: false,
    probe: passRoleAnywhere,
  },
  {
    name: 'a Deny of everything',
    rules: 'deny iam:*',
    statements: [{ Effect: 'Deny', Action: '*', Resource: '*' }],
    violation: false,
    probe: passRoleAnywhere,
  },
  {
    name: 'sts but not iam',
    rules: 'deny iam:*',
    statements: [allow({ Action: 'sts:AssumeRole', Resource: '*' })],
    violation: false,
    probe: passRoleAnywhere,
  },
  {
    name: 'iam-like text in another service',
    rules: 'deny iam:*',
    statements: [allow({ Action: 'ssm:GetParameter', Resource: 'arn:aws:ssm:*:*:parameter/iam/*' })],
    violation: false,
    probe: passRoleAnywhere,
  },
  // admin hidden behind NotAction
  {
    name: 'NotAction s3:* grants iam',
    rules: 'deny iam:*',
    statements: [allow({ NotAction: 's3:*', Resource: '*' })],
    violation: true,
    probe: passRoleAnywhere,
  },
  {
    name: 'NotAction excluding only iam reads',
    rules: 'deny iam:*',
    statements: [allow({ NotAction: ['iam:Get*', 'iam:List*'], Resource: '*' })],
    violation: true,
    probe: passRoleAnywhere,
  },
  {
    name: 'NotAction excluding iam entirely',
    rules: 'deny iam:*',
    statements: [allow({ NotAction: 'iam:*', Resource: '*' })],
    violation: false,
    probe: passRoleAnywhere,
  },
  {
    name: 'NotAction excluding IAM:* in another case',
    rules: 'deny iam:*',
    statements: [allow({ NotAction: ['IAM:*', 'organizations:*'], Resource: '*' })],
    violation: false,
    probe: passRoleAnywhere,
  },
  {
    name: 'NotAction excluding iam:Pass* under deny iam:PassRole',
    rules: 'deny iam:PassRole',
    statements: [allow({ NotAction: 'iam:Pass*', Resource: '*' })],
    violation: false,
    probe: passRoleAnywhere,
  },
  {
    name: 'NotAction excluding iam:PassRoles (a different name)',
    rules: 'deny iam:PassRole',
    statements: [allow({ NotAction: 'iam:PassRoles', Resource: '*' })],
    violation: true,
    probe: passRoleAnywhere,
  },
  {
    name: 'NotAction with NotResource',
    rules: 'deny iam:PassRole',
    statements: [allow({ NotAction: 'ec2:*', NotResource: 'arn:aws:s3:::secret/*' })],
    violation: true,
    probe: passRoleAnywhere,
  },
  {
    // Found by the property test: the evaluator does not expand `ia?`, so this excludes nothing.
    name: 'NotAction with a wildcard in the service prefix excludes nothing',
    rules: 'deny iam:*',
    statements: [allow({ NotAction: ['ia?:*', 's3:*'], Resource: '*' })],
    violation: true,
    probe: passRoleAnywhere,
  },
  // the defaults: grants on every resource
  {
    name: 'defaults: * on *',
    rules: 'defaults',
    statements: [allow({ Action: '*', Resource: '*' })],
    violation: true,
    probe: passRoleAnywhere,
  },
  {
    name: 'defaults: iam:* on *',
    rules: 'defaults',
    statements: [allow({ Action: 'iam:*', Resource: '*' })],
    violation: true,
    probe: passRoleAnywhere,
  },
  {
    name: 'defaults: sts:AssumeRole on *',
    rules: 'defaults',
    statements: [allow({ Action: 'sts:AssumeRole', Resource: '*' })],
    violation: true,
    probe: { action: 'sts:AssumeRole', resource: SOME_ROLE },
  },
  {
    name: 'defaults: Resource list containing *',
    rules: 'defaults',
    statements: [
      allow({ Action: 'iam:PassRole', Resource: ['arn:aws:iam::123456789012:role/app-task', '*'] }),
    ],
    violation: true,
    probe: passRoleAnywhere,
  },
  {
    name: 'defaults: iam:PassRole on one role',
    rules: 'defaults',
    statements: [allow({ Action: 'iam:PassRole', Resource: 'arn:aws:iam::123456789012:role/app-task' })],
    violation: false,
    probe: passRoleAnywhere,
  },
  {
    name: 'defaults: policy variable in the resource',
    rules: 'defaults',
    statements: [
      allow({
        Action: 'iam:PassRole',
        Resource: 'arn:aws:iam::123456789012:role/${aws:PrincipalTag/team}-*',
      }),
    ],
    violation: false,
    probe: passRoleAnywhere,
  },
  {
    name: 'defaults: Allow with NotAction',
    rules: 'defaults',
    statements: [allow({ NotAction: 'iam:*', Resource: 'arn:aws:s3:::assets/*' })],
    violation: true,
    probe: { action: 'ec2:TerminateInstances', resource: 'arn:aws:s3:::assets/x' },
  },
  // resource scoping
  {
    name: 's3 on *',
    rules: 'scope s3',
    statements: [allow({ Action: 's3:GetObject', Resource: '*' })],
    violation: true,
    probe: { action: 's3:GetObject', resource: OTHER_BUCKET },
  },
  {
    name: 's3 on every bucket ARN',
    rules: 'scope s3',
    statements: [allow({ Action: 's3:*', Resource: 'arn:aws:s3:::*' })],
    violation: true,
    probe: { action: 's3:ListBucket', resource: 'arn:aws:s3:::unrelated-bucket' },
  },
  {
    name: 's3 on every object of every bucket',
    rules: 'scope s3',
    statements: [allow({ Action: 'S3:Get*', Resource: 'arn:aws:s3:::*/*' })],
    violation: true,
    probe: { action: 's3:GetObject', resource: OTHER_BUCKET },
  },
  {
    name: 's3 on one bucket',
    rules: 'scope s3',
    statements: [allow({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::assets/*' })],
    violation: false,
    probe: { action: 's3:GetObject', resource: OTHER_BUCKET },
  },
  {
    name: 's3 with a policy variable',
    rules: 'scope s3',
    statements: [
      allow({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::assets/${aws:PrincipalTag/team}/*' }),
    ],
    violation: false,
    probe: { action: 's3:GetObject', resource: OTHER_BUCKET },
  },
  {
    name: 's3 via NotResource',
    rules: 'scope s3',
    statements: [allow({ Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' })],
    violation: true,
    probe: { action: 's3:GetObject', resource: OTHER_BUCKET },
  },
  {
    name: 'a list with one unscoped entry',
    rules: 'scope s3',
    statements: [allow({ Action: 's3:GetObject', Resource: ['arn:aws:s3:::assets/*', '*'] })],
    violation: true,
    probe: { action: 's3:GetObject', resource: OTHER_BUCKET },
  },
  // NotAction / NotResource with Allow
  {
    name: 'Allow NotResource',
    rules: 'no NotAction',
    statements: [allow({ Action: 'dynamodb:GetItem', NotResource: 'arn:aws:dynamodb:*:*:table/secret' })],
    violation: true,
    probe: { action: 'dynamodb:GetItem', resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/other' },
  },
  {
    name: 'Deny NotAction is fine',
    rules: 'no NotAction',
    statements: [{ Effect: 'Deny', NotAction: 's3:*', Resource: '*' }],
    violation: false,
    probe: { action: 'ec2:TerminateInstances', resource: '*' },
  },
  // stricter than IAM on purpose
  {
    name: 'a condition does not make a grant safe',
    rules: 'deny iam:PassRole',
    statements: [
      allow({
        Action: 'iam:PassRole',
        Resource: '*',
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      }),
    ],
    violation: true,
    probe: passRoleAnywhere,
    stricterThanIam:
      'conditions are not considered: a caller that meets them gets the grant (the evaluator sees no context here)',
  },
  {
    name: 'a wildcard in the service prefix',
    rules: 'deny iam:*',
    statements: [allow({ Action: 'i?m:Pass*', Resource: '*' })],
    violation: true,
    probe: passRoleAnywhere,
    stricterThanIam:
      'the evaluator does not expand wildcards in the service prefix; the checker does, to be safe',
  },
];

const ruleOf = (set: RuleSet) => RULES[set].rules.map((r) => r.id);

test('the corpus has at least 30 policy cases, violating and clean ones, for every rule', () => {
  expect(POLICY_CASES.length + SUBJECT_CASES.length).toBeGreaterThanOrEqual(30);
  expect(POLICY_CASES.filter((c) => c.violation).length).toBeGreaterThan(10);
  expect(POLICY_CASES.filter((c) => !c.violation).length).toBeGreaterThan(10);
});

describe.each(POLICY_CASES)('$rules: $name', (c) => {
  const report = evaluateGuardrails(
    RULES[c.rules],
    fileWith({ inlinePolicies: { p: { Version: '2012-10-17', Statement: c.statements } } }),
  );
  const flagged = report.violations.filter(
    (v) => ruleOf(c.rules).includes(v.rule) && v.rule.startsWith('inlinePolicies.'),
  );

  test(`the checker says ${c.violation ? 'violation' : 'clean'}`, () => {
    expect(flagged.length > 0).toBe(c.violation);
  });

  test(
    c.stricterThanIam ? 'IAM would deny the probe; the checker is stricter on purpose' : 'IAM agrees',
    () => {
      const allowed = allows(c.statements, c.probe.action, c.probe.resource);
      expect(allowed).toBe(c.stricterThanIam ? false : c.violation);
    },
  );
});

// ---- subjects: StringLike patterns that cover kube-system -------------------------------------

interface SubjectCase {
  namespace: string;
  name: string;
  violation: boolean;
}

const SUBJECT_CASES: SubjectCase[] = [
  { namespace: '*', name: '*', violation: true },
  { namespace: 'kube-*', name: 'aws-node', violation: true },
  { namespace: 'k?be-system', name: 'coredns', violation: true },
  { namespace: '*-system', name: 'ebs-csi-*', violation: true },
  { namespace: 'kube-system', name: 'aws-load-balancer-controller', violation: true },
  { namespace: 'kube-public', name: '*', violation: false },
  { namespace: 'team-*', name: '*', violation: false },
  { namespace: 'kube-system-apps', name: 'app', violation: false },
];

const resolved: ResolvedCluster[] = [
  {
    key: 'prod',
    issuer: ISSUER,
    issuerHostPath: 'oidc.example.com/id/ABC',
    audience: 'sts.amazonaws.com',
    kubernetes: false,
  },
];

/** A concrete name the pattern matches, for the token. */
const instance = (pattern: string) => pattern.replace(/\*/g, 'x').replace(/\?/g, 'u');

describe.each(SUBJECT_CASES)('subject $namespace/$name under deniedNamespaces [kube-system]', (c) => {
  const file = fileWith({
    serviceAccounts: [{ cluster: 'prod', namespace: c.namespace, name: c.name, location: at }],
  });

  test(`the checker says ${c.violation ? 'violation' : 'clean'}`, () => {
    expect(evaluateGuardrails(RULES['no kube-system'], file).violations.length > 0).toBe(c.violation);
  });

  test('the compiled trust policy admits a kube-system token exactly then (IAM evaluator)', () => {
    const [role] = compileDesiredState(file, { accountId: ACCOUNT, clusters: resolved }).roles;
    const kubeSystemName = c.name.includes('*') || c.name.includes('?') ? instance(c.name) : c.name;
    expect(admits(role.trustPolicy, token('oidc.example.com/id/ABC', 'kube-system', kubeSystemName))).toBe(
      c.violation,
    );
  });
});

test('managed policies: the defaults catch the admin-like ones and leave the rest', () => {
  const verdict = (arn: string) =>
    evaluateGuardrails(DEFAULT_GUARDRAILS, fileWith({ managedPolicies: [arn] })).violations.length > 0;
  expect(
    [
      'arn:aws:iam::aws:policy/AdministratorAccess',
      'arn:aws:iam::aws:policy/PowerUserAccess',
      'arn:aws:iam::aws:policy/IAMFullAccess',
      'arn:aws:iam::aws:policy/AWSOrganizationsFullAccess',
      'arn:aws-cn:iam::aws:policy/AdministratorAccess',
    ].map(verdict),
  ).toEqual([true, true, true, true, true]);
  expect(
    [
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'arn:aws:iam::aws:policy/AmazonS3FullAccess',
      'arn:aws:iam::123456789012:policy/AdministratorAccess',
    ].map(verdict),
  ).toEqual([false, false, false]);
});
