/**
 * Real servers and clients for proxy integration tests: echo upstreams (HTTP + websocket) on
 * loopback port 0, a proxy on port 0, and clients that verify TLS against the test root. Names
 * such as `web.localhost` resolve to 127.0.0.1 through a custom `lookup`, because glibc and
 * Node's resolver do not resolve `*.localhost` (platform-facts.md).
 */
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { connect as h2connect, type ClientHttp2Session } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, type LookupFunction, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { WebSocket, WebSocketServer } from 'ws';

/** Resolves every name to 127.0.0.1, in both shapes Node asks for (`all` is set under autoSelectFamily). */
export const loopbackLookup = ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
}) as unknown as LookupFunction;

export interface Echo {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface Upstream {
  server: Server;
  host: string;
  port: number;
  /** `http://<host>:<port>` with brackets for IPv6. */
  origin: string;
  /** TCP connections accepted so far. */
  connections: number;
  /** Sends one event on every open `/sse` stream. */
  pushSse(data: string): void;
  /** Cuts every open websocket, as a dev-server restart does. */
  dropWebSockets(): void;
  /** Answers every request waiting on `/hold` (200 `released`); resolves once one is waiting. */
  held(): Promise<void>;
  release(): void;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, body: unknown, headers: OutgoingHttpHeaders = {}) {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * An echo dev server. `/redirect` answers 302 to its own origin, `/external` 302 elsewhere,
 * `/cookies` sets two cookies, `/sts` sends its own HSTS, `/hop` sends hop-by-hop headers,
 * `/slow` never answers, `/hold` waits for `release()`, `/reset` dies mid-body, `/sse` streams events on demand; anything else echoes the request as
 * JSON. Websockets greet with the handshake's headers, then echo.
 */
export async function startUpstream(host = '127.0.0.1', port = 0): Promise<Upstream> {
  const sseStreams = new Set<ServerResponse>();
  const holding = new Set<ServerResponse>();
  let onHold: (() => void) | null = null;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    switch (req.url) {
      case '/redirect':
        res.writeHead(302, { location: `http://localhost:${upstream.port}/landing?from=up` }).end();
        return;
      case '/external':
        res.writeHead(302, { location: 'https://accounts.example.com/login' }).end();
        return;
      case '/cookies':
        res.writeHead(200, { 'set-cookie': ['sid=1; Path=/; HttpOnly', 'pref=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT; SameSite=None'] }).end('ok');
        return;
      case '/sts':
        res.writeHead(200, { 'strict-transport-security': 'max-age=31536000; includeSubDomains; preload' }).end('ok');
        return;
      case '/hop':
        res.writeHead(200, { connection: 'keep-alive, x-private', 'x-private': 'secret', 'keep-alive': 'timeout=5', 'proxy-connection': 'keep-alive' }).end('ok');
        return;
      case '/slow':
        return;
      case '/hold':
        holding.add(res);
        onHold?.();
        return;
      case '/reset':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 1000 });
        res.write('partial');
        setImmediate(() => res.socket?.destroy());
        return;
      case '/sse':
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        res.write('data: open\n\n');
        sseStreams.add(res);
        res.once('close', () => sseStreams.delete(res));
        return;
      default: {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => sendJson(res, { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() }));
      }
    }
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, req) => {
    socket.send(JSON.stringify({ url: req.url, headers: req.headers }));
    socket.on('message', (data) => socket.send(`echo:${String(data)}`));
  });
  const upstream: Upstream = {
    server,
    host,
    port: 0,
    origin: '',
    connections: 0,
    pushSse: (data) => {
      for (const res of sseStreams) res.write(`data: ${data}\n\n`);
    },
    held: () => new Promise<void>((resolve) => (holding.size > 0 ? resolve() : (onHold = resolve))),
    release: () => {
      for (const res of holding) res.end('released');
      holding.clear();
    },
    dropWebSockets: () => {
      for (const client of wss.clients) client.terminate();
    },
    close: async () => {
      for (const res of sseStreams) res.destroy();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('connection', () => (upstream.connections += 1));
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address();
  upstream.port = typeof address === 'object' && address ? address.port : port;
  upstream.origin = `http://${host.includes(':') ? `[${host}]` : host}:${upstream.port}`;
  return upstream;
}

/** A port that was free a moment ago (listen on 0, close): for an upstream that starts later. */
export async function reservePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  alpn?: string | false | null;
  tlsVersion?: string | null;
}

