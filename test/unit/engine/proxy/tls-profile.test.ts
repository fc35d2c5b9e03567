import { execFile } from 'node:child_process';
import { constants } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createSecureContext, createServer, getCiphers, type ConnectionOptions, type Server } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import mozilla from '../../../fixtures/mozilla-intermediate-6.0.json';
import {
  detectTlsRuntime,
  intermediateTlsOptions,
  rotateTicketKeys,
  scheduleTicketKeyRotation,
  TICKET_KEY_ROTATION_MS,
} from '../../../../main/engine/proxy/tls-profile';

const run = promisify(execFile);
const guideline = mozilla.intermediate;

describe('intermediateTlsOptions: derived from Mozilla guidelines 6.0', () => {
  const options = intermediateTlsOptions();

  it('protocol range is tls_versions', () => {
    expect([options.minVersion, options.maxVersion]).toEqual([guideline.tls_versions[0], guideline.tls_versions.at(-1)]);
  });

  it('TLS 1.3 suites are ciphersuites and TLS 1.2 suites are ciphers.openssl, both in Mozilla order', () => {
    const entries = options.ciphers.split(':');
    expect(entries.filter((name) => name.startsWith('TLS_'))).toEqual(guideline.ciphersuites);
    expect(entries.filter((name) => !name.startsWith('TLS_'))).toEqual(guideline.ciphers.openssl);
  });

  it('groups are tls_curves, without the hybrid group where the runtime lacks it', () => {
    const runtime = detectTlsRuntime();
    const expected = guideline.tls_curves.filter((group) => group !== 'X25519MLKEM768' || runtime.hybridKeyExchange);
    expect(options.ecdhCurve).toBe(expected.join(':'));
  });

  it('client cipher preference is server_preferred_order', () => {
    expect(options.honorCipherOrder).toBe(guideline.server_preferred_order);
  });

  it('is exactly the documented values on this runtime (Node 20, OpenSSL 3.0: no X25519MLKEM768)', () => {
    expect(detectTlsRuntime().hybridKeyExchange).toBe(false);
    expect(options).toMatchObject({
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.3',
      ciphers:
        'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:' +
        'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:' +
        'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305',
      ecdhCurve: 'X25519:prime256v1:secp384r1',
      honorCipherOrder: false,
      secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
      sessionTimeout: 300,
    });
  });

  const runtimes = [
    { name: 'OpenSSL with the renegotiation flag', features: { noRenegotiationOption: 1 << 30, hybridKeyExchange: false }, secureOptions: 1 << 30, groups: 'X25519:prime256v1:secp384r1' },
    { name: 'BoringSSL-like: no flag, so no secureOptions bit', features: { noRenegotiationOption: undefined, hybridKeyExchange: false }, secureOptions: 0, groups: 'X25519:prime256v1:secp384r1' },
    { name: 'runtime with X25519MLKEM768: prepended', features: { noRenegotiationOption: undefined, hybridKeyExchange: true }, secureOptions: 0, groups: 'X25519MLKEM768:X25519:prime256v1:secp384r1' },
  ];
  it.each(runtimes)('feature detection: $name', ({ features, secureOptions, groups }) => {
    const derived = intermediateTlsOptions(features);
    expect(derived.secureOptions).toBe(secureOptions);
    expect(derived.ecdhCurve).toBe(groups);
  });

  it('builds a SecureContext (the SNI contexts take the same options)', () => {
    expect(() => createSecureContext(intermediateTlsOptions())).not.toThrow();
  });
});

