// The README's example comment is the golden add-subject comment, byte for byte: regenerated from
// the renderer, never hand-edited. And the pictures it shows exist.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

test("the README's example comment equals the golden comment the renderer produces", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## The pull-request comment\n'));
  const start = section.indexOf('````markdown\n') + '````markdown\n'.length;
  const example = section.slice(start, section.indexOf('````\n', start));
  expect(example).toBe(readFileSync(join(root, '__tests__/render/golden/add-subject.md'), 'utf8'));
  for (const png of section.match(/docs\/[\w-]+\.png/g) ?? []) expect(existsSync(join(root, png))).toBe(true);
  expect(section).toContain('docs/plan-comment-destroy.png');
});
