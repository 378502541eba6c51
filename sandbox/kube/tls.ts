// A throw-away certificate authority and a server certificate for 127.0.0.1/localhost, so the
// emulator can serve https the way a real cluster does (client-node and kubectl verify the server
// against the kubeconfig's CA data). Node cannot create certificates, so this runs the `openssl`
// CLI in a temporary directory. Keys are test-only and trusted by nothing but the emulator's own
// clients. Generated once per machine and kept under the temporary directory: every https emulator
// shares the same CA, and a test runner that starts hundreds of emulators (each jest test file loads
// this module afresh) runs openssl three times in all instead of three times per test file.
import { execFile } from 'node:child_process';
import { lstat, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
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

/** Where the certificates are kept; bump the suffix when what `generate` makes changes. */
export const CERTIFICATES_DIR = join(tmpdir(), 'wib-kube-emulator-tls-v1');
const FILES = ['ca.crt', 'server.crt', 'server.key'] as const;

/** The machine-wide test CA and server certificate (created on first use). */
export function testCertificates(): Promise<TestCertificates> {
  cached ??= keptCertificates(CERTIFICATES_DIR).catch((error: unknown) => {
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

async function readKept(dir: string): Promise<TestCertificates> {
  // Only a folder of our own that nobody else can write to: on a shared machine another user could
  // otherwise plant the key the emulator serves with.
  const info = await lstat(dir);
  if (!info.isDirectory() || (process.getuid && info.uid !== process.getuid()) || info.mode & 0o022)
    throw new Error(`kube emulator: ${dir} is not a private folder of this user`);
  const [caPem, certPem, keyPem] = await Promise.all(FILES.map((f) => readFile(join(dir, f), 'utf8')));
  if (![caPem, certPem, keyPem].every((pem) => pem.includes('-----BEGIN ')))
    throw new Error(`kube emulator: ${dir} holds incomplete certificates`);
  return { caPem, certPem, keyPem };
}

/**
 * The certificates kept in `keep`, or new ones made and kept there (renamed into place whole, so
 * runs racing to make them never see half a set).
 */
export async function keptCertificates(keep: string): Promise<TestCertificates> {
  try {
    return await readKept(keep);
  } catch {
    const dir = await generate();
    try {
      await rename(dir, keep);
    } catch {
      // Another process kept its set first (or an unreadable leftover is in the way): use ours.
      const ours = await readKept(dir);
      await rm(dir, { recursive: true, force: true });
      return readKept(keep).catch(() => ours);
    }
    return readKept(keep);
  }
}

/** Makes a CA and a server certificate in a new temporary folder, and returns the folder. */
async function generate(): Promise<string> {
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
    for (const name of ['ca.key', 'ca.srl', 'server.csr', 'server.ext']) await rm(at(name), { force: true });
    return dir;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
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
