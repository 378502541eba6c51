// A throw-away certificate authority and a server certificate for 127.0.0.1/localhost, so the
// emulator can serve https the way a real cluster does (client-node and kubectl verify the server
// against the kubeconfig's CA data). Node cannot create certificates, so this runs the `openssl`
// CLI in a temporary directory; keys are test-only and never leave the process. Generated once per
// process: every https emulator shares the same CA.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificates {
  /** The CA certificate a client must trust (PEM). */
  caPem: string;
  /** Server certificate (PEM) for IP 127.0.0.1 and DNS localhost, signed by the CA. */
  certPem: string;
  /** The server certificate's private key (PEM). */
  keyPem: string;
}

let cached: Promise<TestCertificates> | undefined;

/** The process-wide test CA and server certificate (created on first use). */
export function testCertificates(): Promise<TestCertificates> {
  cached ??= generate().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

const SERVER_EXTENSIONS = [
  'basicConstraints=critical,CA:FALSE',
  'keyUsage=critical,digitalSignature,keyEncipherment',
  'extendedKeyUsage=serverAuth',
  'subjectAltName=IP:127.0.0.1,DNS:localhost',
].join('\n');

async function generate(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'kube-emulator-tls-'));
  const at = (name: string): string => join(dir, name);
  try {
    // EC P-256 keys: generated in milliseconds, accepted by Node and Go (kubectl).
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await openssl([
      'req',
      '-x509',
      ...ec,
      '-keyout',
      at('ca.key'),
      '-out',
      at('ca.crt'),
      '-days',
      '36500',
      '-subj',
      '/CN=workload-identity-bindings kube emulator test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await openssl([
      'req',
      '-new',
      ...ec,
      '-keyout',
      at('server.key'),
      '-out',
      at('server.csr'),
      '-subj',
      '/CN=127.0.0.1',
    ]);
    await writeFile(at('server.ext'), `${SERVER_EXTENSIONS}\n`);
    await openssl([
      'x509',
      '-req',
      '-in',
      at('server.csr'),
      '-CA',
      at('ca.crt'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-out',
      at('server.crt'),
      '-days',
      '36500',
      '-extfile',
      at('server.ext'),
    ]);
    const [caPem, certPem, keyPem] = await Promise.all(
      ['ca.crt', 'server.crt', 'server.key'].map((f) => readFile(at(f), 'utf8')),
    );
    return { caPem, certPem, keyPem };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(
      `kube emulator: creating the https test certificates with the openssl CLI failed (${detail}). ` +
        'Install openssl (Debian/Ubuntu: apt-get install openssl) or start the emulator without https.',
      { cause: error },
    );
  }
}
