// Builds the action (dist/index.js + dist/handlers.js) and the CLI (dist/cli.js) with ncc, plus
// licenses.txt. `node scripts/bundle.mjs --out DIR` writes elsewhere (the dist check compares that
// with dist/).
//
// The action is two bundles on purpose: index.js holds only what reads and checks the inputs, and
// imports handlers.js (the AWS SDK, the Kubernetes client, Octokit) once a mode is about to run,
// through an import ncc leaves alone (webpackIgnore, see src/main.ts). Lazy chunks that ncc makes
// from ordinary dynamic imports would also work, but ncc does not minify chunk files (a 19 MB chunk
// here), while it does minify every entry.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  rmSync,
  readdirSync,
  renameSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(root, 'dist');
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
const entries = [
  ['src/index.ts', 'index'],
  ['src/handlers.ts', 'handlers'],
  ['src/cli.ts', 'cli'],
  ['src/cli-commands.ts', 'cli-commands'],
];

const work = mkdtempSync(join(tmpdir(), 'wib-bundle-'));
// Build next to the target and swap at the end, so a failed build leaves the old dist/ in place.
const staged = join(work, 'out');
try {
  mkdirSync(staged, { recursive: true });
  const licenses = new Map();
  for (const [entry, name] of entries) {
    const dir = join(work, name);
    execFileSync(
      process.execPath,
      [
        ncc,
        'build',
        join(root, entry),
        '-o',
        dir,
        '--minify',
        '--license',
        'licenses.txt',
        '--no-cache',
        '--quiet',
        '--target',
        'es2023',
      ],
      { cwd: root, stdio: 'inherit' },
    );
    for (const file of readdirSync(dir)) {
      if (file === 'index.js') renameSync(join(dir, file), join(staged, `${name}.js`));
      else if (file === 'licenses.txt') licenses.set(name, readFileSync(join(dir, file), 'utf8'));
      else if (!existsSync(join(staged, file))) renameSync(join(dir, file), join(staged, file));
      // Chunk files of two entries could share a name (ncc names them `<id>.index.js` for every
      // entry): never let one silently replace or drop the other.
      else if (!readFileSync(join(dir, file)).equals(readFileSync(join(staged, file))))
        throw new Error(`${name}: ncc wrote ${file}, which another entry also wrote with other content`);
    }
  }
  // One licenses file for both bundles: union of the per-bundle sections, in a stable order.
  const sections = new Set();
  for (const text of licenses.values())
    for (const s of text.split(/\n\n(?=\S+\n)/)) if (s.trim()) sections.add(s.trim());
  writeFileSync(join(staged, 'licenses.txt'), [...sections].sort().join('\n\n') + '\n');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(dirname(out), { recursive: true });
  cpSync(staged, out, { recursive: true });
} finally {
  rmSync(work, { recursive: true, force: true });
}
