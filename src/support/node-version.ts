// The Node.js version the bundles need, checked before anything else loads: on an older Node the
// Kubernetes client's HTTP library fails at import time with "Cannot read properties of undefined
// (reading 'bind')", which says nothing about the real cause.
export const MIN_NODE_MAJOR = 24;

/** The problem with running on `version` (e.g. "v20.20.2"), or undefined when it is new enough. */
export function nodeVersionProblem(version: string, entry: 'cli' | 'action'): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (Number.isInteger(major) && major >= MIN_NODE_MAJOR) return undefined;
  const how =
    entry === 'action'
      ? 'The action declares `runs.using: node24` in action.yml: run it on a runner that provides Node 24 (GitHub-hosted runners do; self-hosted runners need a current actions/runner release).'
      : 'Install Node 24 (https://nodejs.org/en/download, or `nvm install 24`, `fnm use 24`, `volta install node@24`), or run it once with `npx -p node@24 workload-identity …`.';
  return `workload-identity-bindings needs Node.js ${MIN_NODE_MAJOR} or later; this is Node.js ${version}. ${how}`;
}

/** Stops the process with the message when this Node.js is too old (`::error::` in a workflow). */
export function exitOnOldNode(entry: 'cli' | 'action'): void {
  const problem = nodeVersionProblem(process.version, entry);
  if (!problem) return;
  process.stderr.write(entry === 'action' ? `::error::${problem}\n` : `${problem}\n`);
  process.exit(1);
}
