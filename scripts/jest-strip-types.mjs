// jest's transformer for our TypeScript: Node's built-in type stripping, the same the CLI's source
// mode and the bench use (scripts/ts-register.mjs). `erasableSyntaxOnly` in tsconfig.json makes every
// file strippable, and stripping keeps every position (types become blanks), so stack traces and
// coverage need no source map. Type checking is `npm run lint`'s job (tsc over src, tests, bench);
// compiling each file with TypeScript here cost every jest worker seconds of CPU for nothing.
import { createHash } from 'node:crypto';
import { stripTypeScriptTypes } from 'node:module';

/** Node flags the API as experimental; the warning is about our test runner, not the product. */
function strip(source) {
  const emitWarning = process.emitWarning;
  process.emitWarning = (warning, ...rest) =>
    /stripTypeScriptTypes/.test(String(warning)) ? undefined : emitWarning.call(process, warning, ...rest);
  try {
    return stripTypeScriptTypes(source, { mode: 'strip' });
  } finally {
    process.emitWarning = emitWarning;
  }
}

export default {
  getCacheKey(source, path) {
    return createHash('sha256')
      .update(`${process.version}\0strip-types-1\0${path}\0`)
      .update(source)
      .digest('hex');
  },
  process(source) {
    return { code: strip(source) };
  },
};
