// Endpoints that never answer, for the time-limit suites (timeouts, request-timeouts,
// action-timeouts): a TCP server that accepts and stays silent, and an IAM front that forwards every
// call to the emulator except CreateRole, which it holds. Stopping answers what is held with a
// final error IAM does not retry, so work a time limit abandoned ends before the test does.
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';

/** A one-binding file whose cluster `prod` is `cluster` (a YAML flow mapping). */
export function oneBindingFile(cluster: string): string {
  return `version: 1
owner: acme/platform-iam
aws: { accountId: '123456789012' }
clusters:
  prod: ${cluster}
bindings:
  - role: s3-reader
    serviceAccounts: [{ cluster: prod, namespace: default, name: app }]
    managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
`;
}

/** The IAM-only bindings file the suites plan and apply: one OIDC provider, one role. */
export const IAM_ONLY_BINDINGS = oneBindingFile(
  "{ issuer: 'https://oidc.example.com/id/ABC', kubernetes: false }",
);

export interface Endpoint {
  url: string;
  stop(): Promise<void>;
}

async function listen(server: ReturnType<typeof createServer> | ReturnType<typeof createHttpServer>) {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Accepts every connection, reads what is sent, and never answers. */
export async function startSilentEndpoint(): Promise<Endpoint> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  const url = await listen(server);
  return {
    url,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => server.close(done));
    },
  };
}

/** IAM whose CreateRole never answers while the test runs; `held` counts the calls it holds. */
export async function startIamWithHangingCreateRole(
  iamUrl: string,
): Promise<Endpoint & { held: ServerResponse[] }> {
  const held: ServerResponse[] = [];
  const server = createHttpServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    if (/(^|&)Action=CreateRole(&|$)/.test(body)) {
      held.push(res);
      return;
    }
    const answer = await fetch(iamUrl, {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type'] ?? '') },
      body,
    });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/xml' });
    res.end(await answer.text());
  });
  const url = await listen(server);
  return {
    url,
    held,
    stop: async () => {
      // An abandoned apply may still wait in this process: a final AccessDenied ends it now, where a
      // closed connection would leave the SDK retrying on backoff timers that hold the jest worker.
      for (const res of held)
        if (!res.writableEnded)
          res
            .writeHead(403, { 'content-type': 'text/xml' })
            .end(
              '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>test over</Message></Error><RequestId>0</RequestId></ErrorResponse>',
            );
      await new Promise((done) => setTimeout(done, 200));
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}
