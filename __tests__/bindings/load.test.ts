import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic, hasErrors } from '../../src/bindings/diagnostics.js';
import { loadBindingsFile, loadBindingsText } from '../../src/bindings/load.js';
import { MAX_FILE_BYTES } from '../../src/bindings/parse.js';
import { summarizeBindings } from '../../src/bindings/summary.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const minimal = readFileSync(join(fixtures, 'valid', 'minimal.yaml'), 'utf8');

test('a minimal file loads with every default filled in', () => {
  const { file, diagnostics } = loadBindingsText(minimal, 'workload-identity.yaml');
  expect(diagnostics).toEqual([]);
  expect(file).toEqual({
    path: 'workload-identity.yaml',
    version: 1,
    owner: 'acme/platform-iam',
    ownerLocation: { file: 'workload-identity.yaml', line: 2, col: 1 },
    aws: {
      rolePath: '/workload-identity/',
      tags: {},
      maxManagedPoliciesPerRole: 10,
      trustPolicySizeLimit: 2048,
    },
    clusters: [
      {
        key: 'prod',
        issuer: 'https://oidc.example.com/id/ABC',
        kubernetes: {},
        location: { file: 'workload-identity.yaml', line: 4, col: 3 },
      },
    ],
    clustersLocation: { file: 'workload-identity.yaml', line: 3, col: 1 },
    bindings: [
      {
        role: 's3-reader',
        serviceAccounts: [
          {
            cluster: 'prod',
            namespace: 'default',
            name: 'app',
            location: { file: 'workload-identity.yaml', line: 9, col: 9 },
          },
        ],
        managedPolicies: [],
        managedPolicyLocations: {},
        inlinePolicies: {},
        maxSessionDuration: 3600,
        tags: {},
        serviceAccountAnnotations: {},
        adopt: false,
        location: { file: 'workload-identity.yaml', line: 7, col: 5 },
      },
    ],
  });
  // Absent optional values stay absent (audience defaults are decided later, per cluster kind).
  expect('audience' in file!.clusters[0]).toBe(false);
  expect('permissionsBoundary' in file!.bindings[0]).toBe(false);
  expect('description' in file!.bindings[0]).toBe(false);
});

