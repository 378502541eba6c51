// Golden plans: a fixed set of plans rendered as text and as the Markdown comment, checked in under
// golden/ and reviewed as files (they are also what `npm run docs:screenshots` photographs). A change
// to the renderers shows up here as a diff of these files. Regenerate deliberately with
// UPDATE_GOLDEN=1 and review the diff before committing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DesiredState } from '../../src/desired/types.js';
import type { ObservedState } from '../../src/observed/types.js';
import { driftLabels, type DriftLabels } from '../../src/plan/drift.js';
import { buildPlan } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/types.js';
import { renderPlanMarkdownDocument } from '../../src/render/markdown.js';
import { renderPlanText } from '../../src/render/text.js';
import {
  ACCOUNT,
  ISSUER_HOST,
  desiredRole,
  desiredServiceAccount,
  desiredState,
  observedCluster,
  observedProvider,
  observedRole,
  observedServiceAccount,
  observedState,
  s3ReadPolicy,
  trustPolicy,
} from '../builders.js';

const DIR = join(import.meta.dirname, 'golden');
const CTX = {
  bindingsFile: 'workload-identity.yaml',
  headSha: 'abcdef1234567890abcdef1234567890abcdef12',
  jobSummaryUrl: 'https://github.com/acme/infra/actions/runs/42',
};
const sub = (name: string, ns = 'default') => `system:serviceaccount:${ns}:${name}`;

function plan(desired: DesiredState, observed: ObservedState, id: string): Plan {
  const built = buildPlan({ desired, observed, bindingsFile: 'workload-identity.yaml' });
  expect(built.conflicts).toEqual([]);
  return { ...built.plan, planId: id };
}

const ADMIN_INLINE = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }],
};

interface Case {
  plan: Plan;
  drift?: DriftLabels;
  /** Markdown only (the text plan is never cut). */
  markdownOnly?: boolean;
}

const CASES: Record<string, () => Case> = {
  // A new binding on a new cluster issuer: provider, role and ServiceAccount created.
  create: () => {
    const reader = desiredRole('s3-reader', {
      description: 'Reads the assets bucket',
      managedPolicies: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
      inlinePolicies: { 'read-assets': s3ReadPolicy('assets') },
    });
    return {
      plan: plan(
        desiredState({ roles: [reader], serviceAccounts: [desiredServiceAccount('s3-reader')] }),
        observedState({ oidcProviders: [] }),
        '1111111111111111',
      ),
    };
  },
  // The pull request that adds one subject: exactly one added line.
  'add-subject': () => {
    const before = desiredRole('app');
    const after = desiredRole('app', {
      trustPolicy: trustPolicy([sub('app'), sub('worker', 'jobs')]),
    });
    return {
      plan: plan(
        desiredState({
          roles: [after],
          serviceAccounts: [
            desiredServiceAccount('app'),
            desiredServiceAccount('worker', { namespace: 'jobs', role: 'app' }),
          ],
        }),
        observedState({
          roles: [observedRole(before)],
          clusters: [
            observedCluster([observedServiceAccount(desiredServiceAccount('app'))], {
              existingNamespaces: ['default', 'jobs'],
            }),
          ],
        }),
        '2222222222222222',
      ),
    };
  },
  // Every role field changed at once: settings, boundary, trust, managed and inline policies, tags.
  'update-fields': () => {
    const old = desiredRole('app', {
      description: 'Old words',
      maxSessionDuration: 3600,
      managedPolicies: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
      inlinePolicies: { 'read-assets': s3ReadPolicy('assets'), legacy: s3ReadPolicy('legacy') },
      tags: { 'workload-identity-bindings/owner': 'acme/platform', team: 'data', cost: 'a' },
    });
    const now = desiredRole('app', {
      description: 'Reads and writes the assets bucket',
      maxSessionDuration: 7200,
      permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/boundary`,
      trustPolicy: trustPolicy([sub('app'), sub('web')]),
      managedPolicies: ['arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess'],
      inlinePolicies: {
        'read-assets': {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['s3:GetObject', 's3:ListBucket', 's3:PutObject'],
              Resource: 'arn:aws:s3:::assets/*',
            },
          ],
        },
        'write-queue': {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs` },
          ],
        },
      },
      tags: { 'workload-identity-bindings/owner': 'acme/platform', team: 'platform', tier: 'gold' },
    });
    const sa = desiredServiceAccount('app');
    return {
      plan: plan(
        desiredState({ roles: [now], serviceAccounts: [sa] }),
        observedState({
          roles: [observedRole(old)],
          clusters: [observedCluster([observedServiceAccount(sa)])],
        }),
        '3333333333333333',
      ),
    };
  },
  // A binding removed: the role (with what it granted) and its ServiceAccount go.
  destroy: () => {
    const gone = desiredRole('admin-tools', {
      trustPolicy: trustPolicy([sub('admin-tools', 'ops'), sub('break-glass', 'ops')]),
      managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      inlinePolicies: { 'iam-admin': ADMIN_INLINE },
    });
    const sa = desiredServiceAccount('admin-tools', { namespace: 'ops' });
    return {
      plan: plan(
        desiredState(),
        observedState({
          roles: [observedRole(gone)],
          clusters: [
            observedCluster([observedServiceAccount(sa)], { existingNamespaces: ['default', 'ops'] }),
          ],
        }),
        '4444444444444444',
      ),
    };
  },
  // The role path changes: IAM cannot move a role, so it is replaced.
  replace: () => {
    const role = desiredRole('mover');
    return {
      plan: plan(
        desiredState({ roles: [role] }),
        observedState({
          roles: [observedRole(role, { path: '/', arn: `arn:aws:iam::${ACCOUNT}:role/mover` })],
        }),
        '5555555555555555',
      ),
    };
  },
  // An existing untagged role taken over with adopt: true.
  adopt: () => {
    const role = desiredRole('legacy', { adopt: true });
    return {
      plan: plan(
        desiredState({ roles: [role] }),
        observedState({ roles: [observedRole(role, { tags: { team: 'data' }, maxSessionDuration: 7200 })] }),
        '6666666666666666',
      ),
    };
  },
  // A pull request adding "web" while someone deleted "worker"'s role by hand: the base file plans
  // that creation too, so it is drift; the new role is the pull request's.
  drift: () => {
    const worker = desiredRole('worker');
    const web = desiredRole('web');
    const sas = [desiredServiceAccount('web'), desiredServiceAccount('worker')];
    const observed = observedState({ clusters: [observedCluster([observedServiceAccount(sas[1])])] });
    const head = plan(
      desiredState({ roles: [web, worker], serviceAccounts: sas }),
      observed,
      '7777777777777777',
    );
    const base = plan(
      desiredState({ roles: [worker], serviceAccounts: [sas[1]] }),
      observed,
      '0000000000000000',
    );
    return { plan: head, drift: driftLabels(head, base) };
  },
  // Drift mode (no pull request): every change undoes an edit made by hand.
  'drift-mode': () => {
    const role = desiredRole('app');
    return {
      plan: plan(
        desiredState({ roles: [role] }),
        observedState({
          roles: [observedRole(role, { description: 'edited in the console', maxSessionDuration: 43200 })],
        }),
        '8888888888888888',
      ),
      drift: { kind: 'all' },
    };
  },
  // A wildcard subject: StringLike, and a warning who it lets in.
  wildcard: () => {
    const doc = trustPolicy([]);
    const statement = (doc.Statement as Array<Record<string, unknown>>)[0];
    statement.Condition = {
      StringEquals: { [`${ISSUER_HOST}:aud`]: 'sts.amazonaws.com' },
      StringLike: { [`${ISSUER_HOST}:sub`]: 'system:serviceaccount:batch:*' },
    };
    const role = desiredRole('batch', {
      trustPolicy: doc,
      subjects: [{ cluster: 'prod', namespace: 'batch', name: '*', wildcard: true }],
    });
    return {
      plan: plan(
        desiredState({ roles: [role] }),
        observedState({ oidcProviders: [observedProvider()] }),
        '9999999999999999',
      ),
    };
  },
  // 1,000 changes: the comment is cut at the budget with a pointer to the full plan.
  'truncated-1000': () => {
    const roles = Array.from({ length: 500 }, (_, i) => desiredRole(`app-${String(i).padStart(3, '0')}`));
    const gone = Array.from({ length: 500 }, (_, i) =>
      observedRole(desiredRole(`old-${String(i).padStart(3, '0')}`)),
    );
    return {
      plan: plan(desiredState({ roles }), observedState({ roles: gone }), 'aaaaaaaaaaaaaaaa'),
      markdownOnly: true,
    };
  },
};

