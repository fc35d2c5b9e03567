import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { h2Request, h2Session, request, type Echo } from '../../../helpers/proxy-harness';
import { startProxyStack, type ProxyStack } from '../../../helpers/proxy-stack';

let stack: ProxyStack;

beforeAll(async () => {
  stack = await startProxyStack({
    projects: [
      { project: 'web', domains: ['web.localhost'] },
      { project: 'plain', domains: ['plain.localhost'], https: false },
      { project: 'keep', domains: ['keep.test'], secureCookies: false, hsts: 'off', hostHeader: 'upstream' },
    ],
  });
});

afterAll(async () => {
  await stack?.close();
});

const tls = () => ({ ca: stack.ca.caPem });

describe('redirects between the listeners', () => {
  it('redirects plain HTTP to HTTPS with 307, keeping path, query and the HTTPS port, cache-free and without HSTS', async () => {
    const reply = await request({ port: stack.httpPort, host: 'web.localhost', path: '/a/b?c=1&d=%20', method: 'POST', body: 'x' });
    expect(reply.status).toBe(307);
    expect(reply.headers.location).toBe(`https://web.localhost:${stack.httpsPort}/a/b?c=1&d=%20`);
    expect(reply.headers['cache-control']).toContain('no-store');
    expect(reply.headers['strict-transport-security']).toBeUndefined();
    expect(stack.proxy.log.recent().at(-1)).toMatchObject({ status: 307, protocol: 'http/1.1', tlsVersion: null });
  });

  it('proxies plain HTTP for a project with HTTPS off, without HSTS', async () => {
    const reply = await request({ port: stack.httpPort, host: 'plain.localhost', path: '/p?q=2' });
    expect(reply.status).toBe(200);
    expect(reply.headers['strict-transport-security']).toBeUndefined();
    const echo = JSON.parse(reply.body) as Echo;
    expect(echo.url).toBe('/p?q=2');
    expect(echo.headers['x-forwarded-proto']).toBe('http');
  });

  it('answers HTTPS for a project with HTTPS off with max-age=0 and a 307 down to HTTP', async () => {
    const reply = await request({ port: stack.httpsPort, host: 'plain.localhost', path: '/p?q=2', ...tls() });
    expect(reply.status).toBe(307);
    expect(reply.headers.location).toBe(`http://plain.localhost:${stack.httpPort}/p?q=2`);
    expect(reply.headers['strict-transport-security']).toBe('max-age=0');
  });
});

