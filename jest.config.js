// ESM jest on Node 24 (npm scripts put node_modules/.bin/node first on PATH).
import { createDefaultEsmPreset } from 'ts-jest';

const preset = createDefaultEsmPreset({
  tsconfig: 'tsconfig.json',
  diagnostics: { ignoreCodes: ['TS151001'] },
});

export default {
  ...preset,
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 60000,
  // Tests start in-process emulators; keep workers small on 2-core machines.
  maxWorkers: 2,
};
