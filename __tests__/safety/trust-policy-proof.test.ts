// Trust-policy proof: for every example and for random bindings files, the compiled trust policy of
// each role admits exactly the tokens the file means — `system:serviceaccount:NS:NAME` of its
// subjects (wildcards by StringLike), from their clusters' issuers, with their audiences — and
// nothing else. The verdict comes from an independent IAM evaluator (@cloud-copilot/iam-simulate,
// via ../desired/trust-evaluator.ts); the expected answer comes from a matcher written here from
// the file alone. The Federated principal is checked on its own (the evaluator cannot see it).
import { readFileSync } from 'node:fs';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { formatDiagnostic } from '../../src/bindings/diagnostics.js';
import { loadBindingsText } from '../../src/bindings/load.js';
import type { BindingsFile } from '../../src/bindings/types.js';
import { compileDesiredState } from '../../src/desired/compile.js';
import { issuerHostPath } from '../../src/policy/trust-policy.js';
import type { DesiredRole, ResolvedCluster } from '../../src/desired/types.js';
import { DEFAULT_AUDIENCE } from '../../src/support/ownership.js';
import type { JsonObject, PolicyDocument } from '../../src/policy/types.js';
import { admits, type WebIdentityToken } from '../desired/trust-evaluator.js';

const ACCOUNT = '123456789012';
const CONTROL_PLANE_ISSUER = 'https://oidc.cpln.io/5f0e2a1c-0000-4000-8000-00000000cafe';

/** A token as the evaluator sees it; `aud` undefined = the token carries no audience claim. */
interface Probe {
  issuer: string;
  sub: string;
  aud?: string;
  why: string;
}

function resolve(file: BindingsFile): ResolvedCluster[] {
  return file.clusters.map((config) => {
    const issuer = config.issuer ?? CONTROL_PLANE_ISSUER;
    return {
      key: config.key,
      issuer,
      issuerHostPath: issuerHostPath(issuer),
      audience: config.audience ?? DEFAULT_AUDIENCE,
      kubernetes: config.kubernetes === false ? false : (config.kubernetes as { context?: string }),
    };
  });
}

