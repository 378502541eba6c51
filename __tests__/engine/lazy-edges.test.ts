// A file that manages no ServiceAccounts (`kubernetes: false` on every cluster) plans without
// loading the Kubernetes client or the Control Plane client: the engine imports them only when a
// cluster needs them (engine/session.ts, engine/observe.ts, engine/resolve-clusters.ts). Checked in
// a child process running the CLI from the sources, with a module hook that records every module
// it resolves; the same file with Kubernetes clusters is the control that the hook sees them.
// (The bundle splits them into their own chunks the same way; bench/startup.ts reports which dist
// files a plan loads.)
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startEnvironment, type BenchEnvironment } from '../../bench/environment.js';

const root = join(import.meta.dirname, '..', '..');

const HOOK = `
import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const seen = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    seen.add(result.url);
    return result;
  },
});
process.on('exit', () => writeFileSync(process.env.LOADED_MODULES_FILE, [...seen].join('\\n')));
`;

let env: BenchEnvironment;
let dir: string;

beforeAll(async () => {
  env = await startEnvironment(4, 0);
  dir = await mkdtemp(join(tmpdir(), 'wib-lazy-'));
  await writeFile(join(dir, 'hook.mjs'), HOOK);
  const file = parse(env.workload.text) as { clusters: Record<string, { kubernetes: unknown }> };
  for (const cluster of Object.values(file.clusters)) cluster.kubernetes = false;
  await writeFile(join(dir, 'iam-only.yaml'), stringify(file));
}, 60_000);

afterAll(async () => {
  await env?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `plan --file FILE --format json` from the sources; the URLs of every module it resolved. */
async function modulesOfPlan(file: string): Promise<string[]> {
  const loaded = join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  const childEnv: NodeJS.ProcessEnv = { ...env.env, LOADED_MODULES_FILE: loaded };
  const args = [
    '--import',
    join(root, 'scripts', 'ts-register.mjs'),
    '--import',
    join(dir, 'hook.mjs'),
    join(root, 'src', 'cli.ts'),
    'plan',
    '--file',
    file,
    '--format',
    'json',
  ];
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((done, fail) => {
    const child = spawn(process.execPath, args, { env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.once('error', fail);
    child.once('close', (c) => done({ code: c, stderr: Buffer.concat(err).toString('utf8') }));
  });
  // Exit 2 would mean --detailed-exitcode; plain plan exits 0 with changes too.
  if (code !== 0) throw new Error(`plan exited ${code}:\n${stderr}`);
  return (await readFile(loaded, 'utf8')).split('\n');
}

const kubernetesCode = (url: string): boolean =>
  url.includes('/src/kube/') || url.includes('/node_modules/@kubernetes/');
const controlPlaneClient = (url: string): boolean => url.endsWith('/src/controlplane/client.ts');

test('a kubernetes: false file plans without loading the Kubernetes or Control Plane client', async () => {
  const modules = await modulesOfPlan(join(dir, 'iam-only.yaml'));
  // The plan ran through the engine and the AWS edge…
  expect(modules.some((u) => u.endsWith('/src/engine/observe.ts'))).toBe(true);
  expect(modules.some((u) => u.includes('/node_modules/@aws-sdk/client-iam/'))).toBe(true);
  // …and never resolved a Kubernetes or Control Plane client module.
  expect(modules.filter(kubernetesCode)).toEqual([]);
  expect(modules.filter(controlPlaneClient)).toEqual([]);
}, 120_000);

test('the same file with Kubernetes clusters loads the Kubernetes client (the hook sees it)', async () => {
  const modules = await modulesOfPlan(env.bindingsPath);
  expect(modules.some((u) => u.endsWith('/src/kube/client.ts'))).toBe(true);
  expect(modules.some((u) => u.includes('/node_modules/@kubernetes/client-node/'))).toBe(true);
  // Control Plane is not used by this file either.
  expect(modules.filter(controlPlaneClient)).toEqual([]);
}, 120_000);
