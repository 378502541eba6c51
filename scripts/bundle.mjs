// Builds the action (dist/index.js + dist/handlers.js) and the CLI (dist/cli.js +
// dist/cli-commands.js) with esbuild, plus licenses.txt. `node scripts/bundle.mjs --out DIR` writes
// elsewhere (the dist check compares that with dist/).
//
// Four minified ESM entries (plus the chunks of code they share). index.js and cli.js hold only what reads and checks the inputs and the
// arguments; they import handlers.js / cli-commands.js (the AWS SDK, the Kubernetes client,
// Octokit) once a mode or a command that needs them is about to run. Those two imports stay
// imports of the sibling file (see lazyEntries), so a run that fails on its inputs never parses the
// heavy code.
//
// Why esbuild and not ncc: @kubernetes/client-node's KubeConfig (dist/config.js) imports the
// package's generated index only for createConfiguration and ServerConfiguration, and that index
// pulls in every generated API and all ~2,700 models (ObjectSerializer's type map). ncc offers no
// way to resolve one import differently; esbuild's plugins do (withoutGeneratedClient), which cut
// the plan's peak RSS and start-up (figures in bench/results/latest.md). It also builds in seconds
// where ncc took ~35 s per entry, and it does not type-check: the tsc run below does that, as ncc did.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  cpSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaValidatorsModule } from './schema-standalone.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(root, 'dist');
const entries = {
  index: 'src/index.ts',
  handlers: 'src/handlers.ts',
  cli: 'src/cli.ts',
  'cli-commands': 'src/cli-commands.ts',
};
const clientNode = join(root, 'node_modules', '@kubernetes', 'client-node', 'dist');

/** `import('./handlers.js')` and `import('./cli-commands.js')` load the sibling bundle at run time. */
const lazyEntries = {
  name: 'lazy-entries',
  setup(b) {
    b.onResolve({ filter: /^\.\/(handlers|cli-commands)\.js$/ }, (args) =>
      args.importer.startsWith(join(root, 'src') + sep) && args.kind === 'dynamic-import'
        ? { path: args.path, external: true }
        : undefined,
    );
  },
};

/**
 * client-node's config.js imports `./gen/index.js` for two names; give it exactly those two, so
 * the generated APIs and models stay out of the bundle (src/kube/core-api.ts makes the calls).
 */
const withoutGeneratedClient = {
  name: 'client-node-without-generated-client',
  setup(b) {
    b.onResolve({ filter: /^\.\/gen\/index\.js$/ }, (args) =>
      args.importer === join(clientNode, 'config.js')
        ? { path: 'config-gen', namespace: 'client-node-gen' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'client-node-gen' }, () => ({
      contents:
        "export { createConfiguration } from './gen/configuration.js';\n" +
        "export { ServerConfiguration } from './gen/servers.js';\n",
      resolveDir: clientNode,
      loader: 'js',
    }));
  },
};

/**
 * client-node's config.js and its generated fetch library import undici (its own copy, ~700 KB, with
 * a WebAssembly HTTP parser) for the fetch pipeline of the generated API classes. The bundle sends
 * Kubernetes requests through src/kube/transport.ts (Node's https, with the kubeconfig applied by
 * KubeConfig.applyToHTTPSOptions) and never calls that pipeline, so those imports get stand-ins that
 * fail loudly if something ever does. Measured in bench/results/memory.md (fifth round).
 */
