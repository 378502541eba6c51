// jest's transformer for one file of @kubernetes/client-node: dist/config.js (KubeConfig) imports the
// package's generated index for two names, and that index loads every generated API and model,
// ~1,000 modules that jest compiles again for each test file. The bundle gives config.js exactly
// those two names (scripts/bundle.mjs, withoutGeneratedClient); this does the same for the tests, so
// they load KubeConfig as the action and the CLI do.
import { createHash } from 'node:crypto';

const IMPORT =
  /import\s*\{\s*createConfiguration,\s*ServerConfiguration,?\s*\}\s*from\s*'\.\/gen\/index\.js';/;

export default {
  getCacheKey(source, path) {
    return createHash('sha256').update(`client-node-config-1\0${path}\0`).update(source).digest('hex');
  },
  process(source, path) {
    if (!IMPORT.test(source))
      throw new Error(
        `${path} no longer imports createConfiguration and ServerConfiguration from ./gen/index.js: ` +
          'update scripts/jest-client-node-config.mjs and withoutGeneratedClient in scripts/bundle.mjs together',
      );
    return {
      code: source.replace(
        IMPORT,
        "import { createConfiguration } from './gen/configuration.js'; import { ServerConfiguration } from './gen/servers.js';",
      ),
    };
  },
};
