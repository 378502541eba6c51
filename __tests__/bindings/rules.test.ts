// The naming and URL rules on their own, including the edges the fixtures do not reach.
import { issuerProblem } from '../../src/bindings/issuer.js';
import {
  annotationKeyProblem,
  namespaceProblem,
  serviceAccountNameProblem,
} from '../../src/bindings/names.js';
import { closest, levenshtein } from '../../src/support/suggest.js';

test('namespaces are DNS-1123 labels; wildcards count as letters', () => {
  for (const ok of ['default', 'a', 'team-1', 'x'.repeat(63), 'team-*', '*', '?eam', 'kube-system'])
    expect(namespaceProblem(ok)).toBeUndefined();
  for (const bad of ['', 'x'.repeat(64), 'Team', 'team_1', 'team.1', '-team', 'team-', 'te am'])
    expect(namespaceProblem(bad)).toBeDefined();
});

test('ServiceAccount names are DNS-1123 subdomains', () => {
  for (const ok of ['app', 'my-app', 'app.v1', 'a.b.c', 'app-*', 'x'.repeat(253)])
    expect(serviceAccountNameProblem(ok)).toBeUndefined();
  for (const bad of ['', 'My-App', 'my_app', 'app.', '.app', 'a..b', 'x'.repeat(254)])
    expect(serviceAccountNameProblem(bad)).toBeDefined();
  expect(serviceAccountNameProblem('My-App')).toContain('write "my-app"');
});

test('annotation keys are qualified names; the tool’s own keys are reserved', () => {
  for (const ok of ['eks.amazonaws.com/token-expiration', 'note', 'example.com/Some_Key.v1', 'a/b'])
    expect(annotationKeyProblem(ok)).toBeUndefined();
  for (const bad of [
    '',
    '/x',
    'x/',
    'a/b/c',
    'Example.com/x',
    'x'.repeat(64),
    'ex ample/x',
    'example.com/-x',
  ])
    expect(annotationKeyProblem(bad)).toBeDefined();
  expect(annotationKeyProblem('eks.amazonaws.com/role-arn')).toContain('set by the tool');
  expect(annotationKeyProblem('workload-identity-bindings/created')).toContain('reserves');
});

test('issuers are https URLs without port, query, fragment, user info or trailing slash', () => {
  for (const ok of [
    'https://oidc.example.com',
    'https://oidc.example.com/id/ABC',
    'https://oidc.eks.eu-west-1.amazonaws.com/id/0123',
  ]) {
    expect(issuerProblem(ok)).toBeUndefined();
  }
  expect(issuerProblem('https://user:pw@oidc.example.com')).toContain('user info');
  expect(issuerProblem('https://oidc.example.com:443/x')).toContain('contains a port');
  expect(issuerProblem('https://oidc.example.com/')).toContain('write "https://oidc.example.com"');
  expect(issuerProblem('oidc.example.com')).toContain('not an https URL');
  expect(issuerProblem('https://')).toContain('not a valid URL');
  expect(issuerProblem('https://a b')).toContain('whitespace');
});

test('did-you-mean finds close words only', () => {
  expect(levenshtein('namesapce', 'namespace')).toBe(2);
  expect(closest('namesapce', ['cluster', 'namespace', 'name'])).toBe('namespace');
  expect(closest('Role', ['role', 'tags'])).toBe('role');
  expect(closest('region', ['version', 'owner', 'aws', 'clusters', 'bindings'])).toBeUndefined();
  expect(closest('x', [])).toBeUndefined();
});
