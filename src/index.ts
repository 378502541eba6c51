// The action's entry point: everything lives in run() so it can be tested.
// First: stops with a clear message on a Node.js older than 24, before anything needing it loads.
import './node-check-action.js';
import './young-generation.js';
import { run } from './main.js';

await run();
// A failed run (the timeout input among them) may leave requests in flight that are still being
// retried; everything is reported, so the step does not wait for them (unref'd: never cuts short a
// run that ends by itself).
if (process.exitCode === 1) setTimeout(() => process.exit(1), 5_000).unref();
