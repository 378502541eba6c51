// dist/ is committed for the action runner; it must always equal a fresh bundle of src/ — every file,
// at any depth (the action is several bundles, and a build could add chunk files or folders).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

/** Every file under dir, as sorted paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

test('dist/ equals a fresh `npm run bundle`', () => {
  const out = mkdtempSync(join(tmpdir(), 'wib-dist-'));
  try {
    execFileSync(process.execPath, [join(root, 'scripts', 'bundle.mjs'), '--out', out], {
      cwd: root,
      stdio: 'pipe',
    });
    const fresh = filesUnder(out);
    expect(fresh).toEqual(expect.arrayContaining(['index.js', 'handlers.js', 'cli.js', 'licenses.txt']));
    expect(filesUnder(join(root, 'dist'))).toEqual(fresh);
    for (const file of fresh) {
      const same = readFileSync(join(out, file)).equals(readFileSync(join(root, 'dist', file)));
      if (!same)
        throw new Error(`dist/${file} differs from a fresh bundle: run \`npm run bundle\` and commit dist/`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 300_000);
