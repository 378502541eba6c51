// IAM-style wildcard questions answered exactly: overlap, coverage, plain matching.
import {
  globCoveredBy,
  globMatches,
  globsOverlap,
  matchesEverything,
  someString,
} from '../../src/guardrails/glob.js';

const ci = { caseInsensitive: true };

test('a plain string matches the way IAM matches actions: wildcards, case-insensitive', () => {
  expect(globMatches('iam:*', 'IAM:PassRole', ci)).toBe(true);
  expect(globMatches('iam:Pass?ole', 'iam:passrole', ci)).toBe(true);
  expect(globMatches('iam:Pass?ole', 'iam:PassRoles', ci)).toBe(false);
  expect(globMatches('iam:*', 'IAM:PassRole')).toBe(false);
  expect(globMatches('arn:aws*:iam::aws:policy/*FullAccess', 'arn:aws:iam::aws:policy/IAMFullAccess')).toBe(
    true,
  );
  expect(globMatches('a.b', 'axb')).toBe(false);
});

test('two patterns overlap when one string matches both', () => {
  expect(globsOverlap('*', 'iam:PassRole', ci)).toBe(true);
  expect(globsOverlap('iam:Pass*', 'iam:*', ci)).toBe(true);
  expect(globsOverlap('IAM:passrole', 'iam:*', ci)).toBe(true);
  expect(globsOverlap('i*:P*', 'iam:PassRole', ci)).toBe(true);
  expect(globsOverlap('iam:Get*', 'iam:PassRole', ci)).toBe(false);
  expect(globsOverlap('s3:*', 'iam:*', ci)).toBe(false);
  expect(globsOverlap('*:Pass*', 'iam:*Role', ci)).toBe(true);
  expect(globsOverlap('iam:?', 'iam:ab', ci)).toBe(false);
  expect(globsOverlap('kube-*', 'kube-system')).toBe(true);
  expect(globsOverlap('*-system', 'kube-*')).toBe(true);
  expect(globsOverlap('team-*', 'kube-system')).toBe(false);
});

test('coverage: NotAction lists as "everything but"', () => {
  expect(globCoveredBy('iam:*', ['iam:*'], ci)).toBe(true);
  expect(globCoveredBy('iam:*', ['IAM:*'], ci)).toBe(true);
  expect(globCoveredBy('iam:*', ['iam:Get*', 'iam:List*'], ci)).toBe(false);
  expect(globCoveredBy('iam:PassRole', ['iam:Pass*'], ci)).toBe(true);
  expect(globCoveredBy('iam:*', ['*'], ci)).toBe(true);
  // The union covers what neither part covers alone.
  expect(globCoveredBy('a*', ['ab*', 'a', 'a?', 'a?*'])).toBe(true);
  expect(globCoveredBy('team-*', ['team-a*', 'team-b*'])).toBe(false);
  expect(globCoveredBy('?*', ['*'])).toBe(true);
  expect(globCoveredBy('?*', ['team'])).toBe(false);
});

test('someString with no positive pattern means "any string"', () => {
  expect(someString({ all: [], none: ['*'] })).toBe(false);
  expect(someString({ all: [], none: ['a'] })).toBe(true);
});

test('matchesEverything is only a run of stars', () => {
  expect(matchesEverything('*')).toBe(true);
  expect(matchesEverything('**')).toBe(true);
  expect(matchesEverything('*?')).toBe(false);
  expect(matchesEverything('arn:*')).toBe(false);
});
