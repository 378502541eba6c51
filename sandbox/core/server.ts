// The small HTTP core every emulator shares: routing to a service handler, request counters by
// operation (the benchmark reads them) and the fault knobs. Each emulator listens on 127.0.0.1 on
// a random port and keeps its state in memory.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { seededRandom, TokenBucket, type FaultOptions } from './faults.js';

export interface EmulatorRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** The body's bytes, for binary encodings (e.g. Kubernetes protobuf) that UTF-8 text would mangle. */
  rawBody?: Buffer;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** What a service handler says about a request before it is answered. */
export interface Route {
  /** Operation name used for counters and the deny list, e.g. `CreateRole` or `list serviceaccounts`. */
  operation: string;
  mutating: boolean;
  handle: () => EmulatorResponse | Promise<EmulatorResponse>;
}

export interface ServiceHandler {
  /** Identifies the operation; return an error response for requests that cannot be routed. */
  route(req: EmulatorRequest): Route | EmulatorResponse;
  /** The service's own throttling answer (e.g. IAM `Throttling` 400, Kubernetes 429). */
  throttled(operation: string): EmulatorResponse;
  /** The service's own 5xx answer. */
  serverError(operation: string): EmulatorResponse;
}

/** PEM key and certificate (chain) for serving https instead of http. */
export interface TlsOptions {
  key: string;
  cert: string;
}

export interface OperationCount {
  operation: string;
  mutating: boolean;
  count: number;
}

export class EmulatorServer {
  readonly name: string;
  private readonly handler: ServiceHandler;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private faultOptions: FaultOptions = {};
  private random = seededRandom(1);
  private bucket: TokenBucket | undefined;
  private readonly counts = new Map<string, OperationCount>();
  private faultCounts = { throttled: 0, errors: 0, dropped: 0 };
  private firstRequest: number | undefined;
  private connectionsOpened = 0;
  url = '';

  constructor(name: string, handler: ServiceHandler) {
    this.name = name;
    this.handler = handler;
  }

  /** Listens on 127.0.0.1 (port 0 = a random free port); with `tls` it serves https. */
  async start(port = 0, tls?: TlsOptions): Promise<string> {
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => void this.onRequest(req, res);
    const server: Server = tls
      ? createTlsServer({ key: tls.key, cert: tls.cert }, onRequest)
      : createServer(onRequest);
    // Longer than any pause between two calls of a test: a client that reuses a connection the server
    // is just closing gets ECONNRESET, which clients with maxAttempts: 1 (call-counting tests) report
    // as a failure; seen on a loaded machine with the 5 s default. stop() ends every connection.
    server.keepAliveTimeout = 60_000;
    // For https, 'connection' gives the raw TCP socket: destroying it on stop also ends TLS sessions.
    server.on('connection', (socket: Socket) => {
      this.connectionsOpened += 1;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    const { port: actual } = server.address() as AddressInfo;
    this.url = `${tls ? 'https' : 'http'}://127.0.0.1:${actual}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Replaces the fault knobs (pass `{}` to turn every fault off). */
  setFaults(options: FaultOptions): void {
    this.faultOptions = { ...options };
    this.random = seededRandom(options.seed ?? 1);
    this.bucket = options.rateLimit ? new TokenBucket(options.rateLimit) : undefined;
  }

  get faults(): Readonly<FaultOptions> {
    return this.faultOptions;
  }

  /** Requests received per operation, including those answered with an injected fault. */
  counters(): OperationCount[] {
    return [...this.counts.values()]
      .map((c) => ({ ...c }))
      .sort((a, b) => a.operation.localeCompare(b.operation));
  }

  count(operation: string): number {
    return this.counts.get(operation)?.count ?? 0;
  }

  totalCalls(filter: { mutating?: boolean } = {}): number {
    let total = 0;
    for (const c of this.counts.values())
      if (filter.mutating === undefined || c.mutating === filter.mutating) total += c.count;
    return total;
  }

  injected(): { throttled: number; errors: number; dropped: number } {
    return { ...this.faultCounts };
  }

  /**
   * performance.now() (this process's clock) when the first request since the last resetCounters()
   * arrived: the bench times a child's start-up to its first network request with it.
   */
  firstRequestAt(): number | undefined {
    return this.firstRequest;
  }

  /** TCP connections accepted since the last resetCounters(): shows whether clients pool them. */
  connections(): number {
    return this.connectionsOpened;
  }

  resetCounters(): void {
    this.firstRequest = undefined;
    this.connectionsOpened = 0;
    this.counts.clear();
    this.faultCounts = { throttled: 0, errors: 0, dropped: 0 };
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.firstRequest ??= performance.now();
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const rawBody = Buffer.concat(chunks);
      const request: EmulatorRequest = {
        method: req.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        query: url.searchParams,
        headers: req.headers,
        body: rawBody.toString('utf8'),
        rawBody,
      };
      const routed = this.handler.route(request);
      if (!('operation' in routed)) return send(res, routed);
      const entry = this.counts.get(routed.operation) ?? {
        operation: routed.operation,
        mutating: routed.mutating,
        count: 0,
      };
      entry.count += 1;
      this.counts.set(routed.operation, entry);

      const f = this.faultOptions;
      if (f.dropRate && this.random() < f.dropRate) {
        this.faultCounts.dropped += 1;
        req.socket.destroy();
        return;
      }
      if (f.latencyMs) await pause(f.latencyMs);
      const limited = this.bucket && (!f.rateLimit?.mutatingOnly || routed.mutating);
      if ((limited && !this.bucket!.take()) || (f.throttleRate && this.random() < f.throttleRate)) {
        this.faultCounts.throttled += 1;
        return send(res, this.handler.throttled(routed.operation));
      }
      if (f.errorRate && this.random() < f.errorRate) {
        this.faultCounts.errors += 1;
        return send(res, this.handler.serverError(routed.operation));
      }
      const response = await routed.handle();
      if (f.latencyPerKiBMs) {
        const bytes = rawBody.length + Buffer.byteLength(response.body ?? '');
        await pause((f.latencyPerKiBMs! * bytes) / 1024);
      }
      send(res, response);
    } catch (error) {
      send(res, {
        status: 500,
        headers: { 'content-type': 'text/plain' },
        body: `emulator ${this.name} crashed: ${String(error)}`,
      });
    }
  }
}

/**
 * Injected latency. Unref'd: a client that gave up (request timeout) must not leave the emulator's
 * process, a test worker, waiting out a delay nobody will read; the open server keeps a standalone
 * sandbox alive on its own.
 */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function send(res: ServerResponse, response: EmulatorResponse): void {
  if (res.destroyed) return;
  const body = response.body ?? '';
  res.writeHead(response.status, {
    'content-length': Buffer.byteLength(body).toString(),
    ...response.headers,
  });
  res.end(body);
}
