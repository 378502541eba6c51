// The rules judged on real bindings files (loaded through the bindings loader, so positions are the
// file's), the built-in defaults on the audit's findings, --strict and exceptions.
import { loadBindingsText } from '../../src/bindings/load.js';
import type { BindingsFile } from '../../src/bindings/types.js';
import { DEFAULT_GUARDRAILS } from '../../src/guardrails/defaults.js';
import { evaluateGuardrails } from '../../src/guardrails/evaluate.js';
import { loadGuardrailsText } from '../../src/guardrails/load.js';
import { hasBlockingViolations, type Guardrails } from '../../src/guardrails/types.js';

function bindings(body: string, extra = ''): BindingsFile {
  const text = `version: 1
owner: acme/platform
aws: { accountId: '123456789012'${extra} }
clusters:
  prod: { issuer: 'https://oidc.example.com/id/ABC', kubernetes: false }
bindings:
${body}`;
  const { file, diagnostics } = loadBindingsText(text, 'workload-identity.yaml');
  if (!file) throw new Error(diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
  return file;
}

function guardrails(text: string): Guardrails {
  const { guardrails: g, diagnostics } = loadGuardrailsText(text, 'guardrails.yaml');
  if (!g) throw new Error(diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
  return g;
}

const ADMIN = `  - role: admin
    serviceAccounts: [{ cluster: prod, namespace: ops, name: runner }]
    managedPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
    inlinePolicies:
      all:
        Version: '2012-10-17'
        Statement:
          - { Effect: Allow, Action: '*', Resource: '*' }
`;

test('the defaults catch the three cases of the issue: admin policy, * on *, full-wildcard subject', () => {
  const file = bindings(`${ADMIN}  - role: everyone
    serviceAccounts: [{ cluster: prod, namespace: '*', name: '*' }]
`);
  const report = evaluateGuardrails(DEFAULT_GUARDRAILS, file);
  const rules = report.violations.map((v) => `${v.rule} ${v.role} ${v.at.line}:${v.at.col}`);
  expect(rules).toEqual([
    'managedPolicies.deny admin 9:23',
    'inlinePolicies.denyActions admin 11:7',
    'subjects.allowWildcards everyone 16:23',
    // `*` can be kube-system too.
    'subjects.deniedNamespaces everyone 16:23',
  ]);
  expect(report.violations.every((v) => v.severity === 'warning' && v.ruleAt === undefined)).toBe(true);
  expect(hasBlockingViolations(report)).toBe(false);
  const strict = evaluateGuardrails(DEFAULT_GUARDRAILS, file, { strict: true });
  expect(strict.violations.every((v) => v.severity === 'error')).toBe(true);
  expect(hasBlockingViolations(strict)).toBe(true);
});

test.each([
  ['iam:* on *', `{ Effect: Allow, Action: 'iam:*', Resource: '*' }`],
  ['sts:AssumeRole on *', `{ Effect: Allow, Action: 'sts:AssumeRole', Resource: '*' }`],
  [
    'IAM:passrole on * in a list',
    `{ Effect: Allow, Action: ['s3:GetObject', 'IAM:passrole'], Resource: ['arn:aws:s3:::b/*', '*'] }`,
  ],
  ['Allow + NotAction', `{ Effect: Allow, NotAction: 's3:*', Resource: 'arn:aws:s3:::b' }`],
])('the defaults flag what the audit found unflagged: %s', (_, statement) => {
  const file = bindings(`  - role: app
    serviceAccounts: [{ cluster: prod, namespace: app, name: app }]
    inlinePolicies:
      p: { Version: '2012-10-17', Statement: [${statement}] }
`);
  expect(evaluateGuardrails(DEFAULT_GUARDRAILS, file).violations.length).toBeGreaterThan(0);
});

test.each([
  ['IAMFullAccess', 'arn:aws:iam::aws:policy/IAMFullAccess'],
  ['PowerUserAccess', 'arn:aws:iam::aws:policy/PowerUserAccess'],
  ['Organizations', 'arn:aws:iam::aws:policy/AWSOrganizationsFullAccess'],
  ['job function admin', 'arn:aws:iam::aws:policy/job-function/AdministratorAccess'],
  ['GovCloud admin', 'arn:aws-us-gov:iam::aws:policy/AdministratorAccess'],
])('the defaults flag the admin-like managed policy %s', (_, arn) => {
  const file = bindings(`  - role: app
    serviceAccounts: [{ cluster: prod, namespace: app, name: app }]
    managedPolicies: ['${arn}']
`);
  expect(evaluateGuardrails(DEFAULT_GUARDRAILS, file).violations.map((v) => v.rule)).toEqual([
    'managedPolicies.deny',
  ]);
});

test('the defaults stay quiet on a scoped, ordinary binding', () => {
  const file = bindings(`  - role: app
    serviceAccounts: [{ cluster: prod, namespace: app, name: 'worker-*' }]
    managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess, arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess]
    inlinePolicies:
      p: { Version: '2012-10-17', Statement: [{ Effect: Allow, Action: 'iam:PassRole', Resource: 'arn:aws:iam::123456789012:role/app-task' }, { Effect: Deny, NotAction: 's3:*', Resource: '*' }] }
`);
  expect(evaluateGuardrails(DEFAULT_GUARDRAILS, file).violations).toEqual([]);
});

const FULL = `version: 1
managedPolicies:
  deny:
    policies: ['arn:aws:iam::aws:policy/*FullAccess']
    except:
      - { role: legacy, reason: SEC-42 until 2027 }
  allow:
    severity: warning
    policies: ['arn:aws:iam::aws:policy/*', 'arn:aws:iam::123456789012:policy/team-*']
inlinePolicies:
  denyActions:
    actions: ['iam:*', 'organizations:*']
  requireResourceScoping:
    services: [s3, dynamodb]
  denyNotAction: {}
permissionsBoundary:
  required:
    allowed: ['arn:aws:iam::123456789012:policy/boundary-*']
maxSessionDuration:
  max: { seconds: 3600 }
subjects:
  allowWildcards: { allowed: names }
  allowedNamespaces:
    clusters:
      prod: ['team-a', 'team-a-*']
  deniedNamespaces:
    namespaces: ['kube-*']
roles:
  namePattern: { pattern: 'team-a-*' }
  requiredTags:
    tags:
      - key: cost-center
      - { key: env, values: [prod, staging] }
clusters:
  allowedIssuers:
    issuers: ['https://oidc.eks.*.amazonaws.com/id/*']
`;

test('every rule of a full guardrails file, each pointing at the binding and at the rule', () => {
  const file = bindings(`  - role: legacy
    serviceAccounts: [{ cluster: prod, namespace: '*', name: app }]
    managedPolicies: [arn:aws:iam::aws:policy/AmazonS3FullAccess, arn:aws:iam::999999999999:policy/other]
    maxSessionDuration: 7200
    permissionsBoundary: null
    tags: { env: dev }
    inlinePolicies:
      p:
        Version: '2012-10-17'
        Statement:
          - { Sid: Esc, Effect: Allow, Action: 'iam:Pass*', Resource: 'arn:aws:iam::123456789012:role/x' }
          - { Effect: Allow, Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::*' }
          - { Effect: Allow, NotAction: ['iam:*', 'organizations:*'], NotResource: 'arn:aws:s3:::secret' }
`);
  const g = guardrails(FULL);
  const report = evaluateGuardrails(g, file);
  const byRule = (id: string) => report.violations.filter((v) => v.rule === id);
  expect(report.exempted.map((v) => [v.rule, v.reason])).toEqual([
    ['managedPolicies.deny', 'SEC-42 until 2027'],
  ]);
  expect(byRule('managedPolicies.allow').map((v) => v.severity)).toEqual(['warning']);
  expect(byRule('managedPolicies.allow')[0].message).toContain('arn:aws:iam::999999999999:policy/other');
  // iam:Pass* overlaps iam:*; the NotAction statement excludes both denied services entirely.
  expect(byRule('inlinePolicies.denyActions').map((v) => v.message)).toEqual([
    expect.stringContaining('statement 0 ("Esc") grants "iam:*" through Action "iam:Pass*"'),
  ]);
  expect(byRule('inlinePolicies.requireResourceScoping')).toHaveLength(2);
  expect(byRule('inlinePolicies.denyNotAction')[0].message).toContain('NotAction and NotResource');
  expect(byRule('permissionsBoundary.required')[0].message).toContain('permissionsBoundary: null');
  expect(byRule('maxSessionDuration.max')[0].message).toContain('7200 seconds, over the 3600');
  expect(byRule('subjects.allowWildcards')[0].at).toMatchObject({ line: 8, col: 23 });
  expect(byRule('subjects.allowedNamespaces')[0].message).toContain('can match namespaces outside');
  expect(byRule('subjects.deniedNamespaces')[0].message).toContain('can match the denied namespace "kube-*"');
  expect(byRule('roles.namePattern')).toHaveLength(1);
  expect(byRule('roles.requiredTags').map((v) => v.message)).toEqual([
    expect.stringContaining('"cost-center" is missing'),
    expect.stringContaining('tag "env" is "dev"'),
  ]);
  expect(byRule('clusters.allowedIssuers')[0]).toMatchObject({
    at: { line: 5, col: 3 },
    ruleAt: { file: 'guardrails.yaml', line: 35, col: 3 },
  });
  expect(byRule('roles.namePattern')[0].ruleAt).toMatchObject({ line: 29, col: 3 });
  expect(hasBlockingViolations(report)).toBe(true);
});

test('tags from aws.tags count, a boundary from aws.permissionsBoundary counts', () => {
  const file = bindings(
    `  - role: team-a-app
    serviceAccounts: [{ cluster: prod, namespace: team-a, name: app }]
    tags: { env: prod }
`,
    `, tags: { cost-center: '42' }, permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary-std'`,
  );
  const report = evaluateGuardrails(guardrails(FULL), file);
  expect(report.violations.map((v) => v.rule)).toEqual(['clusters.allowedIssuers']);
});

test('a Control Plane cluster issuer is unchecked offline and checked once resolved', () => {
  const text = `version: 1
owner: acme/platform
aws: { accountId: '123456789012' }
clusters:
  cp: { controlPlane: { org: acme, cluster: prod }, kubernetes: false }
bindings:
  - role: app
    serviceAccounts: [{ cluster: cp, namespace: app, name: app }]
`;
  const file = loadBindingsText(text, 'b.yaml').file!;
  const g = guardrails(`version: 1
clusters:
  allowedIssuers: { issuers: ['https://trusted.example.com/*'] }
`);
  expect(evaluateGuardrails(g, file)).toMatchObject({
    violations: [],
    unchecked: [expect.stringContaining('"cp"')],
  });
  const resolved = new Map([['cp', 'https://evil.example.com/x']]);
  expect(evaluateGuardrails(g, file, { resolvedIssuers: resolved }).violations).toHaveLength(1);
});
