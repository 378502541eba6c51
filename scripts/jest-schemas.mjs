// The tests validate bindings and guardrails files with the same precompiled validators the bundle
// ships (scripts/schema-standalone.mjs), instead of loading ajv and compiling both schemas and
// ajv's draft 2020-12 meta-schema again in every test file (~0.4 s of CPU each).
// __tests__/bindings/schema-standalone.test.ts still compiles with ajv at run time and holds the two
// to the same diagnostics.
//
// jest's globalSetup writes the module once per run (so a schema edit is always picked up); jest's
// resolver gives it to src/bindings/schema.ts in place of ./schema-compiler.js, as the bundle's
// precompiledSchemas plugin does. It lives under node_modules/.cache so ajv's runtime helpers
// resolve from it.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaValidatorsModule } from './schema-standalone.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PRECOMPILED = join(root, 'node_modules', '.cache', 'wib-jest', 'schema-validators.mjs');

export default function writePrecompiledSchemas() {
  mkdirSync(dirname(PRECOMPILED), { recursive: true });
  // Written aside and renamed: a second jest run in this checkout never reads half a file.
  const staged = `${PRECOMPILED}.${process.pid}`;
  writeFileSync(staged, schemaValidatorsModule(root));
  renameSync(staged, PRECOMPILED);
}
