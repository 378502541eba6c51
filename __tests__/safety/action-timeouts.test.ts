// The action's overall limit (input `timeout`) on an apply (issue #13 item 4): an IAM whose
// CreateRole never answers stops the apply at the limit, and the log and the job summary say exactly
// which changes finished and which did not, as the CLI does. run() from src/main.ts runs in this
// process; the only time here is the product's own configured limit, nothing measures time.
import { createServer, type Server, type ServerResponse } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runActionInProcess } from './action-in-process.js';
import { startSafetySandbox, type SafetySandbox } from './harness.js';

let sandbox: SafetySandbox;
/** Forwards to the IAM emulator, except CreateRole, which never gets an answer. */
let writesHang: Server;
let writesHangUrl: string;
const held: ServerResponse[] = [];

beforeAll(async () => {
  sandbox = await startSafetySandbox();
  writesHang = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    if (/(^|&)Action=CreateRole(&|$)/.test(body)) {
      held.push(res);
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
  await new Promise<void>((done) => writesHang.listen(0, '127.0.0.1', done));
  writesHangUrl = `http://127.0.0.1:${(writesHang.address() as { port: number }).port}`;
});

afterAll(async () => {
  // The apply the timeout abandoned is still waiting in this process. Give its CreateRole a final
  // answer IAM does not retry, so it ends now; closing the connection instead left the SDK retrying
  // with backoff timers after the test, which kept the jest worker from exiting.
  for (const res of held)
    res
      .writeHead(403, { 'content-type': 'text/xml' })
      .end(
        '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>test over</Message></Error><RequestId>0</RequestId></ErrorResponse>',
      );
  await new Promise((done) => setTimeout(done, 200));
  writesHang.closeAllConnections();
  writesHang.close();
  await sandbox.stop();
});

// 6 s: the limit covers the plan before the writes too (see safety/timeouts.test.ts).
test('an action apply whose IAM writes never answer stops at the timeout input of 6 s and reports exactly what finished', async () => {
  const dir = join(sandbox.dir, 'apply-hangs');
  const workspace = join(dir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(
    join(workspace, 'workload-identity.yaml'),
    `version: 1
owner: acme/platform-iam
aws: { accountId: '123456789012' }
clusters:
  prod: { issuer: 'https://oidc.example.com/id/ABC', kubernetes: false }
bindings:
  - role: s3-reader
    serviceAccounts: [{ cluster: prod, namespace: default, name: app }]
    managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
`,
  );
  const run = await runActionInProcess({
    dir,
    workspace,
    event: 'push',
    // No pull request to look up and no comment: GitHub is not needed.
    inputs: { mode: 'apply', timeout: '6s', 'require-reviewed-plan': 'false', comment: 'false' },
    env: { ...sandbox.env, AWS_ENDPOINT_URL_IAM: writesHangUrl },
  });
  expect(run.code).toBe(1);
  // The OIDC provider was created (it answered); the role's CreateRole never did.
  expect(sandbox.iam.getOidcProviderState('https://oidc.example.com/id/ABC')).toBeDefined();
  expect(held.length).toBeGreaterThanOrEqual(1);
  const report = [
    'apply did not finish within 6 s (the timeout input): it stopped waiting after 1 of 2 changes.',
    'Finished:',
    '  done: oidc-provider.oidc.example.com/id/ABC',
    'Not finished (a change in flight may or may not have taken effect):',
    '  create role.s3-reader',
    'Run plan again to see what is left, then apply the fresh plan.',
  ].join('\n');
  // The log: the report as lines, and the failure annotation (newlines encoded by @actions/core).
  expect(run.stdout).toContain(report);
  expect(run.stdout).toContain(`::error::${report.replace(/\n/g, '%0A')}`);
  // The job summary: the same report.
  expect(run.summary).toContain(report);
}, 30_000);
