/**
 * The certificates as real TLS clients see them: a Node TLS server on 127.0.0.1:0 serving a
 * leaf, and a Node TLS client that trusts only our root (never `rejectUnauthorized: false`).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { issueLeaf, signLeafUnchecked } from '../../../../main/engine/pki/issue';
import { KeyPool } from '../../../../main/engine/pki/keys';
import type { PemPair } from '../../../../main/engine/pki/ca';
import { makeTestCa, type TestCa } from '../../../unit/engine/pki/fixture';

type Outcome = { ok: true; authorized: boolean; subjectCn: string | undefined } | { ok: false; code: string; message: string };

let root: TestCa;
let pool: KeyPool;
const servers: Server[] = [];

beforeAll(async () => {
  root = await makeTestCa();
  pool = new KeyPool({ size: 2 });
  pool.start();
});
afterAll(() => pool.close());
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A TLS server on an ephemeral loopback port that answers "hello" and closes. */
async function serve(leaf: PemPair): Promise<number> {
  const server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (socket) => socket.end('hello'));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Handshake trusting only our root; the outcome, whether Node accepted the peer or not. */
function handshake(port: number, servername: string | undefined): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ca: root.pem.certPem, ...(servername ? { servername } : {}) });
    socket.once('secureConnect', () => {
      const subjectCn = socket.getPeerCertificate().subject?.CN;
      resolve({ ok: true, authorized: socket.authorized, subjectCn: Array.isArray(subjectCn) ? subjectCn[0] : subjectCn });
      socket.destroy();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve({ ok: false, code: String(error.code), message: error.message });
      socket.destroy();
    });
  });
}

describe('a leaf from issueLeaf', () => {
  it.each([
    { name: 'its primary name', servername: 'web.localhost' },
    { name: 'a name under its wildcard', servername: 'hmr.web.localhost' },
    { name: 'a .test name', servername: 'api.test' },
  ])('is trusted for $name', async ({ servername }) => {
    const leaf = await issueLeaf(root.ca, { domains: ['web.localhost', '*.web.localhost', 'api.test'], keyPool: pool });
    const outcome = await handshake(await serve(leaf), servername);
    expect(outcome).toMatchObject({ ok: true, authorized: true });
  });

  it('is trusted for its loopback IP when the client connects by address', async () => {
    const leaf = await issueLeaf(root.ca, { domains: ['web.localhost'], ipAddresses: ['127.0.0.1'], keyPool: pool });
    expect(await handshake(await serve(leaf), undefined)).toMatchObject({ ok: true, authorized: true });
  });

  it('fails the hostname check for a name it does not carry', async () => {
    const leaf = await issueLeaf(root.ca, { domains: ['web.localhost'], keyPool: pool });
    const outcome = await handshake(await serve(leaf), 'other.localhost');
    expect(outcome).toMatchObject({ ok: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('is matched on its SANs, never its CN (CA-3)', async () => {
    const leaf = await signLeafUnchecked(root.ca, { domains: ['web.localhost'], commonName: 'other.test', keyPool: pool });
    const port = await serve(leaf);
    expect(await handshake(port, 'web.localhost')).toMatchObject({ ok: true, authorized: true, subjectCn: 'other.test' });
    expect(await handshake(port, 'other.test')).toMatchObject({ ok: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });
});

describe('a leaf outside the root’s name constraints (test-only signer) is refused by Node’s TLS client', () => {
  it.each([
    { name: 'evil.com', request: { domains: ['evil.com'] }, servername: 'evil.com' },
    { name: 'a good name bundled with a public one', request: { domains: ['web.localhost', 'www.example.com'] }, servername: 'web.localhost' },
    { name: 'an IP SAN 10.0.0.1 next to a good name', request: { domains: ['web.localhost'], ipAddresses: ['10.0.0.1'] }, servername: 'web.localhost' },
  ])('$name', async ({ request, servername }) => {
    const rogue = await signLeafUnchecked(root.ca, { ...request, keyPool: pool });
    expect(rogue.info).toMatchObject({ keyType: 'EC', keyCurve: 'P-256' });
    const outcome = await handshake(await serve(rogue), servername);
    // Node has no code for X509_V_ERR_PERMITTED_VIOLATION; OpenSSL's reason is the message.
    expect(outcome).toEqual({ ok: false, code: 'UNSPECIFIED', message: 'permitted subtree violation' });
  });
});