describe('session ticket keys', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('are 48 fresh random bytes per call', () => {
    const first = intermediateTlsOptions().ticketKeys;
    const second = intermediateTlsOptions().ticketKeys;
    expect(first).toHaveLength(48);
    expect(second).toHaveLength(48);
    expect(first.equals(second)).toBe(false);
  });

  it('reach the server and are replaced by rotateTicketKeys', () => {
    const options = intermediateTlsOptions();
    const server = createServer(options);
    expect(server.getTicketKeys().equals(options.ticketKeys)).toBe(true);
    rotateTicketKeys(server);
    const rotated = server.getTicketKeys();
    expect(rotated).toHaveLength(48);
    expect(rotated.equals(options.ticketKeys)).toBe(false);
  });

  it('rotate on a timer until stopped', () => {
    vi.useFakeTimers();
    const server = createServer(intermediateTlsOptions());
    const initial = server.getTicketKeys();
    const stop = scheduleTicketKeyRotation(server);
    vi.advanceTimersByTime(TICKET_KEY_ROTATION_MS - 1);
    expect(server.getTicketKeys().equals(initial)).toBe(true);
    vi.advanceTimersByTime(1);
    const afterFirst = server.getTicketKeys();
    expect(afterFirst.equals(initial)).toBe(false);
    stop();
    vi.advanceTimersByTime(TICKET_KEY_ROTATION_MS * 3);
    expect(server.getTicketKeys().equals(afterFirst)).toBe(true);
    expect(TICKET_KEY_ROTATION_MS).toBeLessThanOrEqual(24 * 60 * 60 * 1000);
  });
});

