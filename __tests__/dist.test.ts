// dist/ is committed for the action runner; it must always equal a fresh bundle of src/.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

test('dist/ equals a fresh `npm run bundle`', () => {
  const out = mkdtempSync(join(tmpdir(), 'wib-dist-'));
  try {
    execFileSync(process.execPath, [join(root, 'scripts', 'bundle.mjs'), '--out', out], {
      cwd: root,
      stdio: 'pipe',
    });
    const fresh = readdirSync(out).sort();
    expect(readdirSync(join(root, 'dist')).sort()).toEqual(fresh);
    for (const file of fresh) {
      const same = readFileSync(join(out, file)).equals(readFileSync(join(root, 'dist', file)));
      if (!same)
        throw new Error(`dist/${file} differs from a fresh bundle: run \`npm run bundle\` and commit dist/`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 300_000);
