// Release notes for a tag: checks that the tag (vX.Y.Z) is package.json's version and prints that
// version's section of CHANGELOG.md (Keep a Changelog: `## [X.Y.Z] - YYYY-MM-DD`). Exit 1 with a
// message naming what to fix when either does not hold. Used by .github/workflows/release.yml.
// Usage: node scripts/release-notes.mjs vX.Y.Z [CHANGELOG.md] [package.json]
import { readFileSync } from 'node:fs';

export function releaseNotes(tag, changelog, packageJson) {
  const match = /^v(\d+\.\d+\.\d+)$/.exec(tag ?? '');
  if (!match) throw new Error(`"${tag}" is not a release tag: use vMAJOR.MINOR.PATCH, e.g. v1.2.3`);
  const version = match[1];
  const declared = JSON.parse(packageJson).version;
  if (declared !== version)
    throw new Error(`tag ${tag} does not match package.json's version ${declared}: bump package.json first`);
  const lines = changelog.split('\n');
  const heading = new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\](\\s|$)`);
  const start = lines.findIndex((l) => heading.test(l));
  if (start < 0)
    throw new Error(
      `CHANGELOG.md has no "## [${version}] - DATE" section: move the Unreleased notes under it`,
    );
  let end = start + 1;
  while (end < lines.length && !/^## /.test(lines[end])) end++;
  const body = lines
    .slice(start + 1, end)
    .join('\n')
    .trim();
  if (!body) throw new Error(`CHANGELOG.md's section for ${version} is empty`);
  return `${body}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [tag, changelog = 'CHANGELOG.md', pkg = 'package.json'] = process.argv.slice(2);
  try {
    process.stdout.write(releaseNotes(tag, readFileSync(changelog, 'utf8'), readFileSync(pkg, 'utf8')));
  } catch (error) {
    console.error(`release-notes: ${error.message}`);
    process.exit(1);
  }
}
