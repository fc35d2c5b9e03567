/**
 * ECDSA P-256 leaves (issue #7) and the optional RSA-2048 ones through a real Node TLS server
 * that uses the proxy's own TLS profile (Mozilla intermediate, main/engine/proxy/tls-profile.ts),
 * with a client that trusts only the test root (never `rejectUnauthorized: false`).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type ConnectionOptions, type Server } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PemPair } from '../../../../main/engine/pki/ca';
import { issueLeaf, type IssuedLeaf } from '../../../../main/engine/pki/issue';
import { KeyPool } from '../../../../main/engine/pki/keys';
import { loadProjectCert, writeProjectCert } from '../../../../main/engine/pki/project-certs';
import { intermediateTlsOptions, MOZILLA_INTERMEDIATE } from '../../../../main/engine/proxy/tls-profile';
import { makeTempHome, makeTestCa, type TempHome, type TestCa } from '../../../unit/engine/pki/fixture';

type Outcome =
  | { ok: true; authorized: boolean; protocol: string | null; cipher: string; peerKeyType: string | undefined }
  | { ok: false; clientError: string; serverError: string | undefined };

const ECDSA_SUITES = MOZILLA_INTERMEDIATE.tls12Ciphers.filter((name) => name.startsWith('ECDHE-ECDSA-'));
const RSA_SUITES = MOZILLA_INTERMEDIATE.tls12Ciphers.filter((name) => name.startsWith('ECDHE-RSA-'));

let root: TestCa;
let pool: KeyPool;
let home: TempHome;
let ecdsaLeaf: IssuedLeaf;
let rsaLeaf: IssuedLeaf;
const servers: Server[] = [];

beforeAll(async () => {
  [root, home] = await Promise.all([makeTestCa(), makeTempHome()]);
  pool = new KeyPool({ size: 1 });
  ecdsaLeaf = await issueLeaf(root.ca, { domains: ['web.localhost'], keyPool: pool });
  rsaLeaf = await issueLeaf(root.ca, { domains: ['web.localhost'], keyType: 'rsa' });
});
afterAll(async () => {
  await pool.close();
  await home.cleanup();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A server with the proxy's TLS profile on an ephemeral loopback port. */
async function serve(leaf: PemPair): Promise<{ port: number; server: Server }> {
  const server = createServer({ ...intermediateTlsOptions(), cert: leaf.certPem, key: leaf.keyPem }, (socket) => socket.end('hello'));
  server.on('tlsClientError', () => {});
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, server };
}

/**
 * One handshake trusting only our root. When the client got an alert, the server refused: wait
 * for its `tlsClientError` so the outcome names the server's reason.
 */
function handshake({ port, server }: { port: number; server: Server }, options: ConnectionOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    let onServerError: (error: NodeJS.ErrnoException) => void = () => {};
    const serverError = new Promise<string | undefined>((done) => {
      onServerError = (error) => done(error.code);
      server.once('tlsClientError', onServerError);
    });
    const settle = (outcome: Outcome) => {
      server.off('tlsClientError', onServerError);
      resolve(outcome);
    };
    const socket = connect({ host: '127.0.0.1', port, servername: 'web.localhost', ca: root.pem.certPem, ...options });
    socket.once('secureConnect', () => {
      const peer = socket.getPeerX509Certificate();
      settle({ ok: true, authorized: socket.authorized, protocol: socket.getProtocol(), cipher: socket.getCipher().name, peerKeyType: peer?.publicKey.asymmetricKeyType });
      socket.destroy();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const clientError = error.code ?? error.message;
      if (/ALERT/.test(clientError)) void serverError.then((code) => settle({ ok: false, clientError, serverError: code }));
      else settle({ ok: false, clientError, serverError: undefined });
      socket.destroy();
    });
  });
}

describe('an ECDSA P-256 leaf behind the intermediate profile', () => {
  it('completes a TLS 1.3 handshake, verified against the root', async () => {
    const outcome = await handshake(await serve(ecdsaLeaf), { minVersion: 'TLSv1.3' });
    expect(outcome).toEqual({ ok: true, authorized: true, protocol: 'TLSv1.3', cipher: expect.stringMatching(/^TLS_/), peerKeyType: 'ec' });
  });

  it('completes a TLS 1.2 handshake on an ECDHE-ECDSA suite of the profile', async () => {
    const outcome = await handshake(await serve(ecdsaLeaf), { maxVersion: 'TLSv1.2' });
    expect(outcome).toMatchObject({ ok: true, authorized: true, protocol: 'TLSv1.2', peerKeyType: 'ec' });
    expect(ECDSA_SUITES).toContain(outcome.ok ? outcome.cipher : '');
  });

  it.each(ECDSA_SUITES.map((suite) => ({ suite })))('negotiates $suite when a TLS 1.2 client offers only it', async ({ suite }) => {
    const outcome = await handshake(await serve(ecdsaLeaf), { maxVersion: 'TLSv1.2', ciphers: suite });
    expect(outcome).toMatchObject({ ok: true, authorized: true, protocol: 'TLSv1.2', cipher: suite });
  });

  it('has no suite in common with a TLS 1.2 client that offers only ECDHE-RSA suites', async () => {
    // Such a client needs an RSA leaf (keyType 'rsa'); every browser offers the ECDSA suites too.
    const outcome = await handshake(await serve(ecdsaLeaf), { maxVersion: 'TLSv1.2', ciphers: RSA_SUITES.join(':') });
    expect(outcome).toMatchObject({ ok: false, serverError: 'ERR_SSL_NO_SHARED_CIPHER' });
  });
});

describe('an RSA-2048 leaf behind the intermediate profile', () => {
  it.each([
    { name: 'TLS 1.3', client: { minVersion: 'TLSv1.3' } as ConnectionOptions, protocol: 'TLSv1.3', cipher: /^TLS_/ },
    { name: 'TLS 1.2 on an ECDHE-RSA suite', client: { maxVersion: 'TLSv1.2' } as ConnectionOptions, protocol: 'TLSv1.2', cipher: /^ECDHE-RSA-/ },
  ])('issued with keyType rsa: $name', async ({ client, protocol, cipher }) => {
    const outcome = await handshake(await serve(rsaLeaf), client);
    expect(outcome).toEqual({ ok: true, authorized: true, protocol, cipher: expect.stringMatching(cipher), peerKeyType: 'rsa' });
  });

  it('written before leaves became ECDSA, loaded from disk and served', async () => {
    await writeProjectCert(home.paths, 'web', rsaLeaf);
    const loaded = await loadProjectCert(home.paths, 'web');
    expect(loaded?.info.keyType).toBe('RSA');
    const outcome = await handshake(await serve(loaded as IssuedLeaf), { maxVersion: 'TLSv1.2' });
    expect(outcome).toMatchObject({ ok: true, authorized: true, protocol: 'TLSv1.2', peerKeyType: 'rsa' });
  });
});