function load(text: string, path: string): BindingsFile {
  const { file, diagnostics } = loadBindingsText(text, path);
  if (!file) throw new Error(`${path} does not load:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  return file;
}

/** IAM StringLike: `*` any run of characters, `?` exactly one; everything else literal. */
function stringLike(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** The oracle: which tokens the file means to let assume `role`. */
function intended(file: BindingsFile, clusters: ResolvedCluster[], role: string, probe: Probe): boolean {
  if (probe.aud === undefined) return false;
  const binding = file.bindings.find((b) => b.role === role)!;
  return binding.serviceAccounts.some((sa) => {
    const cluster = clusters.find((c) => c.key === sa.cluster)!;
    return (
      cluster.issuerHostPath === probe.issuer &&
      cluster.audience === probe.aud &&
      stringLike(`system:serviceaccount:${sa.namespace}:${sa.name}`, probe.sub)
    );
  });
}

/** The evaluator's verdict; a token without `aud` is evaluated with no `:aud` context key at all. */
function evaluatorAdmits(trust: PolicyDocument, probe: Probe): boolean {
  if (probe.aud !== undefined) return admits(trust, { issuer: probe.issuer, sub: probe.sub, aud: probe.aud });
  const principal = `arn:aws:iam::${ACCOUNT}:oidc-provider/${probe.issuer}`;
  const statements = (Array.isArray(trust.Statement) ? trust.Statement : [trust.Statement]) as JsonObject[];
  return statements.some((statement) => {
    if ((statement.Principal as JsonObject).Federated !== principal) return false;
    const { Principal: _principal, ...rest } = statement;
    const result = runUnsafeSimulation(
      {
        request: {
          principal: `arn:aws:sts::${ACCOUNT}:assumed-role/web-identity/session`,
          action: 'sts:AssumeRoleWithWebIdentity',
          resource: { resource: `arn:aws:iam::${ACCOUNT}:role/workload-identity/any`, accountId: ACCOUNT },
          contextVariables: { [`${probe.issuer}:sub`]: probe.sub },
        },
        identityPolicies: [
          { name: 'trust', policy: { Version: '2012-10-17', Statement: [{ ...rest, Resource: '*' }] } },
        ],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    return result === 'Allowed';
  });
}

/** A concrete name a wildcard pattern matches (`*` → `zz`, `?` → `q`), and one it does not. */
function instances(pattern: string): { matching: string; other: string } {
  const matching = pattern.replace(/\*/g, 'zz').replace(/\?/g, 'q');
  // Appending a character breaks every pattern that does not end in `*`; for those, change the
  // first literal character instead (patterns never start with `*` here except pure `*`).
  const other = pattern.endsWith('*')
    ? pattern.startsWith('*')
      ? ''
      : `${pattern[0] === 'x' ? 'y' : 'x'}${matching.slice(1)}`
    : `${matching}x`;
  return { matching, other };
}

/** Tokens that must be admitted, and near misses that must not (unless another subject covers them). */
function probes(file: BindingsFile, clusters: ResolvedCluster[], role: string): Probe[] {
  const binding = file.bindings.find((b) => b.role === role)!;
  const issuers = [...new Set(clusters.map((c) => c.issuerHostPath)), 'oidc.attacker.example.net/id/EVIL'];
  const out: Probe[] = [];
  for (const sa of binding.serviceAccounts) {
    const cluster = clusters.find((c) => c.key === sa.cluster)!;
    const ns = instances(sa.namespace);
    const name = instances(sa.name);
    const sub = (n: string, s: string) => `system:serviceaccount:${n}:${s}`;
    const own = { issuer: cluster.issuerHostPath, aud: cluster.audience };
    out.push({ ...own, sub: sub(ns.matching, name.matching), why: `intended ${sa.namespace}/${sa.name}` });
    out.push({ ...own, sub: sub(ns.matching, `${name.matching}-sibling`), why: 'sibling ServiceAccount' });
    out.push({
      ...own,
      sub: sub(`${ns.matching}-other`, name.matching),
      why: 'same name, another namespace',
    });
    if (name.other)
      out.push({ ...own, sub: sub(ns.matching, name.other), why: 'name the wildcard does not match' });
    if (ns.other)
      out.push({ ...own, sub: sub(ns.other, name.matching), why: 'namespace the wildcard does not match' });
    out.push({ ...own, sub: `system:serviceaccount:${ns.matching}`, why: 'truncated subject' });
    out.push({ ...own, sub: `${sub(ns.matching, name.matching)}:extra`, why: 'subject with a suffix' });
    out.push({ ...own, sub: sub(ns.matching, name.matching).toUpperCase(), why: 'subject in another case' });
    out.push({
      ...own,
      aud: 'https://kubernetes.default.svc',
      why: 'wrong audience',
      sub: sub(ns.matching, name.matching),
    });
    out.push({
      ...own,
      aud: `${cluster.audience} `,
      why: 'audience with a trailing space',
      sub: sub(ns.matching, name.matching),
    });
    out.push({
      issuer: cluster.issuerHostPath,
      sub: sub(ns.matching, name.matching),
      why: 'missing audience',
    });
    for (const issuer of issuers) {
      if (issuer === cluster.issuerHostPath) continue;
      out.push({
        issuer,
        aud: cluster.audience,
        sub: sub(ns.matching, name.matching),
        why: `another issuer ${issuer}`,
      });
    }
  }
  return out;
}

/** Checks one role: the Federated principals, the statement shape and every probe's verdict. */
function proveRole(file: BindingsFile, clusters: ResolvedCluster[], role: DesiredRole): void {
  const binding = file.bindings.find((b) => b.role === role.name)!;
  const statements = (
    Array.isArray(role.trustPolicy.Statement) ? role.trustPolicy.Statement : [role.trustPolicy.Statement]
  ) as JsonObject[];
  const expectedIssuers = [
    ...new Set(
      binding.serviceAccounts.map((sa) => clusters.find((c) => c.key === sa.cluster)!.issuerHostPath),
    ),
  ].sort();
  // The principal is checked here, not by the evaluator: exactly one Federated ARN per issuer used.
  expect(statements.map((s) => (s.Principal as JsonObject).Federated).sort()).toEqual(
    expectedIssuers.map((issuer) => `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}`),
  );
  for (const s of statements) {
    expect(Object.keys(s.Principal as JsonObject)).toEqual(['Federated']);
    expect(s.Effect).toBe('Allow');
    expect(s.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(Object.keys(s).sort()).toEqual(['Action', 'Condition', 'Effect', 'Principal']);
  }
  for (const probe of probes(file, clusters, role.name)) {
    const expected = intended(file, clusters, role.name, probe);
    const actual = evaluatorAdmits(role.trustPolicy, probe);
    if (actual !== expected) {
      throw new Error(
        `role ${role.name}: ${probe.why} (${probe.issuer} ${probe.sub} aud=${String(probe.aud)}) was ${actual ? 'admitted' : 'refused'}\n${JSON.stringify(role.trustPolicy, null, 2)}`,
      );
    }
  }
}

describe.each(['single-sa', 'multi-cluster', 'shared-role', 'wildcard', 'control-plane'])(
  'example %s',
  (name) => {
    const path = `examples/${name}/workload-identity.yaml`;
    const file = load(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'), path);
    const clusters = resolve(file);
    const desired = compileDesiredState(file, { accountId: ACCOUNT, clusters });

    test.each(desired.roles.map((r) => [r.name, r] as const))(
      'role %s admits exactly its subjects',
      (_n, role) => {
        proveRole(file, clusters, role);
        // Each intended subject is admitted (the proof above would also pass for a policy admitting nobody
        // if the probes had no intended tokens, so count them).
        const admitted = probes(file, clusters, role.name).filter((p) =>
          evaluatorAdmits(role.trustPolicy, p),
        );
        expect(admitted.length).toBeGreaterThanOrEqual(
          file.bindings.find((b) => b.role === role.name)!.serviceAccounts.length,
        );
      },
    );
  },
);

const label = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
const nsOrName = fc.oneof(
  { weight: 4, arbitrary: label },
  { weight: 1, arbitrary: label.map((l) => `${l}-*`) },
  { weight: 1, arbitrary: label.map((l) => `${l}-?`) },
  { weight: 1, arbitrary: label.map((l) => `${l}?x`) },
);
const subject = fc.record({ clusterIndex: fc.nat(2), namespace: nsOrName, name: nsOrName });
const cluster = fc.record({
  host: fc.stringMatching(/^[a-z][a-z0-9]{2,8}$/),
  id: fc.stringMatching(/^[A-Z0-9]{2,8}$/),
  audience: fc.constantFrom(undefined, 'sts.amazonaws.com', 'my-audience', 'https://cpln.io/aud'),
});
const spec = fc.record({
  clusters: fc.uniqueArray(cluster, { minLength: 1, maxLength: 3, selector: (c) => `${c.host}/${c.id}` }),
  roles: fc.uniqueArray(
    fc.record({
      name: fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9+=,.@_-]{0,20}$/),
      subjects: fc.array(subject, { minLength: 1, maxLength: 4 }),
    }),
    { minLength: 1, maxLength: 3, selector: (r) => r.name.toLowerCase() },
  ),
});

type Spec = typeof spec extends fc.Arbitrary<infer T> ? T : never;

/** A bindings file as people write it; a ServiceAccount may appear in only one binding. */
function bindingsYaml(s: Spec): string {
  const taken = new Set<string>();
  const bindings = s.roles.map((role) => ({
    role: role.name,
    serviceAccounts: role.subjects
      .map((sub) => ({
        cluster: `c${sub.clusterIndex % s.clusters.length}`,
        namespace: sub.namespace,
        name: sub.name,
      }))
      .filter((sa) => {
        const key = `${sa.cluster}/${sa.namespace}/${sa.name}`;
        if (taken.has(key)) return false;
        taken.add(key);
        return true;
      }),
    managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
  }));
  return stringify({
    version: 1,
    owner: 'acme/platform-iam',
    aws: { accountId: ACCOUNT },
    clusters: Object.fromEntries(
      s.clusters.map((c, i) => [
        `c${i}`,
        {
          issuer: `https://oidc.${c.host}.example.com/id/${c.id}`,
          ...(c.audience ? { audience: c.audience } : {}),
          kubernetes: false,
        },
      ]),
    ),
    bindings: bindings.filter((b) => b.serviceAccounts.length > 0),
  });
}

