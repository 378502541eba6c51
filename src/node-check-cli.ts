// Imported first by src/cli.ts: ES modules evaluate their imports in order, so on a Node.js older
// than 24 this stops the CLI with a clear message before any module that needs Node 24 runs.
import { exitOnOldNode } from './support/node-version.js';

exitOnOldNode('cli');
