#!/usr/bin/env node
// The CLI entry point (bundled as dist/cli.js).
// First: stops with a clear message on a Node.js older than 24, before anything needing it loads.
import './node-check-cli.js';
import './young-generation.js';
import { runCli } from './cli/main.js';
import { processIo } from './commands/io.js';

process.exitCode = await runCli(process.argv.slice(2), processIo);
