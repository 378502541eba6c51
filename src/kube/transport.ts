// Sends one Kubernetes API request over Node's own http/https modules, with everything a kubeconfig
// says applied by @kubernetes/client-node's `KubeConfig.applyToHTTPSOptions`: the CA, client
// certificate and key, TLS verification and server name, the bearer token or basic auth, exec and
// OIDC auth plugins, and the cluster's proxy-url (its http/https/socks proxy agent).
//
// Why not client-node's own fetch pipeline: it sends through a bundled copy of undici (~700 KB of
// the Kubernetes code) whose HTTP parser is WebAssembly; a plan's ~50 Kubernetes requests paid for
// loading it, compiling it and its per-request streams, which was the largest piece of a
// 1,000-binding plan's peak RSS that was not its data (bench/results/memory.md, fifth round).
// Node's http parser is native and already loaded. scripts/bundle.mjs leaves undici out.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { ResponseContext, type RequestContext } from '@kubernetes/client-node/dist/gen/http/http.js';

/**
 * One keep-alive pool per protocol and per KubeConfig. Node keys pooled sockets by host, port and
 * the TLS options (CA, client certificate and key, verification, servername), so a credential that
 * changes (an exec plugin's new client certificate) gets its own connections.
 */
export class KubeTransport {
  private readonly https = new HttpsAgent({ keepAlive: true });
  private readonly http = new HttpAgent({ keepAlive: true });
  private readonly kc: KubeConfig;

  constructor(kc: KubeConfig) {
    this.kc = kc;
  }

  async send(request: RequestContext): Promise<ResponseContext> {
    const url = new URL(request.getUrl());
    const options: RequestOptions = { method: request.getHttpMethod(), headers: { ...request.getHeaders() } };
    // Throws, as client-node does, for an http:// server without insecure-skip-tls-verify.
    await this.kc.applyToHTTPSOptions(options);
    // Without a proxy, client-node's agent is a fresh one without keep-alive: every request would
    // pay a TLS handshake. A proxy agent is kept as it is.
    if (!this.kc.getCurrentCluster()?.proxyUrl)
      options.agent = url.protocol === 'https:' ? this.https : this.http;
    const signal = request.getSignal();
    if (signal) options.signal = signal as AbortSignal;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const given = request.getBody();
    const body = typeof given === 'string' || Buffer.isBuffer(given) ? given : undefined;
    // Node sends a DELETE's body (DeleteOptions) neither chunked nor with a length unless told.
    if (body !== undefined)
      (options.headers as Record<string, string>)['Content-Length'] = String(Buffer.byteLength(body));
    return new Promise<ResponseContext>((resolve, reject) => {
      const outgoing = send(url, options, (response) => {
        readBody(response).then((bytes) => resolve(answer(response, bytes)), reject);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}

function readBody(response: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
    response.on('aborted', () => reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
  });
}

function answer(response: IncomingMessage, bytes: Buffer): ResponseContext {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers))
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return new ResponseContext(response.statusCode ?? 0, headers, {
    text: async () => bytes.toString('utf8'),
    binary: async () => bytes,
    // The body is read whole before the answer is made; nothing here streams.
    stream: () => null,
  });
}
