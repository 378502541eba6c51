#!/usr/bin/env node
// The CLI entry point (bundled as dist/cli.js).
// First: stops with a clear message on a Node.js older than 24, before anything needing it loads.
import './node-check-cli.js';
import './v8-flags.js';
import { runCli } from './cli/main.js';
import { processIo } from './commands/io.js';
import { exitOnceFlushed } from './support/exit.js';

const code = await runCli(process.argv.slice(2), processIo);
process.exitCode = code;
// A failed run (a --timeout among them) may leave requests in flight that are still being retried:
// its answer is printed, so the process ends once that output is flushed instead of waiting for them.
// A successful run ends by itself.
if (code !== 0) exitOnceFlushed(code);
