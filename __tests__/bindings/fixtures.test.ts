// Every invalid file under __tests__/fixtures/invalid/ must give exactly the messages in its
// `.expected` file: the messages are part of the interface (people and CI annotations read them).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic } from '../../src/bindings/diagnostics.js';
import { loadBindingsText } from '../../src/bindings/load.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'invalid');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

test('there are at least 45 invalid fixtures, each with an expected file', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(45);
  const expected = new Set(readdirSync(dir).filter((f) => f.endsWith('.expected')));
  expect(fixtures.filter((f) => !expected.has(f.replace(/\.yaml$/, '.expected')))).toEqual([]);
});

test.each(fixtures)('%s gives exactly the expected messages', (name) => {
  const result = loadBindingsText(readFileSync(join(dir, name)), name);
  const expected = readFileSync(join(dir, name.replace(/\.yaml$/, '.expected')), 'utf8')
    .trimEnd()
    .split('\n');
  expect(result.diagnostics.map(formatDiagnostic)).toEqual(expected);
  expect(result.file).toBeUndefined();
});
