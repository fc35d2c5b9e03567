import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { h2Request, h2Session, rawExchange, request, type Echo } from '../../../helpers/proxy-harness';
import { startProxyStack, type ProxyStack } from '../../../helpers/proxy-stack';

let stack: ProxyStack;

beforeAll(async () => {
  stack = await startProxyStack({
    projects: [
      { project: 'web', domains: ['web.localhost', '*.web.localhost'] },
      { project: 'api', domains: ['api.test'] },
      { project: 'nocert', domains: ['nocert.localhost'] },
    ],
    withoutCertificate: ['nocert'],
  });
});

afterAll(async () => {
  await stack?.close();
});

function handshake(port: number, servername: string, alpn: string[]): Promise<{ alpn: string | false | null; protocol: string | null; error?: undefined } | { error: Error }> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername, ca: stack.ca.caPem, ALPNProtocols: alpn });
    socket.once('secureConnect', () => {
      resolve({ alpn: socket.alpnProtocol, protocol: socket.getProtocol() });
      socket.end();
    });
    socket.once('error', (error) => resolve({ error }));
  });
}

describe('TLS and protocol negotiation', () => {
  it('negotiates HTTP/2 through ALPN and proxies over it', async () => {
    const session = await h2Session(stack.httpsPort, 'web.localhost', stack.ca.caPem);
    try {
      const reply = await h2Request(session, '/hello?x=1');
      expect(reply.status).toBe(200);
      expect(reply.alpn).toBe('h2');
      const echo = JSON.parse(reply.body) as Echo;
      expect(echo.url).toBe('/hello?x=1');
      expect(echo.headers.host).toBe(`web.localhost:${stack.httpsPort}`);
    } finally {
      session.close();
    }
  });

  it('falls back to HTTP/1.1 for a client that offers only http/1.1', async () => {
    const result = await handshake(stack.httpsPort, 'web.localhost', ['http/1.1']);
    expect(result).toMatchObject({ alpn: 'http/1.1' });
    const reply = await request({ port: stack.httpsPort, host: 'web.localhost', path: '/h1', ca: stack.ca.caPem });
    expect(reply.status).toBe(200);
    expect(reply.tlsVersion).toMatch(/^TLSv1\.[23]$/);
    expect((JSON.parse(reply.body) as Echo).url).toBe('/h1');
  });

  it('serves a TLS ClientHello on the HTTP port as HTTPS', async () => {
    const h1 = await request({ port: stack.httpPort, host: 'web.localhost', path: '/on-http-port', ca: stack.ca.caPem });
    expect(h1.status).toBe(200);
    expect((JSON.parse(h1.body) as Echo).headers['x-forwarded-proto']).toBe('https');
    const session = await h2Session(stack.httpPort, 'web.localhost', stack.ca.caPem);
    try {
      expect((await h2Request(session, '/h2-on-http-port')).status).toBe(200);
    } finally {
      session.close();
    }
  });

  it('fails the handshake for a name no project serves, and for a project without a certificate', async () => {
    expect(await handshake(stack.httpsPort, 'unknown.test', ['h2'])).toHaveProperty('error');
    expect(await handshake(stack.httpsPort, 'nocert.localhost', ['h2'])).toHaveProperty('error');
  });

  it('refuses TLS 1.1', async () => {
    const result = await new Promise<Error | null>((resolve) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: stack.httpsPort, servername: 'web.localhost', ca: stack.ca.caPem, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
      socket.once('secureConnect', () => {
        socket.end();
        resolve(null);
      });
      socket.once('error', resolve);
    });
    expect(result).toBeInstanceOf(Error);
  });

  it('answers 421 with Connection: close when Host names another project than the SNI (HTTP/1.1)', async () => {
    const text = await rawExchange(stack.httpsPort, 'GET / HTTP/1.1\r\nHost: api.test\r\n\r\n', { ca: stack.ca.caPem, servername: 'web.localhost' });
    expect(text).toMatch(/^HTTP\/1\.1 421 /);
    expect(text.toLowerCase()).toContain('connection: close');
    const same = await request({ port: stack.httpsPort, host: 'web.localhost', path: '/', ca: stack.ca.caPem, headers: { host: 'a.web.localhost' } });
    expect(same.status).toBe(200);
  });

  it('answers 421 on an HTTP/2 stream whose :authority is another project', async () => {
    const session = await h2Session(stack.httpsPort, 'web.localhost', stack.ca.caPem);
    try {
      expect((await h2Request(session, '/', { ':authority': 'api.test' })).status).toBe(421);
      expect((await h2Request(session, '/', { ':authority': 'unknown.test' })).status).toBe(404);
      expect((await h2Request(session, '/')).status).toBe(200);
    } finally {
      session.close();
    }
  });

  it('logs each request with its protocol and TLS parameters', async () => {
    const session = await h2Session(stack.httpsPort, 'web.localhost', stack.ca.caPem);
    try {
      await h2Request(session, '/logged-h2');
    } finally {
      session.close();
    }
    await request({ port: stack.httpsPort, host: 'web.localhost', path: '/logged-h1', ca: stack.ca.caPem });
    const entries = stack.proxy.log.recent({ project: 'web' });
    const h2 = entries.find((entry) => entry.path === '/logged-h2');
    const h1 = entries.find((entry) => entry.path === '/logged-h1');
    expect(h2).toMatchObject({ project: 'web', host: 'web.localhost', method: 'GET', status: 200, protocol: 'h2' });
    expect(h2?.tlsVersion).toMatch(/^TLSv1\.[23]$/);
    expect(h2?.cipher).toBeTruthy();
    expect(h1).toMatchObject({ protocol: 'http/1.1', status: 200 });
    expect(stack.proxy.stats.project('web').requests).toBeGreaterThanOrEqual(2);
  });
});
