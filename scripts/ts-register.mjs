// Lets Node 24 run the TypeScript sources directly (built-in type stripping) for the CLI, demo and
// bench scripts: imports are written `./x.js` as NodeNext requires, so map them to `./x.ts` when
// only the TypeScript file exists.
import { registerHooks } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (
      (specifier.startsWith('.') || specifier.startsWith('/')) &&
      specifier.endsWith('.js') &&
      context.parentURL?.startsWith('file:')
    ) {
      const url = new URL(specifier, context.parentURL);
      if (!existsSync(fileURLToPath(url))) {
        const ts = url.href.replace(/\.js$/, '.ts');
        if (existsSync(fileURLToPath(ts))) return nextResolve(ts, context);
      }
    }
    return nextResolve(specifier, context);
  },
});
