/**
 * The proxy: two loopback ports that each take TLS and plain HTTP (sniff.ts), one HTTP/2 +
 * HTTP/1.1 TLS server with SNI-selected project certificates, one plain HTTP/1.1 server, and the
 * shared request flow behind both. Routes swap atomically (`setRoutes`): no listener restarts,
 * requests in flight and open websockets carry on.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createSecureServer, Http2ServerResponse, type Http2SecureServer, type Http2ServerRequest, type ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Exchange } from './exchange';
import { createConnectionTracker } from './connections';
import { createForwarder, type UpstreamFailure } from './forward';
import { bindLoopback, closeBound, LOOPBACK_HOSTS, type BoundPort } from './listen';
import { renderProxyPage, type PageRenderer } from './local-pages';
import { createRequestFlow } from './request-flow';
import { createRequestLog, type RequestLog } from './request-log';
import type { Route, RouteTable } from './router';
import { createSniCallback, type CertificateProvider, type SniRefusal } from './sni';
import { answerClientError } from './responses';
import { createSniffingServer } from './sniff';
import { createProxyStats, type ProxyStats } from './stats';
import { applyHttp1Limits, closeIdleH2Sessions, DEFAULT_TIMEOUTS, MAX_H2_HEADER_LIST_BYTES, MAX_HEADER_BYTES, type ProxyTimeouts } from './timeouts';
import { intermediateTlsOptions, scheduleTicketKeyRotation, type IntermediateTlsOptions } from './tls-profile';
import { createUpstreamResolver } from './upstream-address';
import { defaultExchange } from './default-exchange';

export interface ProxyHooks {
  /** An upstream failed (refused, reset, timed out): the health monitor can re-probe at once. */
  onUpstreamFailure?(route: Route, failure: UpstreamFailure): void;
  /** A TLS handshake was refused or failed (TLS-8 asks for these to be logged). */
  onTlsRefused?(refusal: SniRefusal): void;
  /** Something worth a line in the engine log: a skipped ::1, any failed TLS handshake (TLS-8). */
  onWarning?(message: string): void;
}

export interface ProxyServerOptions {
  certificates: CertificateProvider;
  routes: RouteTable;
  /** The recent-requests log; one is made when omitted. */
  log?: RequestLog;
  hooks?: ProxyHooks;
  /** Override limits (tests use short ones). */
  timeouts?: Partial<ProxyTimeouts>;
  /** The TLS options of the listener; Mozilla intermediate (tls-profile.ts) when omitted. */
  tls?: IntermediateTlsOptions;
  /** Header passes; the passes/ folder's when omitted. */
  exchange?: Exchange;
  /** Local pages; pages.ts when omitted. */
  renderPage?: PageRenderer;
}

export interface ListenOptions {
  /** Port of the HTTPS listener; 0 picks a free one. */
  httpsPort: number;
  /** Port of the HTTP listener; 0 picks a free one. */
  httpPort: number;
  /** Loopback addresses to bind; 127.0.0.1 and ::1 by default (RP-1). */
  hosts?: readonly string[];
}

export interface ListeningInfo {
  httpsPort: number;
  httpPort: number;
  /** Addresses bound (::1 is skipped where the machine has no IPv6 loopback). */
  hosts: string[];
  warnings: string[];
}

export interface ProxyServer {
  listen(options: ListenOptions): Promise<ListeningInfo>;
  /** Swaps the route table; takes effect for the next request and the next handshake. */
  setRoutes(table: RouteTable): void;
  routes(): RouteTable;
  /** Stops accepting, lets requests in flight finish for up to `drainMs`, then cuts what is left. */
  close(options?: { drainMs?: number }): Promise<void>;
  readonly stats: ProxyStats;
  readonly log: RequestLog;
}

/**
 * Node starts enforcing `headersTimeout`/`requestTimeout` on 'listening' (lib/_http_server.js
 * `setupConnectionsTracking`). These servers never listen themselves — the sniffing listeners
 * hand them connections — so the event is raised once by hand.
 */
function startConnectionTracking(server: HttpServer | Http2SecureServer): void {
  server.emit('listening');
}

