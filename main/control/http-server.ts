/**
 * The loopback control server behind `portico serve`: the contract's commands at
 * `POST /api/<command>`, the event stream at `GET /api/events`, and the built dashboard.
 *
 * Every request passes the same gates, in this order (security-requirements §4):
 *   1. Host is exactly this listener's authority → else 403 (API-3, DNS rebinding)
 *   2. Origin, if sent, is this server's own origin → else 403 (API-4)
 *   3. `/api/*` carries the bearer token → else 401 (API-5)
 *   4. commands only by POST with `Content-Type: application/json` → else 405 / 415 (API-6)
 * and no response ever carries CORS headers.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventBus } from '../engine/events';
import { PorticoError } from '../engine/errors';
import { assertStrongToken, createTokenCheck, generateToken } from './auth';
import type { Dispatcher } from './dispatch';
import { openEventStream, parseEventFilter } from './event-stream';
import { httpStatusFor } from './http-status';
import { DEFAULT_BODY_LIMIT, mediaType, readJsonBody } from './json-body';
import { consoleLogger } from './logger';
import type { ControlLogger } from './logger';
import { createRequestGuards } from './request-guards';
import type { LoopbackAddress } from './request-guards';
import { sendFailure, sendJson, sendText } from './responses';
import { serveStatic } from './static-files';

export interface ControlServerOptions {
  dispatcher: Dispatcher;
  events: Pick<EventBus, 'on'>;
  /** The built dashboard; without it only the API is served. */
  staticDir?: string;
  /** Always a loopback literal: an omitted host would listen on every interface (API-2). */
  host?: LoopbackAddress;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** A fixed token instead of a fresh random one (tests, or a restart that keeps its clients). */
  token?: string;
  logger?: ControlLogger;
  /** Largest accepted command body. Default 1 MiB. */
  bodyLimit?: number;
  /** Interval of the event stream's keep-alive comment. Default 15 s. */
  heartbeatMs?: number;
}

export interface ControlServer {
  /** `http://127.0.0.1:<port>` (or `http://[::1]:<port>`), without a trailing slash. */
  url: string;
  port: number;
  token: string;
  /** The dashboard with its token in the fragment, which browsers never send to a server. */
  dashboardUrl: string;
  /** Ends event streams and open connections, then stops listening. */
  close(): Promise<void>;
}

const API_PREFIX = '/api/';
const FORBIDDEN = 'this request did not come from the Portico dashboard or CLI on this machine (foreign Host or Origin). Open the dashboard at the URL `portico serve` printed.';
const UNAUTHORIZED = 'missing or wrong control token. Open the dashboard through the URL `portico serve` printed (it carries #token=…), or read the token from control.json in the Portico data dir.';

