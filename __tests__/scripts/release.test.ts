// The release: notes come from CHANGELOG.md for the tag's version, which must be package.json's; the
// release workflow runs only on version tags, checks dist/, and moves the major tag.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
// @ts-expect-error: a plain ES module script without type declarations
import { releaseNotes } from '../../scripts/release-notes.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const notes = releaseNotes as (tag: string, changelog: string, pkg: string) => string;
const CHANGELOG = [
  '# Changelog',
  '## [Unreleased]',
  '- next',
  '## [1.2.0] - 2027-01-05',
  '### Added',
  '- fleet',
  '',
  '## [1.1.0] - 2026-12-01',
  '- older',
].join('\n');
const pkg = (version: string) => JSON.stringify({ version });

test('the notes are the version section of CHANGELOG.md, nothing more', () => {
  expect(notes('v1.2.0', CHANGELOG, pkg('1.2.0'))).toBe('### Added\n- fleet\n');
});

test('a tag that is not package.json version, not a version, or without notes is refused', () => {
  expect(() => notes('v1.2.1', CHANGELOG, pkg('1.2.0'))).toThrow(
    /does not match package.json's version 1.2.0/,
  );
  expect(() => notes('v1.2', CHANGELOG, pkg('1.2.0'))).toThrow(/not a release tag/);
  expect(() => notes('v1.3.0', CHANGELOG, pkg('1.3.0'))).toThrow(/no "## \[1.3.0\] - DATE" section/);
});

test("this repository's package.json version has its CHANGELOG section (the script, as the workflow runs it)", () => {
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string })
    .version;
  const out = execFileSync(process.execPath, [join(ROOT, 'scripts', 'release-notes.mjs'), `v${version}`], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(out).toMatch(/^### Added/);
  expect(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')).toMatch(/^## \[Unreleased\]$/m);
});

test('the release workflow: version tags only, dist checked, notes from the script, major tag moved', () => {
  const workflow = parse(readFileSync(join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8')) as {
    on: { push: { tags: string[] } };
    permissions: object;
    jobs: { release: { permissions: Record<string, string>; steps: Array<{ run?: string; name?: string }> } };
  };
  expect(workflow.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } });
  expect(workflow.permissions).toEqual({});
  expect(workflow.jobs.release.permissions).toEqual({ contents: 'write' });
  const script = workflow.jobs.release.steps.map((s) => s.run ?? '').join('\n');
  expect(script).toContain('npm run bundle');
  expect(script).toContain('git status --porcelain dist/');
  expect(script).toContain('node scripts/release-notes.mjs "${GITHUB_REF_NAME}"');
  expect(script).toContain('git push --force origin "refs/tags/${major}"');
  // The major tag is moved only after the release exists.
  const names = workflow.jobs.release.steps.map((s) => s.name ?? '');
  expect(names.indexOf('Move the major tag')).toBeGreaterThan(names.indexOf('Publish the release'));
});