export function createProxyServer(options: ProxyServerOptions): ProxyServer {
  const timeouts: ProxyTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const log = options.log ?? createRequestLog();
  const stats = createProxyStats();
  const hooks = options.hooks ?? {};
  let table = options.routes;
  let ports = { https: 0, http: 0 };
  const bound: BoundPort[] = [];
  const connections = createConnectionTracker();
  const sessions = new Set<ServerHttp2Session>();
  let closing = false;

  const forwarder = createForwarder({ resolver: createUpstreamResolver(), upstreamResponseMs: timeouts.upstreamResponseMs });
  const flow = createRequestFlow({
    routes: () => table,
    ports: () => ports,
    forwarder,
    exchange: options.exchange ?? defaultExchange(),
    renderPage: options.renderPage ?? renderProxyPage,
    log,
    stats,
    ...(hooks.onUpstreamFailure ? { onUpstreamFailure: hooks.onUpstreamFailure } : {}),
  });

  const closeIdleConnections = () => {
    plain.closeIdleConnections();
    // Present at runtime with allowHTTP1 (lib/internal/http2/core.js); missing from @types/node 20.
    (secure as unknown as { closeIdleConnections(): void }).closeIdleConnections();
  };

  function onRequest(req: Http2ServerRequest | IncomingMessage, res: Http2ServerResponse | ServerResponse): void {
    // While closing, an HTTP/1.1 connection goes as soon as its response is done (HTTP/2
    // sessions got a GOAWAY and end by themselves).
    if (req.httpVersionMajor === 1) {
      res.once('finish', () => {
        if (closing) setImmediate(closeIdleConnections);
      });
    }
    flow.request(req, res);
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    connections.upgraded(socket);
    flow.upgrade(req, socket, head);
  }

  const secure = createSecureServer({
    ...(options.tls ?? intermediateTlsOptions()),
    allowHTTP1: true,
    ALPNProtocols: ['h2', 'http/1.1'],
    SNICallback: createSniCallback(() => table, options.certificates, (refusal) => hooks.onTlsRefused?.(refusal)),
    handshakeTimeout: timeouts.handshakeMs,
    // Extended CONNECT (RFC 8441) stays off: once advertised, Chromium moves websockets — Vite's
    // HMR — onto HTTP/2, which the upgrade path does not carry.
    settings: { enableConnectProtocol: false, maxHeaderListSize: MAX_H2_HEADER_LIST_BYTES },
  });
  applyHttp1Limits(secure, timeouts);
  const stopTicketRotation = scheduleTicketKeyRotation(secure);
  secure.on('request', (req: Http2ServerRequest | IncomingMessage, res: Http2ServerResponse | ServerResponse) => onRequest(req, res));
  secure.on('upgrade', onUpgrade);
  // 'connect' carries (request, response) from HTTP/2 and (request, socket, head) from HTTP/1.1.
  secure.on('connect', (req: Http2ServerRequest | IncomingMessage, second: Http2ServerResponse | Duplex) => {
    if (second instanceof Http2ServerResponse) flow.request(req as Http2ServerRequest, second);
    else flow.connectRaw(req as IncomingMessage, second);
  });
  secure.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    closeIdleH2Sessions(session, timeouts.h2IdleSessionMs);
  });
  secure.on('clientError', answerClientError);
  secure.on('tlsClientError', (error: Error) => hooks.onWarning?.(`TLS handshake failed: ${error.message}`));
  startConnectionTracking(secure);

  const plain = createHttpServer({ maxHeaderSize: MAX_HEADER_BYTES, insecureHTTPParser: false, requireHostHeader: true }, (req, res) => onRequest(req, res));
  applyHttp1Limits(plain, timeouts);
  plain.on('upgrade', onUpgrade);
  plain.on('connect', (req: IncomingMessage, socket: Duplex) => flow.connectRaw(req, socket));
  plain.on('clientError', answerClientError);
  startConnectionTracking(plain);

  const makeListener = () => {
    const server = createSniffingServer({ tls: (socket) => secure.emit('connection', socket), plain: (socket) => plain.emit('connection', socket) }, { idleMs: timeouts.firstByteMs });
    server.on('connection', (socket: Socket) => connections.add(socket));
    return server;
  };

  return {
    async listen({ httpsPort, httpPort, hosts = LOOPBACK_HOSTS }) {
      const https = await bindLoopback(makeListener, httpsPort, hosts, 'HTTPS');
      let http: BoundPort;
      try {
        http = await bindLoopback(makeListener, httpPort, hosts, 'HTTP');
      } catch (error) {
        await closeBound(https);
        throw error;
      }
      bound.push(https, http);
      ports = { https: https.port, http: http.port };
      const warnings = [...https.warnings, ...http.warnings];
      for (const warning of warnings) hooks.onWarning?.(warning);
      return { httpsPort: https.port, httpPort: http.port, hosts: https.hosts, warnings };
    },

    setRoutes(next) {
      table = next;
    },

    routes: () => table,

    async close({ drainMs = 5_000 } = {}) {
      closing = true;
      stopTicketRotation();
      const stopped = Promise.all(bound.splice(0).map(closeBound));
      closeIdleConnections();
      for (const session of sessions) session.close();
      await connections.drain(drainMs);
      await stopped;
      // Both report ERR_SERVER_NOT_RUNNING (they never listened) but stop their timers.
      plain.close(() => {});
      secure.close(() => {});
      forwarder.close();
    },

    stats,
    log,
  };
}
