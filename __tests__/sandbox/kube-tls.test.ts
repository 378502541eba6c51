// The Kubernetes emulator's https certificates are made once per machine and kept (each jest test
// file loads the emulator afresh, and ran openssl three times per file before), but only in a
// private folder: a folder another user could write to is never trusted.
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keptCertificates } from '../../sandbox/kube/tls.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'wib-tls-test-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('the first use makes and keeps a CA and a 127.0.0.1 certificate; the next use reads the same set', async () => {
  const keep = join(root, 'kept');
  const first = await keptCertificates(keep);
  const ca = new X509Certificate(first.caPem);
  const server = new X509Certificate(first.certPem);
  expect(server.verify(ca.publicKey)).toBe(true);
  expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
  // The CA's key is not kept: nothing can sign more certificates with it.
  expect(readdirSync(keep).sort()).toEqual(['ca.crt', 'server.crt', 'server.key']);
  expect(await keptCertificates(keep)).toEqual(first);
});

test('racing first uses all end with one usable set', async () => {
  const keep = join(root, 'raced');
  const sets = await Promise.all([1, 2, 3].map(() => keptCertificates(keep)));
  for (const set of sets)
    expect(new X509Certificate(set.certPem).verify(new X509Certificate(set.caPem).publicKey)).toBe(true);
  expect(existsSync(join(keep, 'server.key'))).toBe(true);
});

test('a kept folder others can write to, or with a planted file set, is not used', async () => {
  const keep = join(root, 'shared');
  mkdirSync(keep);
  const planted = '-----BEGIN CERTIFICATE-----\nplanted\n-----END CERTIFICATE-----\n';
  for (const name of ['ca.crt', 'server.crt', 'server.key']) writeFileSync(join(keep, name), planted);
  chmodSync(keep, 0o777);
  const set = await keptCertificates(keep);
  expect(set.caPem).not.toBe(planted);
  expect(new X509Certificate(set.certPem).verify(new X509Certificate(set.caPem).publicKey)).toBe(true);
});
