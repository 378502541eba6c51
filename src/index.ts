// The action's entry point: everything lives in run() so it can be tested.
import './young-generation.js';
import { run } from './main.js';

await run();
