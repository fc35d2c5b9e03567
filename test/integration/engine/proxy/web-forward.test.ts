import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { createServer as createHttpServer, request, type IncomingHttpHeaders, type OutgoingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { UpstreamFailure } from '../../../../main/engine/proxy/forward';
import { createUpstreamResolver } from '../../../../main/engine/proxy/upstream-address';
import { createWebForwarder, type WebForwarder } from '../../../../main/engine/proxy/web-forward';

/**
 * A dev server that answers the first request on each connection and resets the connection on
 * the second, as a Node server does when its keep-alive timeout closes an idle socket just as
 * the proxy reuses it. With `resetAfterFirst`, every request after the very first one resets.
 */
async function resettingUpstream(resetAfterFirst = false): Promise<{ server: TcpServer; port: number; connections: () => number; seen: string[][] }> {
  let total = 0;
  const seen: string[][] = [];
  const server = createTcpServer((socket: Socket) => {
    const requests: string[] = [];
    seen.push(requests);
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
        requests.push(head.split(' ', 2).join(' '));
        total += 1;
        if (requests.length > 1 || (resetAfterFirst && total > 1)) {
          socket.resetAndDestroy();
          return;
        }
        socket.write(`HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok`);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, connections: () => seen.length, seen };
}

const FORWARDED_MARK = 'x-test-forwarded';

/** A front server handing every request to the forwarder, answering 502 itself when it reports a failure. */
async function front(forwarder: WebForwarder, upstream: string): Promise<{ server: Server; port: number; failures: UpstreamFailure[] }> {
  const failures: UpstreamFailure[] = [];
  const server = createHttpServer((req, res) => {
    // Marked, so the count of Node-client requests leaves out the test's own.
    const headers: IncomingHttpHeaders = { ...req.headers, [FORWARDED_MARK]: '1' };
    // As the hop-by-hop pass does: the test client's `Connection: close` is not the upstream's.
    delete headers.connection;
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

function send(port: number, method: string, body?: string): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: '/', agent: false, headers: body === undefined ? {} : { 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Counts the forwarded requests Node's own client starts (lib/_http_client.js publishes each one). */
function nodeClientRequests(): { count: () => number; stop: () => void } {
  let count = 0;
  const listener = (message: unknown) => {
    if ((message as { request: OutgoingMessage }).request.hasHeader(FORWARDED_MARK)) count += 1;
  };
  subscribe('http.client.request.start', listener);
  return { count: () => count, stop: () => unsubscribe('http.client.request.start', listener) };
}

describe.each([
  { client: 'the lean client', leanClient: true },
  { client: "Node's client", leanClient: false },
])('web forwarder with $client', ({ leanClient }) => {
  const closers: Array<() => unknown> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  function forwarder(): WebForwarder {
    return createWebForwarder({ resolver: createUpstreamResolver(), upstreamResponseMs: 5000, classify: (error) => (error.code === 'ECONNRESET' ? 'reset' : 'other'), leanClient });
  }

  /** A forwarder and its front server before `upstream`; Node-client requests are counted. */
  async function setUp(upstream: { server: { close(callback: () => void): unknown }; port: number }) {
    const web = forwarder();
    const proxy = await front(web, `http://127.0.0.1:${upstream.port}`);
    const nodeClient = nodeClientRequests();
    // The forwarder first: its pooled connections would keep the upstream's close waiting.
    closers.push(
      () => nodeClient.stop(),
      () => web.close(),
      () => new Promise<void>((resolve) => upstream.server.close(() => resolve())),
      () => new Promise((resolve) => proxy.server.close(resolve)),
    );
    return { proxy, nodeClient };
  }

  describe('a pooled upstream socket the dev server closed', () => {
    it('sends a request without a body once more, on a fresh connection', async () => {
      const upstream = await resettingUpstream();
      const { proxy, nodeClient } = await setUp(upstream);
      expect(await send(proxy.port, 'GET')).toMatchObject({ status: 200, body: 'ok' });
      expect(await send(proxy.port, 'GET')).toMatchObject({ status: 200, body: 'ok' });
      expect(upstream.seen).toEqual([['GET /', 'GET /'], ['GET /']]);
      expect(proxy.failures).toEqual([]);
      // GETs without a body take the lean client when it is on, Node's otherwise.
      expect(nodeClient.count()).toBe(leanClient ? 0 : 3);
    });

    it('retries only once: a fresh connection that fails too is a failure', async () => {
      const upstream = await resettingUpstream(true);
      const { proxy } = await setUp(upstream);
      expect(await send(proxy.port, 'GET')).toMatchObject({ status: 200, body: 'ok' });
      expect(await send(proxy.port, 'GET')).toMatchObject({ status: 502, body: 'bad gateway' });
      expect(upstream.seen).toEqual([['GET /', 'GET /'], ['GET /']]);
      expect(proxy.failures.map((failure) => failure.kind)).toEqual(['reset']);
    });

    it('never resends a request with a body: the dev server may have acted on it', async () => {
      const upstream = await resettingUpstream();
      const { proxy } = await setUp(upstream);
      expect(await send(proxy.port, 'POST', 'a=1')).toMatchObject({ status: 200, body: 'ok' });
      expect(await send(proxy.port, 'POST', 'a=2')).toMatchObject({ status: 502, body: 'bad gateway' });
      expect(proxy.failures.map((failure) => failure.kind)).toEqual(['reset']);
    });
  });

  it('answers a HEAD request with the headers and no body, and the connection serves the next request', async () => {
    const connections: Socket[] = [];
    const upstream = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 5, 'x-custom': 'yes' }).end('hello'));
    upstream.on('connection', (socket: Socket) => connections.push(socket));
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const port = (upstream.address() as AddressInfo).port;
    closers.push(() => upstream.closeAllConnections());
    const { proxy, nodeClient } = await setUp({ server: upstream, port });
    const head = await send(proxy.port, 'HEAD');
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers).toMatchObject({ 'content-length': '5', 'content-type': 'text/plain', 'x-custom': 'yes' });
    expect(await send(proxy.port, 'GET')).toMatchObject({ status: 200, body: 'hello' });
    expect(connections).toHaveLength(1);
    expect(proxy.failures).toEqual([]);
    expect(nodeClient.count()).toBe(leanClient ? 0 : 2);
  });
});