test('random bindings: every role admits exactly its subjects, issuers and audiences', () => {
  let roles = 0;
  fc.assert(
    fc.property(spec, (s) => {
      const file = load(bindingsYaml(s), 'random.yaml');
      const clusters = resolve(file);
      const desired = compileDesiredState(file, { accountId: ACCOUNT, clusters });
      for (const role of desired.roles) {
        proveRole(file, clusters, role);
        roles += 1;
      }
    }),
    { numRuns: 60, seed: 20261122 },
  );
  expect(roles).toBeGreaterThanOrEqual(60);
});

test('the oracle and the probes can tell a broken policy apart (mutation check)', () => {
  // Guards the proof itself: a policy that forgets the audience condition, or uses StringLike for
  // everything with a stray `*`, must be caught.
  const file = load(
    bindingsYaml({
      clusters: [
        { host: 'one', id: 'A1', audience: undefined },
        { host: 'two', id: 'B2', audience: 'my-audience' },
      ],
      roles: [
        {
          name: 'r',
          subjects: [
            { clusterIndex: 0, namespace: 'team', name: 'app' },
            { clusterIndex: 1, namespace: 'ops', name: 'job' },
          ],
        },
      ],
    }),
    'mutant.yaml',
  );
  const clusters = resolve(file);
  const [role] = compileDesiredState(file, { accountId: ACCOUNT, clusters }).roles;
  proveRole(file, clusters, role);
  const statements = role.trustPolicy.Statement as Array<{
    Condition: Record<string, Record<string, unknown>>;
  }>;
  const mutants: Array<(doc: typeof statements) => void> = [
    (doc) => {
      for (const s of doc)
        for (const key of Object.keys(s.Condition.StringEquals))
          if (key.endsWith(':aud')) delete s.Condition.StringEquals[key];
    },
    (doc) => {
      for (const s of doc) {
        const sub = Object.keys(s.Condition.StringEquals).find((k) => k.endsWith(':sub'))!;
        s.Condition.StringLike = { [sub]: 'system:serviceaccount:team:*' };
        delete s.Condition.StringEquals[sub];
      }
    },
    (doc) => {
      doc.push(structuredClone(doc[0]));
      const key = Object.keys(doc[0].Condition.StringEquals).find((k) => k.endsWith(':sub'))!;
      doc[0].Condition.StringEquals[key] = [
        'system:serviceaccount:team:app',
        'system:serviceaccount:team:app-sibling',
      ];
      doc.pop();
    },
  ];
  for (const mutate of mutants) {
    const copy = structuredClone(statements);
    mutate(copy);
    const mutated = { ...role, trustPolicy: { Version: '2012-10-17', Statement: copy } as PolicyDocument };
    expect(() => proveRole(file, clusters, mutated)).toThrow();
  }
});

test('the evaluator wrapper refuses a token whose issuer has no statement even when sub and aud match', () => {
  const token: WebIdentityToken = {
    issuer: 'oidc.other.example.com',
    sub: 'system:serviceaccount:team:app',
    aud: DEFAULT_AUDIENCE,
  };
  const trust: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.one.example.com` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { 'oidc.other.example.com:sub': token.sub, 'oidc.other.example.com:aud': token.aud },
        },
      },
    ],
  };
  expect(admits(trust, token)).toBe(false);
});
