// The action's entry point: everything lives in run() so it can be tested.
// First: stops with a clear message on a Node.js older than 24, before anything needing it loads.
import './node-check-action.js';
import './young-generation.js';
import { run } from './main.js';

await run();