const withoutUndici = {
  name: 'client-node-without-undici',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (args) =>
      args.importer.startsWith(clientNode + sep)
        ? { path: 'undici', namespace: 'client-node-undici' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'client-node-undici' }, () => ({
      contents: [
        "const why = 'is not bundled: Kubernetes requests go through src/kube/transport.ts';",
        'export class Agent { constructor() { throw new Error(`undici Agent ${why}`); } }',
        'export class ProxyAgent { constructor() { throw new Error(`undici ProxyAgent ${why}`); } }',
        'export function fetch() { return Promise.reject(new Error(`undici fetch ${why}`)); }',
        '',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

/**
 * The schema validators generated ahead of time (scripts/schema-standalone.mjs) in place of
 * src/bindings/schema-compiler.ts, which compiles them with ajv at run time.
 */
const precompiledSchemas = {
  name: 'precompiled-schemas',
  setup(b) {
    b.onResolve({ filter: /^\.\/schema-compiler\.js$/ }, (args) =>
      args.importer === join(root, 'src', 'bindings', 'schema.ts')
        ? { path: 'schema-compiler', namespace: 'precompiled-schemas' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'precompiled-schemas' }, () => ({
      contents: schemaValidatorsModule(root),
      resolveDir: root,
      loader: 'js',
    }));
  },
};

/**
 * `import … from 'node:http'` and `await import('node:http')` (and https) through require(). An ES
 * module import of node:http makes Node build its ES module facade, which reads every export, and
 * the lazy getters among them load Node's internal fetch (undici): 54 ms of CPU against 6 ms for
 * require() (median of 9 fresh processes each, Node 24). client-node and its proxy agents import it
 * statically, @smithy/node-http-handler dynamically, just before a plan's first IAM request. Other
 * built-ins were measured too: 15 of them together cost 24 ms as ES modules and 16 ms through
 * require(), which a shim chunk per built-in would eat up, so they stay ES imports.
 */
const builtinsViaRequire = {
  name: 'http-builtins-via-require',
  setup(b) {
    b.onResolve({ filter: /^(node:)?https?$/ }, (args) =>
      args.kind === 'import-statement' || args.kind === 'dynamic-import'
        ? { path: args.path.replace(/^node:/, ''), namespace: 'builtin-via-require' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin-via-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});\n`,
      loader: 'js',
    }));
  },
};

/**
 * @actions/core imports its OIDC client (getIDToken) statically, and with it @actions/http-client and
 * the npm undici: ~780 KB the action would evaluate before its first request. The action never asks
 * for an ID token, so core.js gets a stand-in whose getIDToken imports the real module when called
 * (esbuild drops it, and the real module with it, as nothing calls it).
 */
const lazyActionsOidc = {
  name: 'lazy-actions-oidc',
  setup(b) {
    b.onResolve({ filter: /^\.\/oidc-utils\.js$/ }, (args) =>
      /node_modules[\\/]@actions[\\/]core[\\/]lib[\\/]core\.js$/.test(args.importer)
        ? {
            // Not a node_modules path: the licence list reads package names from those.
            path: 'oidc-utils',
            namespace: 'lazy-actions-oidc',
            pluginData: { dir: dirname(args.importer) },
          }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-actions-oidc' }, (args) => ({
      contents: `export class OidcClient {\n  static async getIDToken(audience) {\n    const real = await import('./oidc-utils.js');\n    return real.OidcClient.getIDToken(audience);\n  }\n}\n`,
      resolveDir: args.pluginData.dir,
      loader: 'js',
    }));
  },
};

// esbuild strips types without checking them: a type error in the shipped code fails the bundle.
execFileSync(
  process.execPath,
  [
    join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '--noEmit',
    '-p',
    join(root, 'src', 'tsconfig.json'),
  ],
  {
    cwd: root,
    stdio: 'inherit',
  },
);

const work = mkdtempSync(join(tmpdir(), 'wib-bundle-'));
// Build next to the target and swap at the end, so a failed build leaves the old dist/ in place.
const staged = join(work, 'out');
try {
  const result = await build({
    absWorkingDir: root,
    entryPoints: entries,
    outdir: staged,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // Code the entries share (the bindings loader, yaml, ajv, the engine's core) goes into chunk
    // files loaded once: the CLI's plan used to load and initialise a second copy of it from
    // cli-commands.js.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    target: 'node24',
    // The ES module builds (`module`) of packages that ship both, the AWS SDK and Smithy among them:
    // esbuild can drop what is never imported from them, where a CommonJS index is kept whole and
    // runs every definition at load. Measured on loading cli-commands.js: 600 → 280 ms, 75 → 63 MB
    // RSS (the IAM client's ~170 commands and their schemas were the bulk). Packages with an
    // `exports` map are resolved by it either way.
    mainFields: ['module', 'main'],
    minify: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'error',
    // CommonJS dependencies (ajv, parts of the AWS SDK) call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __wibRequire } from 'node:module'; const require = __wibRequire(import.meta.url);",
    },
    plugins: [
      lazyEntries,
      withoutGeneratedClient,
      withoutUndici,
      precompiledSchemas,
      builtinsViaRequire,
      lazyActionsOidc,
    ],
  });
  const inputs = Object.keys(result.metafile.inputs);
  if (inputs.some((p) => /node_modules\/ajv\/dist\/(core|compile)\//.test(p)))
    throw new Error(
      "the bundle pulled in ajv's schema compiler: the validators must come precompiled (scripts/schema-standalone.mjs)",
    );
  const generated = inputs.filter((p) => /client-node\/dist\/gen\/(models|apis\/(?!exception))/.test(p));
  if (generated.length)
    throw new Error(
      `the bundle pulled in client-node's generated client (${generated.slice(0, 3).join(', ')}, …): import from @kubernetes/client-node/dist/… and src/kube/core-api.ts, never the package index`,
    );
  if (inputs.some((p) => /client-node\/node_modules\/undici\//.test(p)))
    throw new Error(
      "the bundle pulled in client-node's undici: Kubernetes requests go through src/kube/transport.ts",
    );
  writeFileSync(join(staged, 'package.json'), '{\n  "type": "module"\n}\n');
  writeFileSync(join(staged, 'licenses.txt'), licenses(inputs));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(dirname(out), { recursive: true });
  cpSync(staged, out, { recursive: true });
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** One section per bundled package (name, version, license, its license file), sorted by name. */
function licenses(inputs) {
  const packages = new Map();
  for (const input of inputs) {
    const at = input.lastIndexOf('node_modules/');
    if (at < 0) continue;
    const parts = input.slice(at + 'node_modules/'.length).split('/');
    const name = parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    const dir = join(root, input.slice(0, at), 'node_modules', name);
    if (packages.has(dir)) continue;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = existsSync(dir)
      ? readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f))
      : undefined;
    const text = file ? readFileSync(join(dir, file), 'utf8').trim() : '';
    packages.set(dir, `${manifest.name}@${manifest.version}\n${manifest.license ?? 'UNKNOWN'}\n${text}`);
  }
  return [...new Set(packages.values())].sort().join('\n\n') + '\n';
}
