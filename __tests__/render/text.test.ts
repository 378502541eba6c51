import { buildPlan } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/types.js';
import { renderPlanText, summaryLine } from '../../src/render/text.js';
import {
  convergedPair,
  desiredRole,
  desiredServiceAccount,
  desiredState,
  mixedScenario,
} from '../builders.js';

function mixedPlan(): Plan {
  const { plan } = buildPlan({ ...mixedScenario(), bindingsFile: 'workload-identity.yaml' });
  // A fixed id keeps this golden text about rendering, not hashing.
  return { ...plan, planId: '0123456789abcdef' };
}

// Written out in full and read line by line (changed deliberately for #19): destroys and
// replacements lead (a destroyed role says what it had), then changes that broaden access, then the
// rest; one address format (`role.app`, as in JSON and warnings); new and deleted documents whole as
// written; a changed policy as structural edits (adding a subject is one line); the OIDC provider's
// "will be created" warning is not repeated (the change says it); one summary line.
const MIXED_PLAN_TEXT = `
Plan 0123456789abcdef for workload-identity.yaml (owner "acme/platform", AWS account 123456789012)

Resource actions are indicated with the following symbols:
  - destroy
-/+ destroy and then create replacement
  + create
  ~ update in-place
  ± adopt (start managing an existing resource)

Changes that destroy or replace resources (access they give goes away):

  - role.gone
      # no binding in the file names this role any more; it carries our workload-identity-bindings/owner tag
      # had: trusted by system:serviceaccount:default:gone
      - path               = "/workload-identity/"
      - maxSessionDuration = 3600
      - trustPolicy
          - {
          -   "Version": "2012-10-17",
          -   "Statement": [
          -     {
          -       "Effect": "Allow",
          -       "Principal": {
          -         "Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC"
          -       },
          -       "Action": "sts:AssumeRoleWithWebIdentity",
          -       "Condition": {
          -         "StringEquals": {
          -           "oidc.example.com/id/ABC:aud": "sts.amazonaws.com",
          -           "oidc.example.com/id/ABC:sub": "system:serviceaccount:default:gone"
          -         }
          -       }
          -     }
          -   ]
          - }
      - tags.workload-identity-bindings/owner = "acme/platform"

-/+ role.moved
      # path changes from / to /workload-identity/ (IAM cannot change a role's path)
      ~ path = "/" -> "/workload-identity/"

  - service-account.prod/default/old
      # remove our annotations and label (the ServiceAccount was not created by us)
      - annotations.eks.amazonaws.com/role-arn       = "arn:aws:iam::123456789012:role/workload-identity/old"
      - annotations.workload-identity-bindings/owner = "acme/platform"
      - labels.app.kubernetes.io/managed-by = "workload-identity-bindings"

Changes that broaden access:

  + oidc-provider.oidc.example.com/id/ABC
      + url = "https://oidc.example.com/id/ABC"  # broadens access
      + clientIds
          + "sts.amazonaws.com"
      + tags.workload-identity-bindings/owner = "acme/platform"

  ~ role.app
      ~ maxSessionDuration = 3600 -> 7200
      ~ trustPolicy  # broadens access
          ~ Statement[0].Condition.StringEquals["oidc.example.com/id/ABC:sub"]: + "system:serviceaccount:default:worker"

  + role.s3-reader
      + path               = "/workload-identity/"
      + maxSessionDuration = 3600
      + trustPolicy  # broadens access
          + {
          +   "Version": "2012-10-17",
          +   "Statement": [
          +     {
          +       "Effect": "Allow",
          +       "Principal": {
          +         "Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC"
          +       },
          +       "Action": "sts:AssumeRoleWithWebIdentity",
          +       "Condition": {
          +         "StringEquals": {
          +           "oidc.example.com/id/ABC:aud": "sts.amazonaws.com",
          +           "oidc.example.com/id/ABC:sub": "system:serviceaccount:default:s3-reader"
          +         }
          +       }
          +     }
          +   ]
          + }
      + managedPolicies  # broadens access
          + "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
      + tags.workload-identity-bindings/owner = "acme/platform"

Other changes:

  ± role.legacy (adopt)
      + tags.workload-identity-bindings/owner = "acme/platform"
      - tags.team                             = "data"

  + service-account.prod/default/s3-reader
      + annotations.eks.amazonaws.com/role-arn         = "arn:aws:iam::123456789012:role/workload-identity/s3-reader"
      + annotations.workload-identity-bindings/created = "true"
      + annotations.workload-identity-bindings/owner   = "acme/platform"
      + labels.app.kubernetes.io/managed-by = "workload-identity-bindings"

Plan: 4 to add, 1 to change, 3 to destroy, 1 to adopt.
`.slice(1);

describe('renderPlanText', () => {
  test('a mixed plan renders like Terraform, destroys first, then broadening changes', () => {
    expect(renderPlanText(mixedPlan())).toBe(MIXED_PLAN_TEXT);
  });

  test('a plan without changes says so in one sentence', () => {
    const { plan } = buildPlan({
      ...convergedPair(
        desiredState({ roles: [desiredRole('app')], serviceAccounts: [desiredServiceAccount('app')] }),
      ),
      bindingsFile: 'workload-identity.yaml',
    });
    expect(renderPlanText({ ...plan, planId: 'fedcba9876543210' })).toBe(
      [
        'Plan fedcba9876543210 for workload-identity.yaml (owner "acme/platform", AWS account 123456789012)',
        '',
        'No changes. IAM roles, OIDC providers and ServiceAccounts match the bindings file.',
        '',
      ].join('\n'),
    );
  });

  test('without destroys or broadening changes the changes sit under one heading', () => {
    const plan = mixedPlan();
    const quiet = {
      ...plan,
      changes: plan.changes.filter(
        (c) => !c.fields.some((f) => f.broadensAccess) && c.action !== 'delete' && c.action !== 'replace',
      ),
      warnings: [],
    };
    const text = renderPlanText(quiet);
    expect(text).not.toContain('Changes that broaden access:');
    expect(text).not.toContain('Changes that destroy');
    expect(text).not.toContain('Other changes:');
    expect(text).toContain(
      'workload-identity-bindings will perform the following actions:\n\n  ± role.legacy (adopt)\n',
    );
  });

  test('colour is off by default and ANSI when asked for', () => {
    const plain = renderPlanText(mixedPlan());
    expect(plain).not.toContain('\u001b[');
    const coloured = renderPlanText(mixedPlan(), { color: true });
    expect(coloured).toContain('\u001b[32m  +\u001b[0m oidc-provider.oidc.example.com/id/ABC');
    expect(coloured).toContain('\u001b[31m-/+\u001b[0m role.moved');
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });
});

test("summaryLine keeps Terraform's sentence and adds adoptions only when there are some", () => {
  expect(summaryLine({ add: 2, change: 1, destroy: 0, adopt: 0, replace: 0 })).toBe(
    '2 to add, 1 to change, 0 to destroy',
  );
  expect(summaryLine({ add: 0, change: 1, destroy: 0, adopt: 1, replace: 0 })).toBe(
    '0 to add, 1 to change, 0 to destroy, 1 to adopt',
  );
});
