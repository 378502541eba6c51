// The action in process: run() from src/main.ts — and through it each mode handler in src/action —
// through the same scenario as the bundle's end-to-end test (action/scenario.ts), so a change in
// src/action is tested without re-bundling. The runner's environment replaces process.env for the
// run; what the action prints to stdout (workflow commands included) is captured.
import { actionScenario } from './action/scenario.js';
import { runMainInProcess } from './action/run-main.js';

actionScenario((env, cwd) => runMainInProcess(env, cwd));
