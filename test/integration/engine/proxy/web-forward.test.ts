import { once } from 'node:events';
import { createServer as createHttpServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { UpstreamFailure } from '../../../../main/engine/proxy/forward';
import { createUpstreamResolver } from '../../../../main/engine/proxy/upstream-address';
import { createWebForwarder, type WebForwarder } from '../../../../main/engine/proxy/web-forward';

/**
 * A dev server that answers the first request on each connection and resets the connection on
 * the second, as a Node server does when its keep-alive timeout closes an idle socket just as
 * the proxy reuses it.
 */
async function resettingUpstream(): Promise<{ server: TcpServer; port: number; connections: () => number }> {
  let connections = 0;
  const server = createTcpServer((socket: Socket) => {
    connections += 1;
    let requests = 0;
    let buffered = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      // One request per head; the test's requests carry small bodies or none.
      while (buffered.includes('\r\n\r\n')) {
        const end = buffered.indexOf('\r\n\r\n') + 4;
        const head = buffered.slice(0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + length) return;
        buffered = buffered.slice(end + length);
        requests += 1;
        if (requests > 1) {
          socket.resetAndDestroy();
          return;
        }
        socket.write(`HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok`);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, connections: () => connections };
}

/** A front server handing every request to the forwarder, answering 502 itself when it reports a failure. */
async function front(forwarder: WebForwarder, upstream: string): Promise<{ server: Server; port: number; failures: UpstreamFailure[] }> {
  const failures: UpstreamFailure[] = [];
  const server = createHttpServer((req, res) => {
    const headers: IncomingHttpHeaders = { ...req.headers };
    forwarder.web(req, res, {
      upstream,
      headers,
      responseHead: (_status, upstreamHeaders) => ({ ...upstreamHeaders }),
      onFailure: (failure) => {
        failures.push(failure);
        if (!failure.responseStarted) res.writeHead(502).end('bad gateway');
      },
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, failures };
}

function send(port: number, method: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: '/', agent: false, headers: body === undefined ? {} : { 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('web forwarder: a pooled upstream socket the dev server closed', () => {
  const closers: Array<() => unknown> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function setUp() {
    const upstream = await resettingUpstream();
    const forwarder = createWebForwarder({ resolver: createUpstreamResolver(), upstreamResponseMs: 5000, classify: (error) => (error.code === 'ECONNRESET' ? 'reset' : 'other') });
    const proxy = await front(forwarder, `http://127.0.0.1:${upstream.port}`);
    // The forwarder first: its pooled connections would keep the upstream's close waiting.
    closers.push(() => forwarder.close(), () => new Promise((resolve) => upstream.server.close(resolve)), () => new Promise((resolve) => proxy.server.close(resolve)));
    return { upstream, proxy };
  }

  it('sends a request without a body once more, on a fresh connection', async () => {
    const { upstream, proxy } = await setUp();
    expect(await send(proxy.port, 'GET')).toEqual({ status: 200, body: 'ok' });
    expect(await send(proxy.port, 'GET')).toEqual({ status: 200, body: 'ok' });
    expect(upstream.connections()).toBe(2);
    expect(proxy.failures).toEqual([]);
  });

  it('never resends a request with a body: the dev server may have acted on it', async () => {
    const { proxy } = await setUp();
    expect(await send(proxy.port, 'POST', 'a=1')).toEqual({ status: 200, body: 'ok' });
    expect(await send(proxy.port, 'POST', 'a=2')).toEqual({ status: 502, body: 'bad gateway' });
    expect(proxy.failures.map((failure) => failure.kind)).toEqual(['reset']);
  });
});