describe('response passes', () => {
  it('sends HSTS on HTTPS only, replacing the upstream’s own value', async () => {
    const secure = await request({ port: stack.httpsPort, host: 'web.localhost', path: '/sts', ...tls() });
    expect(secure.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(secure.headers['strict-transport-security']).not.toContain('preload');
    const plain = await request({ port: stack.httpPort, host: 'plain.localhost', path: '/sts' });
    expect(plain.headers['strict-transport-security']).toBeUndefined();
  });

  it('adds Secure to every cookie on HTTPS, keeping each header separate, and counts them', async () => {
    const before = stack.proxy.stats.project('web').cookiesRewritten;
    const reply = await request({ port: stack.httpsPort, host: 'web.localhost', path: '/cookies', ...tls() });
    const cookies = reply.headers['set-cookie'] ?? [];
    expect(cookies).toHaveLength(2);
    for (const cookie of cookies) expect(cookie.match(/;\s*Secure/gi)).toHaveLength(1);
    expect(cookies[1]).toContain('Expires=Wed, 21 Oct 2026 07:28:00 GMT');
    expect(stack.proxy.stats.project('web').cookiesRewritten - before).toBe(2);
  });

  it('leaves cookies alone over plain HTTP; with rewriting off, secures only the SameSite=None one a browser would reject', async () => {
    const plain = await request({ port: stack.httpPort, host: 'plain.localhost', path: '/cookies' });
    for (const cookie of plain.headers['set-cookie'] ?? []) expect(cookie).not.toMatch(/Secure/i);
    const keep = await request({ port: stack.httpsPort, host: 'keep.test', path: '/cookies', ...tls() });
    expect(keep.headers['set-cookie']).toEqual(['sid=1; Path=/; HttpOnly', 'pref=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT; SameSite=None; Secure']);
    expect(keep.headers['strict-transport-security']).toBeUndefined();
  });

  it('rewrites a Location pointing at the upstream itself and leaves other origins alone', async () => {
    const own = await request({ port: stack.httpsPort, host: 'web.localhost', path: '/redirect', ...tls() });
    expect(own.status).toBe(302);
    expect(own.headers.location).toBe(`https://web.localhost:${stack.httpsPort}/landing?from=up`);
    const external = await request({ port: stack.httpsPort, host: 'web.localhost', path: '/external', ...tls() });
    expect(external.headers.location).toBe('https://accounts.example.com/login');
  });

  it('strips hop-by-hop response headers, including those Connection names, on HTTP/1.1 and HTTP/2', async () => {
    const h1 = await request({ port: stack.httpsPort, host: 'web.localhost', path: '/hop', ...tls() });
    expect(h1.status).toBe(200);
    expect(h1.headers['x-private']).toBeUndefined();
    expect(h1.headers['proxy-connection']).toBeUndefined();
    const session = await h2Session(stack.httpsPort, 'web.localhost', stack.ca.caPem);
    try {
      const h2 = await h2Request(session, '/hop');
      expect(h2.status).toBe(200);
      expect(h2.headers['x-private']).toBeUndefined();
      expect(h2.body).toBe('ok');
    } finally {
      session.close();
    }
  });
});

describe('request passes', () => {
  it('drops client-sent forwarding headers; the upstream sees only the proxy’s', async () => {
    const reply = await request({
      port: stack.httpsPort,
      host: 'web.localhost',
      path: '/fwd',
      ...tls(),
      headers: { 'x-forwarded-for': '6.6.6.6', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http', forwarded: 'for=6.6.6.6' },
    });
    const echo = JSON.parse(reply.body) as Echo;
    expect(echo.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(echo.headers['x-forwarded-host']).toBe(`web.localhost:${stack.httpsPort}`);
    expect(echo.headers['x-forwarded-proto']).toBe('https');
    expect(echo.headers['x-forwarded-port']).toBe(String(stack.httpsPort));
    expect(echo.headers.forwarded).toBe(`for=127.0.0.1;host="web.localhost:${stack.httpsPort}";proto=https`);
  });

  it('strips Connection-named and other hop-by-hop request headers but keeps Origin', async () => {
    const reply = await request({
      port: stack.httpsPort,
      host: 'web.localhost',
      path: '/hop-req',
      ...tls(),
      headers: { connection: 'close, x-secret', 'x-secret': '1', 'proxy-authorization': 'Basic eDp5', origin: 'https://web.localhost' },
    });
    const echo = JSON.parse(reply.body) as Echo;
    expect(echo.headers['x-secret']).toBeUndefined();
    expect(echo.headers['proxy-authorization']).toBeUndefined();
    expect(echo.headers.origin).toBe('https://web.localhost');
  });

  it('preserves Host by default and sends the upstream’s own host:port when the project asks', async () => {
    const preserved = JSON.parse((await request({ port: stack.httpsPort, host: 'web.localhost', path: '/', ...tls() })).body) as Echo;
    expect(preserved.headers.host).toBe(`web.localhost:${stack.httpsPort}`);
    const rewritten = JSON.parse((await request({ port: stack.httpsPort, host: 'keep.test', path: '/', ...tls() })).body) as Echo;
    expect(rewritten.headers.host).toBe(`127.0.0.1:${stack.upstream.port}`);
  });

  it('carries a POST body over HTTP/1.1, on plain HTTP and over TLS on either port', async () => {
    const body = 'x'.repeat(200_000);
    const plain = JSON.parse((await request({ port: stack.httpPort, host: 'plain.localhost', path: '/up', method: 'POST', body })).body) as Echo & { body: string };
    expect(plain.body).toBe(body);
    for (const port of [stack.httpsPort, stack.httpPort]) {
      const secure = JSON.parse((await request({ port, host: 'web.localhost', path: '/up', method: 'POST', body, ...tls() })).body) as Echo & { body: string };
      expect(secure.body).toBe(body);
    }
  });

  it('carries a POST body through HTTP/2', async () => {
    const session = await h2Session(stack.httpsPort, 'web.localhost', stack.ca.caPem);
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const stream = session.request({ ':path': '/upload', ':method': 'POST', 'content-type': 'text/plain' });
        let body = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (body += chunk));
        stream.on('end', () => resolve(body));
        stream.on('error', reject);
        stream.end('payload-over-h2');
      });
      const echo = JSON.parse(reply) as Echo & { body: string };
      expect(echo.method).toBe('POST');
      expect(echo.body).toBe('payload-over-h2');
    } finally {
      session.close();
    }
  });
});
