// The action's entry point: everything lives in run() so it can be tested.
import { run } from './main.js';

await run();
