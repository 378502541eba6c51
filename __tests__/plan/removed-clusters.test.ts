// Which cluster keys left the file while ServiceAccounts of ours may still live there (#14 item 1).
import { loadBindingsText } from '../../src/bindings/load.js';
import type { BindingsFile } from '../../src/bindings/types.js';
import { findRemovedClusters } from '../../src/plan/removed-clusters.js';

const ISSUER = 'https://oidc.example.com/id/A';

function file(clusters: Record<string, string>, bindings: string[]): BindingsFile {
  const text = [
    'version: 1',
    'owner: acme/x',
    'clusters:',
    ...Object.entries(clusters).map(([key, body]) => `  ${key}: ${body}`),
    'bindings:',
    ...(bindings.length ? bindings : ['  []']),
  ].join('\n');
  const loaded = loadBindingsText(
    bindings.length ? text : text.replace('bindings:\n  []', 'bindings: []'),
    'w.yaml',
  );
  if (!loaded.file) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.file;
}

const sa = (cluster: string, ns = 'apps', name = 'app') =>
  `  - {role: ${cluster}-${name.replace('*', 'x')}, serviceAccounts: [{cluster: ${cluster}, namespace: "${ns}", name: "${name}"}]}`;

test('a dropped key that had exact ServiceAccounts is reported with its entry', () => {
  const base = file(
    {
      a: `{issuer: ${ISSUER}, kubernetes: {context: a}}`,
      b: `{issuer: ${ISSUER}, kubernetes: {context: b}}`,
    },
    [sa('a'), sa('b')],
  );
  const head = file({ a: `{issuer: ${ISSUER}, kubernetes: {context: a}}` }, [sa('a')]);
  expect(findRemovedClusters(base, head)).toEqual([
    { key: 'b', entry: `b: {issuer: ${ISSUER}, kubernetes: {context: b}}`, serviceAccounts: ['apps/app'] },
  ]);
});

test('nothing to orphan: IAM-only, drained, wildcard-only, or still reached through another key', () => {
  const head = file({ a: `{issuer: ${ISSUER}, kubernetes: {context: a}}` }, [sa('a')]);
  const iamOnly = file(
    { a: `{issuer: ${ISSUER}, kubernetes: {context: a}}`, b: `{issuer: ${ISSUER}, kubernetes: false}` },
    [sa('a'), sa('b')],
  );
  const drained = file(
    {
      a: `{issuer: ${ISSUER}, kubernetes: {context: a}}`,
      b: `{issuer: ${ISSUER}, kubernetes: {context: b}}`,
    },
    [sa('a')],
  );
  const wildcard = file(
    {
      a: `{issuer: ${ISSUER}, kubernetes: {context: a}}`,
      b: `{issuer: ${ISSUER}, kubernetes: {context: b}}`,
    },
    [sa('a'), sa('b', 'apps', 'job-*')],
  );
  // A key renamed over the same context: our labelled ServiceAccounts there are still found.
  const renamed = file({ old: `{issuer: ${ISSUER}, kubernetes: {context: a}}` }, [sa('old')]);
  for (const base of [iamOnly, drained, wildcard, renamed])
    expect(findRemovedClusters(base, head)).toEqual([]);
});