export interface RequestSpec {
  port: number;
  /** The URL host: what DNS, SNI and (unless overridden) Host use. */
  host: string;
  path?: string;
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: string;
  /** Root to verify against; present means TLS. */
  ca?: string;
  servername?: string;
}

function collect(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
}

/** One HTTP/1.1 request, over TLS when `ca` is given, on a fresh connection. */
export function request(spec: RequestSpec): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const options = { host: spec.host, port: spec.port, path: spec.path ?? '/', method: spec.method ?? 'GET', headers: spec.headers ?? {}, agent: false as const, lookup: loopbackLookup };
    const req = spec.ca
      ? httpsRequest({ ...options, ca: spec.ca, ...(spec.servername !== undefined ? { servername: spec.servername } : {}) })
      : httpRequest(options);
    req.on('response', (res: IncomingMessage) => {
      const socket = res.socket as TLSSocket;
      const tls = spec.ca ? { alpn: socket.alpnProtocol, tlsVersion: socket.getProtocol() } : {};
      collect(res).then((body) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ...tls }), reject);
    });
    req.on('error', reject);
    req.end(spec.body);
  });
}

/** An HTTP/2 session to the proxy's TLS port for `host` (SNI and :authority). */
export async function h2Session(port: number, host: string, ca: string): Promise<ClientHttp2Session> {
  const session = h2connect(`https://${host}:${port}`, { ca, lookup: loopbackLookup });
  session.on('error', () => {});
  await once(session, 'connect');
  return session;
}

/** One HTTP/2 request on `session`. */
export function h2Request(session: ClientHttp2Session, path: string, headers: OutgoingHttpHeaders = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': path, ...headers });
    let status = 0;
    let responseHeaders: IncomingHttpHeaders = {};
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (head) => {
      status = Number(head[':status']);
      responseHeaders = head as IncomingHttpHeaders;
    });
    stream.on('data', (chunk: string) => (body += chunk));
    stream.on('end', () => resolve({ status, headers: responseHeaders, body, alpn: session.alpnProtocol ?? null }));
    stream.on('error', reject);
    stream.end();
  });
}

/** Sends raw bytes (over TLS when `ca` is given) and returns everything received until the peer closes. */
export function rawExchange(port: number, bytes: string | Buffer, tls?: { ca: string; servername: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = tls ? tlsConnect({ host: '127.0.0.1', port, ca: tls.ca, servername: tls.servername, ALPNProtocols: ['http/1.1'] }) : netConnect({ host: '127.0.0.1', port });
    let text = '';
    socket.setEncoding('latin1');
    socket.on(tls ? 'secureConnect' : 'connect', () => socket.write(bytes));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('close', () => resolve(text));
    socket.on('error', (error) => (text ? resolve(text) : reject(error)));
  });
}

/** A websocket client through the proxy; resolves once open, with the upstream's greeting. */
export async function openWebSocket(url: string, ca?: string, headers: Record<string, string> = {}): Promise<{ socket: WebSocket; greeting: Echo; next(): Promise<string> }> {
  const socket = new WebSocket(url, { lookup: loopbackLookup, headers, ...(ca ? { ca } : {}) });
  const queue: string[] = [];
  const waiters: ((message: string) => void)[] = [];
  socket.on('message', (data) => {
    const waiter = waiters.shift();
    if (waiter) waiter(String(data));
    else queue.push(String(data));
  });
  const next = () => new Promise<string>((resolve) => {
    const queued = queue.shift();
    if (queued !== undefined) resolve(queued);
    else waiters.push(resolve);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res: IncomingMessage) => reject(new Error(`websocket refused with ${res.statusCode}`)));
  });
  const greeting = JSON.parse(await next()) as Echo;
  return { socket, greeting, next };
}
