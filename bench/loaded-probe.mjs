// Preloaded into a child process (`node --import ./bench/loaded-probe.mjs ...`) to learn which files
// it loads: every module URL the process resolves (ES imports, dynamic imports, require) is written
// to the file named by BENCH_LOADED_FILE when it exits. Only in runs made to list files, never in
// timed ones (the hook costs a little on every import).
import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';

const target = process.env.BENCH_LOADED_FILE;
const seen = new Set();
if (target) {
  registerHooks({
    resolve(specifier, context, next) {
      const result = next(specifier, context);
      seen.add(result.url);
      return result;
    },
  });
  process.on('exit', () => writeFileSync(target, [...seen].join('\n')));
}
