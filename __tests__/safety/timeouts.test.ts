// Bounded time: an endpoint that accepts connections and never answers must not hang a run. The
// CLI (a child process, as users run it) gets --timeout 2s: plan exits 1 naming the limit; apply
// against an IAM whose writes never answer reports exactly what finished and what did not. The only
// time in these tests is the product's own configured limit; nothing here measures time.
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDuration } from '../../src/support/deadline.js';
import { cliEntry, runCli } from '../apply/cli-process.js';
import { startSafetySandbox, type SafetySandbox } from './harness.js';

const file = `version: 1
owner: acme/platform-iam
aws: { accountId: '123456789012' }
clusters:
  prod: { issuer: 'https://oidc.example.com/id/ABC', kubernetes: false }
bindings:
  - role: s3-reader
    serviceAccounts: [{ cluster: prod, namespace: default, name: app }]
    managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
`;

let sandbox: SafetySandbox;
let path: string;
const sockets = new Set<Socket>();
/** Accepts every connection and never answers. */
const silent = createServer((socket) => {
  sockets.add(socket);
  socket.on('error', () => undefined);
  socket.on('close', () => sockets.delete(socket));
});
let silentUrl: string;

/** Forwards to the IAM emulator, except CreateRole, which never gets an answer. */
let writesHang: Server;
let writesHangUrl: string;
const held: IncomingMessage[] = [];

function listen(server: {
  listen: (port: number, host: string, cb: () => void) => unknown;
  address: () => unknown;
}) {
  return new Promise<string>((done) =>
    server.listen(0, '127.0.0.1', () =>
      done(`http://127.0.0.1:${(server.address() as { port: number }).port}`),
    ),
  );
}

beforeAll(async () => {
  cliEntry();
  sandbox = await startSafetySandbox();
  path = join(sandbox.dir, 'workload-identity.yaml');
  writeFileSync(path, file);
  silentUrl = await listen(silent);
  writesHang = createHttpServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    if (body.includes('Action=CreateRole&') || body.endsWith('Action=CreateRole')) {
      held.push(req);
      return;
    }
    const answer = await fetch(sandbox.env.AWS_ENDPOINT_URL_IAM, {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type'] ?? '') },
      body,
    });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/xml' });
    res.end(await answer.text());
  });
  writesHangUrl = await listen(writesHang);
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  silent.close();
  writesHang.closeAllConnections();
  writesHang.close();
  await sandbox.stop();
});

test('--timeout takes 90s, 15m and 1h; anything else is refused', () => {
  expect(parseDuration('90s')).toBe(90_000);
  expect(parseDuration('15m')).toBe(900_000);
  expect(parseDuration('1h')).toBe(3_600_000);
  expect(parseDuration('45')).toBe(45_000);
  for (const bad of ['0', '0s', '7h', '-1m', '1.5m', 'soon', '']) expect(parseDuration(bad)).toBeUndefined();
});

test('plan against an AWS endpoint that never answers exits 1 at the configured --timeout of 2 s', async () => {
  const run = await runCli(['plan', '--file', path, '--timeout', '2s'], {
    ...sandbox.env,
    AWS_ENDPOINT_URL_IAM: silentUrl,
    AWS_ENDPOINT_URL_STS: silentUrl,
  });
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/plan did not finish within 2 s \(--timeout\).*Nothing was changed/);
}, 30_000);

// 6 s, not 2: the deadline covers the plan before the writes too, and a loaded machine can spend
// 2 s starting the CLI and planning, which made this fail by timing out before any write.
test('apply whose IAM writes never answer stops at --timeout 6s and reports exactly what finished', async () => {
  const run = await runCli(['apply', '--file', path, '--auto-approve', '--timeout', '6s'], {
    ...sandbox.env,
    AWS_ENDPOINT_URL_IAM: writesHangUrl,
  });
  expect(run.code).toBe(1);
  // The OIDC provider was created (it answered); the role's CreateRole never did.
  expect(sandbox.iam.getOidcProviderState('https://oidc.example.com/id/ABC')).toBeDefined();
  expect(held.length).toBeGreaterThanOrEqual(1);
  expect(run.stderr).toContain(
    'apply did not finish within 6 s (--timeout): it stopped waiting after 1 of 2 changes.',
  );
  expect(run.stderr).toMatch(/Finished:\n  done: oidc-provider\.oidc\.example\.com\/id\/ABC\n/);
  expect(run.stderr).toMatch(
    /Not finished \(a change in flight may or may not have taken effect\):\n  create role\.s3-reader\n/,
  );
}, 30_000);
