// The action's entry point: everything lives in run() so it can be tested.
// First: stops with a clear message on a Node.js older than 24, before anything needing it loads.
import './node-check-action.js';
import './v8-flags.js';
import { run } from './main.js';
import { exitOnceFlushed } from './support/exit.js';

await run();
// A failed run (the timeout input among them) may leave requests in flight that are still being
// retried; everything is reported, so the step ends once the log output is flushed.
if (process.exitCode !== undefined && process.exitCode !== 0) exitOnceFlushed(Number(process.exitCode));