describe('handshakes against a server with the profile', () => {
  let dir: string;
  let cert: Buffer;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-tls-profile-'));
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-days', '2', '-keyout', keyPath, '-out', certPath]);
    cert = await readFile(certPath);
    server = createServer({ ...intermediateTlsOptions(), key: await readFile(keyPath), cert }, (socket) => {
      socket.on('error', () => {});
      socket.on('data', (chunk) => socket.write(chunk));
    });
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  type Outcome =
    | { ok: true; protocol: string | null; cipher: string; standardName: string; group: string | undefined }
    | { ok: false; clientError: string; serverError: string | undefined };

  /**
   * One handshake, verified against the test certificate. On failure, also waits for the
   * server's own `tlsClientError` when the server is the side that refused (the client got an
   * alert), so the assertion names the server's reason, not the client's.
   */
  function handshake(options: ConnectionOptions): Promise<Outcome> {
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
      let socket: ReturnType<typeof connect>;
      try {
        socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: cert, ...options });
      } catch (error) {
        settle({ ok: false, clientError: (error as NodeJS.ErrnoException).code ?? String(error), serverError: undefined });
        return;
      }
      socket.once('secureConnect', () => {
        const cipher = socket.getCipher();
        settle({ ok: true, protocol: socket.getProtocol(), cipher: cipher.name, standardName: cipher.standardName, group: (socket.getEphemeralKeyInfo() as { name?: string } | null)?.name });
        socket.end();
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        const clientError = error.code ?? error.message;
        if (/ALERT/.test(clientError)) void serverError.then((code) => settle({ ok: false, clientError, serverError: code }));
        else settle({ ok: false, clientError, serverError: undefined });
      });
    });
  }

  // OpenSSL 3's default security level refuses TLS 1.0/1.1 in the client itself; level 0 makes
  // the client offer them, so the refusal observed is the server's.
  const LEGACY_CLIENT = 'DEFAULT@SECLEVEL=0';

  const matrix: { name: string; client: ConnectionOptions; expected: Partial<Outcome> }[] = [
    { name: 'TLS 1.0 client fails (server: unsupported protocol)', client: { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: LEGACY_CLIENT }, expected: { ok: false, serverError: 'ERR_SSL_UNSUPPORTED_PROTOCOL' } },
    { name: 'TLS 1.1 client fails (server: unsupported protocol)', client: { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: LEGACY_CLIENT }, expected: { ok: false, serverError: 'ERR_SSL_UNSUPPORTED_PROTOCOL' } },
    { name: 'TLS 1.2 client succeeds', client: { maxVersion: 'TLSv1.2' }, expected: { ok: true, protocol: 'TLSv1.2' } },
    { name: 'TLS 1.3 client succeeds', client: { minVersion: 'TLSv1.3' }, expected: { ok: true, protocol: 'TLSv1.3' } },
    { name: 'CBC-only client fails (no shared cipher)', client: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA256' }, expected: { ok: false, serverError: 'ERR_SSL_NO_SHARED_CIPHER' } },
    { name: 'DHE-only client fails (no shared cipher)', client: { maxVersion: 'TLSv1.2', ciphers: 'DHE-RSA-AES128-GCM-SHA256:DHE-RSA-CHACHA20-POLY1305' }, expected: { ok: false, serverError: 'ERR_SSL_NO_SHARED_CIPHER' } },
    { name: 'static-RSA-only client fails (no forward secrecy)', client: { maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256' }, expected: { ok: false, serverError: 'ERR_SSL_NO_SHARED_CIPHER' } },
    {
      name: 'TLS 1.2 client offering CHACHA20 first gets CHACHA20 (client preference; the server lists AES-GCM first)',
      client: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256' },
      expected: { ok: true, protocol: 'TLSv1.2', cipher: 'ECDHE-RSA-CHACHA20-POLY1305' },
    },
    {
      name: 'TLS 1.3 client offering CHACHA20 first gets CHACHA20',
      client: { minVersion: 'TLSv1.3', ciphers: 'TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256' },
      expected: { ok: true, protocol: 'TLSv1.3', cipher: 'TLS_CHACHA20_POLY1305_SHA256' },
    },
  ];

  it.each(matrix)('$name', async ({ client, expected }) => {
    expect(await handshake(client)).toMatchObject(expected);
  });

  it('accepts exactly the three ECDHE-RSA AEAD suites among every TLS 1.2 suite Node knows', async () => {
    // Each of Node's suites offered alone. The three ECDHE-ECDSA suites of the profile cannot be
    // negotiated here because the certificate is RSA (and Portico's certificates are RSA: node-forge
    // certifies RSA keys only), so exactly the three ECDHE-RSA suites of the six remain.
    const accepted: string[] = [];
    const standardNames: string[] = [];
    const tls12 = getCiphers().filter((name) => !name.startsWith('tls_'));
    expect(tls12.length).toBeGreaterThan(30);
    for (const name of tls12) {
      const outcome = await handshake({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: `${name.toUpperCase()}@SECLEVEL=0` });
      if (outcome.ok) {
        accepted.push(outcome.cipher);
        standardNames.push(outcome.standardName);
      }
    }
    expect(accepted.sort()).toEqual(['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305']);
    expect(accepted.every((name) => guideline.ciphers.openssl.includes(name))).toBe(true);
    expect(standardNames.every((name) => guideline.ciphers.iana.includes(name))).toBe(true);
  });

  it('accepts exactly the three Mozilla suites among every TLS 1.3 suite Node knows', async () => {
    const accepted: string[] = [];
    for (const name of getCiphers().filter((cipher) => cipher.startsWith('tls_'))) {
      const outcome = await handshake({ minVersion: 'TLSv1.3', ciphers: name.toUpperCase() });
      if (outcome.ok) accepted.push(outcome.cipher);
    }
    expect(accepted.sort()).toEqual([...guideline.ciphersuites].sort());
  });

  const groups = [
    { name: 'X25519', accepted: true },
    { name: 'prime256v1', accepted: true },
    { name: 'secp384r1', accepted: true },
    { name: 'secp521r1', accepted: false },
    { name: 'X448', accepted: false },
  ];
  it.each(groups)('key exchange group $name accepted: $accepted', async ({ name, accepted }) => {
    for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
      const outcome = await handshake({ minVersion: version, maxVersion: version, ecdhCurve: name });
      expect(outcome.ok).toBe(accepted);
      if (outcome.ok) expect(outcome.group).toBe(name);
    }
  });

  it('refuses client-initiated renegotiation (TLS 1.2)', async () => {
    const result = await new Promise<{ renegotiated: boolean; error: string | undefined }>((resolve) => {
      let renegotiated = false;
      let error: string | undefined;
      const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: cert, maxVersion: 'TLSv1.2' }, () => {
        socket.renegotiate({}, (failure) => {
          if (failure) error ??= failure.message;
          else renegotiated = true;
        });
        socket.write('ping');
      });
      socket.on('error', (failure) => {
        error ??= failure.message;
      });
      socket.on('close', () => resolve({ renegotiated, error }));
    });
    expect(result.renegotiated).toBe(false);
    expect(result.error).toMatch(/no renegotiation/i);
  });
});