function golden(name: string, actual: string): void {
  const path = join(DIR, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
    if (process.env.CI && !existsSync(path)) throw new Error(`golden file ${name} is missing`);
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe.each(Object.keys(CASES))('golden plan %s', (name) => {
  test('text and Markdown match the checked-in files', () => {
    const c = CASES[name]();
    if (!c.markdownOnly) golden(`${name}.txt`, renderPlanText(c.plan, { drift: c.drift }));
    const md = renderPlanMarkdownDocument(c.plan, { ...CTX, drift: c.drift });
    golden(`${name}.md`, md.markdown);
    expect(md.truncated).toBe(name === 'truncated-1000');
  });
});

test('the 1,000-change comment leads with the destroys and says where the rest is', () => {
  const md = readFileSync(join(DIR, 'truncated-1000.md'), 'utf8');
  expect(md).toContain('> [!CAUTION]\n> **500 to destroy**');
  const firstCreate = md.indexOf('`role.app-000`');
  expect(md.indexOf('`role.old-000`')).toBeGreaterThan(0);
  if (firstCreate >= 0) expect(md.indexOf('`role.old-000`')).toBeLessThan(firstCreate);
  expect(md).toContain('[job summary](https://github.com/acme/infra/actions/runs/42)');
});

test('the one-subject addition is exactly one added line in both renderings', () => {
  const text = readFileSync(join(DIR, 'add-subject.txt'), 'utf8');
  const trust = text.slice(
    text.indexOf('~ trustPolicy'),
    text.indexOf('\n\n', text.indexOf('~ trustPolicy')),
  );
  expect(trust.split('\n').slice(1)).toEqual([
    `          ~ Statement[0].Condition.StringEquals["${ISSUER_HOST}:sub"]: + "system:serviceaccount:jobs:worker"`,
  ]);
  const md = readFileSync(join(DIR, 'add-subject.md'), 'utf8');
  const block = md.slice(md.indexOf('@@ trustPolicy'), md.indexOf('```', md.indexOf('@@ trustPolicy')));
  expect(block.split('\n').filter((l) => /^[+-]/.test(l))).toEqual([
    '+            "system:serviceaccount:jobs:worker"',
  ]);
});
