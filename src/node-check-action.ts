// Imported first by src/index.ts: on a Node.js older than 24 the action stops with an annotation
// that says which version it needs, before any module that needs Node 24 runs.
import { exitOnOldNode } from './support/node-version.js';

exitOnOldNode('action');
