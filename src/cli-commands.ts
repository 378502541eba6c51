// The CLI commands that reach IAM and Kubernetes (AWS SDK, Kubernetes client), bundled as their own
// dist/cli-commands.js and imported by src/cli/main.ts only when one of them runs.
export { applyCommand } from './commands/apply.js';
export { planCommand } from './commands/plan.js';
export { importCommand } from './commands/import.js';
export { verifyCommand } from './commands/verify.js';