test('a full file keeps what it sets: JSON policies parsed, policies sorted and de-duplicated, null boundary kept', async () => {
  const path = join(fixtures, 'valid', 'full.yaml');
  const { file, diagnostics } = await loadBindingsFile(path);
  expect(diagnostics.map(formatDiagnostic)).toEqual([
    `${path}:23:9: warning: service account team-*/app in binding "s3-reader" is a wildcard subject: the trust policy admits every matching ServiceAccount (StringLike) and no ServiceAccount is created for it — list exact names to have them created`,
  ]);
  expect(file).toBeDefined();
  const f = file!;
  expect(f.aws).toEqual({
    accountId: '123456789012',
    rolePath: '/workload-identity/',
    permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary',
    tags: { 'cost-center': '42' },
    maxManagedPoliciesPerRole: 10,
    trustPolicySizeLimit: 2048,
  });
  expect(
    f.clusters.map((c) => [c.key, c.issuer, c.controlPlane, c.audience, c.kubernetes, c.location.line]),
  ).toEqual([
    ['prod', 'https://oidc.example.com/id/ABC', undefined, undefined, { context: 'prod' }, 9],
    ['cp', undefined, { org: 'acme', cluster: 'prod' }, undefined, {}, 12],
    ['iam-only', 'https://token.example.org', undefined, 'my-audience', false, 14],
  ]);
  const [reader, web] = f.bindings;
  expect(reader.description).toBe('Reads the assets bucket');
  expect(reader.permissionsBoundary).toBeNull();
  expect(reader.inlinePolicies['json-one']).toEqual({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }],
  });
  expect(reader.inlinePolicies['read-assets']).toEqual({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::assets/*' }],
  });
  expect(reader.serviceAccountAnnotations).toEqual({ 'eks.amazonaws.com/token-expiration': '86400' });
  expect(reader.tags).toEqual({ team: 'web' });
  expect(web.managedPolicies).toEqual([
    'arn:aws:iam::123456789012:policy/app/web',
    'arn:aws:iam::aws:policy/ReadOnlyAccess',
  ]);
  expect(web.inlinePolicies['deny-delete']).toEqual({
    Statement: { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
  });
  expect([web.maxSessionDuration, web.adopt, web.location.line, web.serviceAccounts[1].location]).toEqual([
    7200,
    true,
    38,
    { file: path, line: 41, col: 9 },
  ]);
  expect(summarizeBindings(f)).toEqual({ bindings: 2, roles: 2, serviceAccounts: 3, clusters: 3 });
});

test('all problems are reported at once, sorted by position; a misspelt required key is one problem', () => {
  const text = [
    'version: 1',
    'owner: acme/platform-iam',
    'clusters:',
    '  prod:',
    '    issuer: https://oidc.example.com/id/ABC/',
    'bindings:',
    '  - role: s3-reader',
    '    maxSessionDuration: 60',
    '    serviceAccounts:',
    '      - {cluster: prod, namesapce: default, name: app}',
  ].join('\n');
  const { file, diagnostics } = loadBindingsText(text, 'w.yaml');
  expect(file).toBeUndefined();
  expect(diagnostics.map((d) => [d.line, d.col, d.message.slice(0, 40)])).toEqual([
    [5, 13, 'cluster "prod": issuer "https://oidc.exa'],
    [8, 25, 'maxSessionDuration of binding "s3-reader'],
    [10, 25, 'unknown key "namesapce" in a service acc'],
  ]);
});

test('three different errors give three diagnostics', () => {
  const text = minimal
    .replace('version: 1', 'version: 3')
    .replace('role: s3-reader', 'role: s3 reader')
    .replace('namespace: default', 'namespace: Default');
  const { diagnostics } = loadBindingsText(text, 'w.yaml');
  expect(diagnostics.map((d) => `${d.line}:${d.col}`)).toEqual(['1:10', '7:11', '10:20']);
  expect(diagnostics.every((d) => d.severity === 'error')).toBe(true);
});

test('a file over 8 MiB is reported without being parsed', async () => {
  const big = minimal + `# ${'x'.repeat(MAX_FILE_BYTES)}\n`;
  const expected = `big.yaml:1:1: the file is ${Buffer.byteLength(big)} bytes, over the 8 MiB (8388608 bytes) limit for a bindings file (room for 10,000 bindings) — split it or remove generated content; it was not parsed`;
  expect(loadBindingsText(big, 'big.yaml').diagnostics.map(formatDiagnostic)).toEqual([expected]);
  expect(loadBindingsText(Buffer.from(big), 'big.yaml').diagnostics.map(formatDiagnostic)).toEqual([
    expected,
  ]);
  const path = join(mkdtempSync(join(tmpdir(), 'wib-')), 'big.yaml');
  writeFileSync(path, big);
  const fromDisk = await loadBindingsFile(path);
  expect(fromDisk.diagnostics.map(formatDiagnostic)).toEqual([expected.replace('big.yaml:', `${path}:`)]);
  // Just under the limit still parses.
  const fits = minimal + `# ${'x'.repeat(MAX_FILE_BYTES - Buffer.byteLength(minimal) - 3)}\n`;
  expect(Buffer.byteLength(fits)).toBe(MAX_FILE_BYTES);
  expect(loadBindingsText(fits, 'fits.yaml').file).toBeDefined();
});

test('a missing file is one diagnostic naming the path and how to set it', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'wib-')), 'nope.yaml');
  const { file, diagnostics } = await loadBindingsFile(path);
  expect(file).toBeUndefined();
  expect(diagnostics.map(formatDiagnostic)).toEqual([
    `${path}: bindings file not found: tried "${path}" — create it, or set its path with --file (CLI) or the bindings-file input (action)`,
  ]);
});

test('a directory is not a bindings file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wib-'));
  const { diagnostics } = await loadBindingsFile(dir);
  expect(diagnostics).toHaveLength(1);
  expect(diagnostics[0].message).toContain('is a directory');
});

test('warnings alone still give a file; a UTF-8 BOM and CRLF line ends are accepted', () => {
  const text = '\ufeff' + minimal.replace('namespace: default', 'namespace: team-*').replace(/\n/g, '\r\n');
  const { file, diagnostics } = loadBindingsText(Buffer.from(text, 'utf8'), 'w.yaml');
  expect(hasErrors(diagnostics)).toBe(false);
  expect(diagnostics.map((d) => [d.severity, d.line, d.col])).toEqual([['warning', 9, 9]]);
  expect(file?.bindings[0].serviceAccounts[0].namespace).toBe('team-*');
  expect(summarizeBindings(file!).serviceAccounts).toBe(0);
});

test('raised quotas in the file lift the managed-policy and trust-policy limits', () => {
  const policies = Array.from(
    { length: 11 },
    (_, i) => `      - arn:aws:iam::123456789012:policy/p${i}`,
  ).join('\n');
  const base = `${minimal}    managedPolicies:\n${policies}\n`;
  expect(loadBindingsText(base, 'w.yaml').diagnostics.map((d) => d.message)).toEqual([
    expect.stringContaining('attaches 11 managed policies, over the limit of 10'),
  ]);
  const raised = base.replace('clusters:', 'aws:\n  maxManagedPoliciesPerRole: 20\nclusters:');
  expect(loadBindingsText(raised, 'w.yaml').file?.aws.maxManagedPoliciesPerRole).toBe(20);

  const subjects = Array.from(
    { length: 40 },
    (_, i) => `      - {cluster: prod, namespace: team-namespace-${i}, name: sa-${i}}`,
  ).join('\n');
  const many = minimal.replace(/    serviceAccounts:\n[\s\S]*$/, `    serviceAccounts:\n${subjects}\n`);
  expect(loadBindingsText(many, 'w.yaml').diagnostics.map((d) => d.message)).toEqual([
    expect.stringMatching(
      /^the trust policy of binding "s3-reader" would be \d+ characters .* over the limit of 2048/,
    ),
  ]);
  const bigger = many.replace('clusters:', 'aws:\n  trustPolicySizeLimit: 4096\nclusters:');
  expect(loadBindingsText(bigger, 'w.yaml').diagnostics).toEqual([]);
});

test('a Control Plane cluster counts with a placeholder issuer in the trust policy estimate', () => {
  const cp = minimal.replace(
    '    issuer: https://oidc.example.com/id/ABC',
    '    controlPlane: {org: acme, cluster: prod}',
  );
  const subjects = (n: number) =>
    Array.from({ length: n }, (_, i) => `      - {cluster: prod, namespace: ns-${i}, name: sa-${i}}`).join(
      '\n',
    );
  const withSubjects = (n: number) =>
    cp.replace(/    serviceAccounts:\n[\s\S]*$/, `    serviceAccounts:\n${subjects(n)}\n`);
  expect(loadBindingsText(withSubjects(5), 'w.yaml').diagnostics).toEqual([]);
  expect(loadBindingsText(withSubjects(60), 'w.yaml').diagnostics.map((d) => d.message)).toEqual([
    expect.stringContaining('the trust policy of binding "s3-reader" would be'),
  ]);
});

test('an issuer with an upper-case host is kept as written, with a warning at its position (#20)', () => {
  const text = minimal.replace(
    /issuer: https:\/\/([a-z0-9.-]+)/,
    (_m, host: string) => `issuer: https://${host.toUpperCase()}`,
  );
  expect(text).not.toBe(minimal);
  const { file, diagnostics } = loadBindingsText(text, 'w.yaml');
  expect(hasErrors(diagnostics)).toBe(false);
  const warning = diagnostics.find(
    (d) => d.severity === 'warning' && /upper-case letters in its host/.test(d.message),
  );
  expect(warning).toBeDefined();
  expect(formatDiagnostic(warning!)).toMatch(
    /^w\.yaml:\d+:\d+: .*would never match a token\. If that is a typo, write https:\/\/[a-z0-9.-]+/,
  );
  const issuer = file!.clusters[0].issuer!;
  expect(issuer).toMatch(/^https:\/\/[A-Z0-9.-]+/);
  expect(hasErrors(loadBindingsText(minimal, 'w.yaml').diagnostics)).toBe(false);
  expect(loadBindingsText(minimal, 'w.yaml').diagnostics.some((d) => /upper-case/.test(d.message))).toBe(
    false,
  );
});

test('an issuer with a non-ASCII (look-alike) host is used and shown as punycode, with a warning at its position (#13)', () => {
  // "оidc" with a Cyrillic о: another host than oidc.example.com.
  const text = minimal.replace(/issuer: https:\/\/[a-z0-9.-]+/, 'issuer: https://\u043eidc.example.com');
  expect(text).not.toBe(minimal);
  const { file, diagnostics } = loadBindingsText(text, 'w.yaml');
  expect(hasErrors(diagnostics)).toBe(false);
  expect(diagnostics.map(formatDiagnostic)).toEqual([
    expect.stringMatching(
      /^w\.yaml:\d+:\d+: warning: cluster "\w+": issuer "https:\/\/\u043eidc\.example\.com.*" has a host with non-ASCII characters; it is used as https:\/\/xn--idc-red\.example\.com/,
    ),
  ]);
  expect(file!.clusters[0].issuer).toMatch(/^https:\/\/xn--idc-red\.example\.com/);
});
