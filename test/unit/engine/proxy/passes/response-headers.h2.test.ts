import { connect, createServer, type Http2Server, type IncomingHttpHeaders } from 'node:http2';
import type { OutgoingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientResponseHeaders, responsePlanFor } from '../../../../../main/engine/proxy/passes/response-headers';

// What an HTTP/1.1 dev server may answer with: connection-specific fields that HTTP/2 forbids
// (RFC 9113 §8.2.2) next to ordinary ones.
const UPSTREAM_HEAD = {
  'content-type': 'text/plain',
  connection: 'keep-alive, x-hop',
  'keep-alive': 'timeout=5',
  'transfer-encoding': 'chunked',
  'proxy-connection': 'keep-alive',
  upgrade: 'h2c',
  te: 'gzip',
  'x-hop': '1',
  'set-cookie': ['sid=1; Domain=localhost; HttpOnly', 'theme=dark; Expires=Wed, 21 Oct 2026 07:28:00 GMT'],
};

describe('response headers on a real HTTP/2 response', () => {
  let server: Http2Server;
  let url: string;
  const plan = responsePlanFor({ upstream: 'http://localhost:5173', hsts: 'dev', secureCookies: true });

  beforeAll(async () => {
    server = createServer((req, res) => {
      const raw = req.headers[':path'] === '/raw';
      const headers: OutgoingHttpHeaders = raw ? { ...UPSTREAM_HEAD } : clientResponseHeaders(UPSTREAM_HEAD, plan, { secure: true, origin: 'https://web.test', upgrade: false, nowMs: 0 }).headers;
      try {
        res.writeHead(200, headers);
        res.end('ok');
      } catch (error) {
        res.stream.respond({ ':status': 500, 'x-error': (error as NodeJS.ErrnoException).code ?? 'unknown' });
        res.stream.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function get(path: string): Promise<{ headers: IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
      const session = connect(url);
      session.on('error', reject);
      const stream = session.request({ ':path': path });
      let body = '';
      let headers: IncomingHttpHeaders = {};
      stream.on('response', (received) => (headers = received));
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (body += chunk));
      stream.on('end', () => {
        session.close();
        resolve({ headers, body });
      });
      stream.on('error', reject);
    });
  }

  it('the upstream head as is makes Node refuse the HTTP/2 response (the hazard)', async () => {
    const reply = await get('/raw');
    expect(reply.headers[':status']).toBe(500);
    expect(reply.headers['x-error']).toBe('ERR_HTTP2_INVALID_CONNECTION_HEADERS');
  });

  it('after the passes it is sent, with HSTS and rewritten cookies', async () => {
    const reply = await get('/passes');
    expect(reply.headers[':status']).toBe(200);
    expect(reply.body).toBe('ok');
    expect(reply.headers['strict-transport-security']).toBe('max-age=3600');
    expect(reply.headers['set-cookie']).toEqual(['sid=1; HttpOnly; Secure', 'theme=dark; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Secure']);
    for (const name of ['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'te', 'x-hop']) expect(reply.headers[name]).toBeUndefined();
  });
});