/** The path of an origin-form request target (RFC 9112 §3.2.1); anything else is refused. */
function pathOf(target: string | undefined): URL | null {
  if (target === undefined || !target.startsWith('/')) return null;
  try {
    // Prefixing keeps `//evil.example/x` a path instead of letting it parse as a network path.
    return new URL(`http://control.invalid${target}`);
  } catch {
    return null;
  }
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const logger = options.logger ?? consoleLogger;
  const address: LoopbackAddress = options.host ?? '127.0.0.1';
  if (options.token !== undefined) assertStrongToken(options.token);
  const token = options.token ?? generateToken();
  const tokenMatches = createTokenCheck(token);
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const streams = new Set<() => void>();
  // Known only once listening; requests cannot arrive before that.
  let guards = createRequestGuards(address, 0);

  const handleCommand = async (req: IncomingMessage, res: ServerResponse, encodedName: string) => {
    if (req.method !== 'POST') return sendFailure(res, 405, 'E_INVALID_INPUT', `commands are sent with POST, not ${req.method}.`, { allow: 'POST' });
    // text/plain and form bodies are "simple" requests a foreign page can send without preflight (API-6).
    if (mediaType(req.headers['content-type']) !== 'application/json') {
      return sendFailure(res, 415, 'E_INVALID_INPUT', 'commands need `Content-Type: application/json`.');
    }
    const body = await readJsonBody(req, bodyLimit);
    if (body.kind === 'aborted') return void res.destroy();
    if (body.kind === 'too-large') {
      return sendFailure(res, 413, 'E_INVALID_INPUT', `the request body is larger than ${bodyLimit} bytes.`, { connection: 'close' });
    }
    if (body.kind === 'invalid') return sendFailure(res, 400, 'E_INVALID_INPUT', `the request body is not valid JSON: ${body.reason}.`);
    let name: string;
    try {
      name = decodeURIComponent(encodedName);
    } catch {
      name = encodedName;
    }
    const result = await options.dispatcher.dispatch(name, body.value);
    sendJson(res, result.ok ? 200 : httpStatusFor(result.error.code), result);
  };

  const handleEvents = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== 'GET') return sendFailure(res, 405, 'E_INVALID_INPUT', `the event stream is read with GET, not ${req.method}.`, { allow: 'GET' });
    const filter = parseEventFilter(url.searchParams.get('events'));
    if (!filter.ok) return sendFailure(res, 400, 'E_INVALID_INPUT', `unknown event(s) in ?events=: ${filter.unknown.join(', ')}.`);
    const close = openEventStream(res, options.events, { events: filter.events, heartbeatMs: options.heartbeatMs });
    streams.add(close);
    res.once('close', () => streams.delete(close));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!guards.hostAllowed(req.headers.host)) return sendFailure(res, 403, 'E_FORBIDDEN', FORBIDDEN);
    if (!guards.originAllowed(req.headers.origin)) return sendFailure(res, 403, 'E_FORBIDDEN', FORBIDDEN);
    const url = pathOf(req.url);
    if (url === null) return sendFailure(res, 400, 'E_INVALID_INPUT', 'the request target must be a path.');
    if (url.pathname.startsWith(API_PREFIX) || url.pathname === '/api') {
      if (!tokenMatches(req.headers.authorization)) {
        return sendFailure(res, 401, 'E_UNAUTHORIZED', UNAUTHORIZED, { 'www-authenticate': 'Bearer realm="portico"' });
      }
      const name = url.pathname.slice(API_PREFIX.length);
      if (name === 'events') return handleEvents(req, res, url);
      return handleCommand(req, res, name);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed\n', { allow: 'GET, HEAD' });
    if (options.staticDir === undefined) return sendText(res, 404, 'Not found\n');
    return serveStatic(req, res, options.staticDir, url.pathname);
  };

  const server = createServer({ requireHostHeader: true }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error(`control request ${req.method} ${req.url} failed`, error);
      if (res.headersSent) res.destroy();
      else sendFailure(res, 500, 'E_INTERNAL', 'the control server failed to answer. The details are in the engine log.');
    });
  });

  const port = await listen(server, address, options.port ?? 0);
  guards = createRequestGuards(address, port);
  const url = `http://${address === '::1' ? '[::1]' : address}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    token,
    dashboardUrl: `${url}/#token=${token}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const close of [...streams]) close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: ReturnType<typeof createServer>, host: LoopbackAddress, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      if (error.code === 'EADDRINUSE') reject(new PorticoError('E_PORT_IN_USE', `the control API cannot bind ${where}: the port is taken. Pick another port or leave it at 0 for a free one.`, { cause: error }));
      else if (error.code === 'EACCES') reject(new PorticoError('E_PORT_PRIVILEGED', `the control API cannot bind ${where}: the port needs privileges. Use a port above 1023.`, { cause: error }));
      else reject(new PorticoError('E_INTERNAL', `the control API cannot bind ${where}: ${error.message}`, { cause: error }));
    });
    server.listen({ host, port, exclusive: true }, () => {
      const bound = server.address();
      if (bound === null || typeof bound === 'string') return reject(new PorticoError('E_INTERNAL', 'the control API listener has no TCP address.'));
      resolve(bound.port);
    });
  });
}
