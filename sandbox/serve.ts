// `npm run sandbox`: keeps the local emulators running so the CLI can be tried by hand. Prints (or
// writes with --env-out) the environment to source; state lives until the process stops.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_SANDBOX_CONTEXTS, DEFAULT_SANDBOX_NAMESPACES, startLocalSandbox } from './local.js';

const { values } = parseArgs({
  options: {
    'env-out': { type: 'string' },
    context: { type: 'string', multiple: true },
    namespace: { type: 'string', multiple: true },
  },
});
const contexts = values.context?.length ? values.context : DEFAULT_SANDBOX_CONTEXTS;
const sandbox = await startLocalSandbox({
  contexts,
  namespaces: values.namespace ?? DEFAULT_SANDBOX_NAMESPACES,
  controlPlane: true,
});
const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
const env = Object.entries(sandbox.env)
  .map(([key, value]) => `export ${key}=${quote(value ?? '')}`)
  .join('\n');

if (values['env-out']) {
  // Written whole at once, so a shell waiting for the file never reads half of it.
  writeFileSync(values['env-out'], `${env}\n`);
  process.stderr.write(
    `Sandbox up (contexts: ${contexts.join(', ')}; Control Plane org acme, cluster prod). Environment in ${values['env-out']}; stop with Ctrl-C or kill.\n`,
  );
} else {
  process.stdout.write(`${env}\n`);
  process.stderr.write(
    `Sandbox up (contexts: ${contexts.join(', ')}; Control Plane org acme, cluster prod); stop with Ctrl-C.\n`,
  );
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => void sandbox.stop().then(() => process.exit(0)));
// `npm run sandbox &` then `kill %1` kills npm, not this process: stop when the parent goes away.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void sandbox.stop().then(() => process.exit(0));
}, 500);
