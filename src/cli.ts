#!/usr/bin/env node
// The CLI entry point (bundled as dist/cli.js).
// First: stops with a clear message on a Node.js older than 24, before anything needing it loads.
import './node-check-cli.js';
import './young-generation.js';
import { runCli } from './cli/main.js';
import { processIo } from './commands/io.js';

const code = await runCli(process.argv.slice(2), processIo);
process.exitCode = code;
// A failed run (a --timeout among them) may leave requests in flight that are still being retried;
// the answer is printed, so the process does not wait for them. The timer is unref'd: a run that
// ends by itself is never cut short, and a successful run's output (perhaps piped into a pager) is
// never cut off.
if (code === 1) setTimeout(() => process.exit(code), 5_000).unref();
