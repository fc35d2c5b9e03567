import { randomBytes } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawExchange, request } from '../../../helpers/proxy-harness';
import { startProxyStack, type ProxyStack } from '../../../helpers/proxy-stack';

let stack: ProxyStack;

beforeAll(async () => {
  stack = await startProxyStack({
    projects: [
      { project: 'web', domains: ['web.localhost'] },
      { project: 'off', domains: ['off.localhost'], enabled: false },
    ],
  });
});

afterAll(async () => {
  await stack?.close();
});

const tlsFor = (servername: string) => ({ ca: stack.ca.caPem, servername });

/** Every refusal is answered locally: the upstream must not see a single new connection. */
async function withoutUpstream<T>(run: () => Promise<T>): Promise<T> {
  const before = stack.upstream.connections;
  const result = await run();
  expect(stack.upstream.connections).toBe(before);
  return result;
}

describe('requests answered without touching an upstream (RP-2)', () => {
  it('unknown host → 404 page on both listeners, JSON when asked, listing the enabled projects', async () => {
    await withoutUpstream(async () => {
      const plain = await request({ port: stack.httpPort, host: 'evil.example', path: '/' });
      expect(plain.status).toBe(404);
      expect(plain.headers.location).toBeUndefined();
      const json = await request({ port: stack.httpPort, host: 'evil.example', path: '/', headers: { accept: 'application/json' } });
      expect(json.status).toBe(404);
      expect(json.headers['content-type']).toContain('json');
      expect(json.body).toContain('web.localhost');
      expect(json.body).not.toContain('off.localhost');
      const overTls = await rawExchange(stack.httpsPort, 'GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n', tlsFor('web.localhost'));
      expect(overTls).toMatch(/^HTTP\/1\.1 404 /);
    });
  });

  it('disabled project → the same 404 page', async () => {
    await withoutUpstream(async () => {
      expect((await request({ port: stack.httpsPort, host: 'off.localhost', path: '/', ca: stack.ca.caPem })).status).toBe(404);
      expect((await request({ port: stack.httpPort, host: 'off.localhost', path: '/' })).status).toBe(404);
    });
  });

  it('absolute-form target → 400, on plain HTTP and over TLS', async () => {
    await withoutUpstream(async () => {
      expect(await rawExchange(stack.httpPort, 'GET http://169.254.169.254/latest HTTP/1.1\r\nHost: web.localhost\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
      expect(await rawExchange(stack.httpsPort, 'GET http://other.example/ HTTP/1.1\r\nHost: web.localhost\r\n\r\n', tlsFor('web.localhost'))).toMatch(/^HTTP\/1\.1 400 /);
    });
  });

  it('CONNECT → 405, on plain HTTP and over TLS', async () => {
    await withoutUpstream(async () => {
      expect(await rawExchange(stack.httpPort, 'CONNECT web.localhost:443 HTTP/1.1\r\nHost: web.localhost:443\r\n\r\n')).toMatch(/^HTTP\/1\.1 405 /);
      expect(await rawExchange(stack.httpsPort, 'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n', tlsFor('web.localhost'))).toMatch(/^HTTP\/1\.1 405 /);
    });
  });

  it('missing Host → 400 (HTTP/1.1 and HTTP/1.0)', async () => {
    await withoutUpstream(async () => {
      expect(await rawExchange(stack.httpPort, 'GET / HTTP/1.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
      expect(await rawExchange(stack.httpPort, 'GET / HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
      expect(await rawExchange(stack.httpsPort, 'GET / HTTP/1.0\r\n\r\n', tlsFor('web.localhost'))).toMatch(/^HTTP\/1\.1 400 /);
    });
  });

  it('a 17 KiB header → 431, on plain HTTP and over TLS', async () => {
    const big = 'x'.repeat(17 * 1024);
    await withoutUpstream(async () => {
      expect(await rawExchange(stack.httpPort, `GET / HTTP/1.1\r\nHost: web.localhost\r\nX-Big: ${big}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431 /);
      expect(await rawExchange(stack.httpsPort, `GET / HTTP/1.1\r\nHost: web.localhost\r\nX-Big: ${big}\r\n\r\n`, tlsFor('web.localhost'))).toMatch(/^HTTP\/1\.1 431 /);
    });
  });

  it('a request with both Content-Length and Transfer-Encoding → 400', async () => {
    await withoutUpstream(async () => {
      const smuggle = 'POST / HTTP/1.1\r\nHost: plain.localhost\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n';
      expect(await rawExchange(stack.httpPort, smuggle)).toMatch(/^HTTP\/1\.1 400 /);
    });
  });
});

describe('garbage', () => {
  function sendAndClose(port: number, bytes: Buffer): Promise<void> {
    return new Promise((resolve) => {
      const socket = netConnect({ host: '127.0.0.1', port });
      socket.on('connect', () => socket.end(bytes));
      socket.on('data', () => {});
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
    });
  }

  it('survives random bytes on both ports, then still serves', async () => {
    const payloads = [
      randomBytes(1),
      randomBytes(4096),
      Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]), randomBytes(512)]), // a TLS record header, then noise
      Buffer.from([0x16]),
      Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
      Buffer.from('GET / HTTP/1.1\r\nHost: web.localhost\r\nContent-Length: 99999\r\n\r\nshort'),
    ];
    for (let i = 0; i < 20; i += 1) payloads.push(randomBytes(1 + (i * 97) % 2048));
    await Promise.all(payloads.flatMap((bytes) => [sendAndClose(stack.httpPort, bytes), sendAndClose(stack.httpsPort, bytes)]));
    const reply = await request({ port: stack.httpsPort, host: 'web.localhost', path: '/still-alive', ca: stack.ca.caPem });
    expect(reply.status).toBe(200);
  });
});
