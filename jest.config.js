// ESM jest on Node 24 (npm scripts put node_modules/.bin/node first on PATH). TypeScript is
// stripped by Node itself (scripts/jest-strip-types.mjs); `npm run lint` type-checks.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': '<rootDir>/scripts/jest-strip-types.mjs',
    '/@kubernetes/client-node/dist/config\\.js$': '<rootDir>/scripts/jest-client-node-config.mjs',
  },
  transformIgnorePatterns: ['/node_modules/(?!@kubernetes/client-node/dist/config\\.js$)'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // The schema validators the bundle ships, not ajv compiling them in every test file.
  globalSetup: '<rootDir>/scripts/jest-schemas.mjs',
  resolver: '<rootDir>/scripts/jest-resolver.cjs',
  testTimeout: 60000,
  // Tests start in-process emulators; keep workers small on 2-core machines.
  maxWorkers: 2,
  // A worker keeps what every test file's ES modules loaded and grew to ~600 MB over the suite:
  // more GC, slower child-process spawns, and on a loaded machine an exit slower than jest's 500 ms
  // grace ("A worker process has failed to exit gracefully"). A fresh worker past 350 MB is cheaper
  // (measured at load ~7: 297 → 278 s of CPU, and no such warning).
  workerIdleMemoryLimit: '350MB',
  // A worker ends when nothing is left to run; jest force-kills it (and warns "failed to exit
  // gracefully") 500 ms after asking. On a 2-core machine at load ~7 that is too short for a worker to
  // wind down, while each test file alone exits at once (a scan of every file with `jest -i` found
  // none left running). 3 s keeps the warning for what it is meant to catch: something left running.
  workerGracefulExitTimeout: 3000,
};
