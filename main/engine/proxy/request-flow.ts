/**
 * One request through the proxy, on either listener and either protocol: gather the facts,
 * decide (decision.ts), then answer locally or forward with the header passes (exchange.ts).
 * Refusals never open an upstream connection (RP-2).
 */
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { decide, type Decision, type Scheme } from './decision';
import type { Exchange, ExchangeContext } from './exchange';
import type { ClientRequest, ClientResponse, Forwarder, UpstreamFailure } from './forward';
import type { ProxyPage } from './local-pages';
import type { RequestLog } from './request-log';
import { prefersJson, sendLocal, writeRaw, type LocalResponse } from './responses';
import { hostKey, type Route, type RouteTable } from './router';
import type { ProxyStats } from './stats';

export interface RequestFlowDeps {
  routes(): RouteTable;
  ports(): { https: number; http: number };
  forwarder: Forwarder;
  exchange: Exchange;
  renderPage(page: ProxyPage, json: boolean): LocalResponse;
  log: RequestLog;
  stats: ProxyStats;
  /** Told when an upstream fails, so the health monitor can re-probe at once. */
  onUpstreamFailure?(route: Route, failure: UpstreamFailure): void;
  now?: () => number;
}

export interface RequestFlow {
  request(req: ClientRequest, res: ClientResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** HTTP/1.1 CONNECT arrives without a response object. */
  connectRaw(req: IncomingMessage, socket: Duplex): void;
}

interface ConnectionFacts {
  scheme: Scheme;
  servername: string | undefined;
  tlsVersion: string | null;
  cipher: string | null;
  clientAddress: string;
  listenerPort: number;
}

/** The connection a request came on: the TLS socket itself under HTTP/2 (not the compat layer's per-stream proxy of it). */
function connectionOf(req: ClientRequest): Partial<TLSSocket> & { remoteAddress?: string; localPort?: number } {
  if (req.httpVersionMajor >= 2) {
    const session = (req as Http2ServerRequest).stream.session;
    if (session?.socket) return session.socket as TLSSocket;
  }
  return req.socket as Partial<TLSSocket>;
}

/** Per connection, not per request: these never change on a connection, and reading them allocates. */
const factsByConnection = new WeakMap<object, ConnectionFacts>();

/** TLS facts come from the socket, once per connection. */
function connectionFacts(req: ClientRequest): ConnectionFacts {
  const socket = connectionOf(req);
  const known = factsByConnection.get(socket);
  if (known) return known;
  const encrypted = socket.encrypted === true;
  const servername = encrypted && typeof socket.servername === 'string' ? socket.servername : undefined;
  const facts: ConnectionFacts = {
    scheme: encrypted ? 'https' : 'http',
    servername,
    tlsVersion: encrypted ? (socket.getProtocol?.() ?? null) : null,
    cipher: encrypted ? (socket.getCipher?.()?.name ?? null) : null,
    clientAddress: (socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
    listenerPort: socket.localPort ?? 0,
  };
  // A socket not yet connected or already gone reports no address: do not remember that.
  if (socket.remoteAddress !== undefined) factsByConnection.set(socket, facts);
  return facts;
}

/** Host lines of an HTTP/1.1 request (HTTP/2 has one `:authority`); counted only when there could be two. */
function hostLines(req: ClientRequest): number {
  const raw = req.rawHeaders;
  if (raw.length <= 2) return 1;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]?.length === 4 && raw[i]?.toLowerCase() === 'host') count += 1;
  return count;
}

function hostOf(req: ClientRequest): string | undefined {
  const authority = req.headers[':authority'];
  return typeof authority === 'string' && authority !== '' ? authority : req.headers.host;
}

/** The host for display and the log: lower case, no port. */
function bareHost(host: string | undefined): string {
  return hostKey(host) ?? '';
}

function redirectScheme(kind: 'redirect-to-https' | 'redirect-to-http'): Scheme {
  return kind === 'redirect-to-https' ? 'https' : 'http';
}

export function createRequestFlow(deps: RequestFlowDeps): RequestFlow {
  const now = deps.now ?? Date.now;

  function pageFor(decision: Decision, table: RouteTable, host: string | undefined): ProxyPage | null {
    switch (decision.kind) {
      case 'bad-request':
        return { kind: 'bad-request', reason: decision.reason };
      case 'method-not-allowed':
        return { kind: 'method-not-allowed', method: 'CONNECT' };
      case 'unknown-host':
        return { kind: 'unknown-host', host: bareHost(decision.host), disabled: decision.route?.project ?? null, routes: table.routes, ports: deps.ports() };
      case 'misdirected':
        return { kind: 'misdirected', host: bareHost(host) };
      default:
        return null;
    }
  }

  function context(route: Route, facts: ConnectionFacts, host: string): ExchangeContext {
    return { route, scheme: facts.scheme, host, clientAddress: facts.clientAddress, listenerPort: facts.listenerPort, ports: deps.ports(), now: now() };
  }

  function failurePage(route: Route, failure: UpstreamFailure, host: string): ProxyPage {
    return { kind: failure.kind === 'timeout' ? 'upstream-timeout' : 'upstream-down', project: route.project, upstream: route.upstream, host: bareHost(host) };
  }

  /** Adds the request to the log once its outcome is known. */
  function logEntry(req: ClientRequest, facts: ConnectionFacts, project: string | null, host: string | undefined, status: number, started: number, startedAt: number): void {
    deps.log.record({
      startedAt,
      project,
      host: bareHost(host),
      method: req.method ?? '',
      path: req.url ?? '',
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      protocol: req.httpVersionMajor >= 2 ? 'h2' : 'http/1.1',
      tlsVersion: facts.tlsVersion,
      cipher: facts.cipher,
    });
  }

  return {
    request(req, res) {
      const started = performance.now();
      const startedAt = now();
      const facts = connectionFacts(req);
      const host = hostOf(req);
      const table = deps.routes();
      const decision = decide({ scheme: facts.scheme, method: req.method ?? '', target: req.url ?? '', host, servername: facts.servername, hostLines: hostLines(req) }, table);
      const route = 'route' in decision ? decision.route : null;
      res.once('close', () => logEntry(req, facts, route?.project ?? null, host, res.statusCode, started, startedAt));
      if (route) deps.stats.countRequest(route.project);

      const page = pageFor(decision, table, host);
      if (page) {
        // A refused request closes its HTTP/1.1 connection: a 421 must (RP-4), and a client that
        // sent an absolute-form target or CONNECT is not talking to us as a browser would.
        sendLocal(req, res, deps.renderPage(page, prefersJson(req.headers.accept)), { close: decision.kind !== 'unknown-host' });
        return;
      }
      if (route === null || host === undefined) return; // unreachable: every routeless decision has a page
      const ctx = context(route, facts, host);
      if (decision.kind === 'redirect-to-https' || decision.kind === 'redirect-to-http') {
        sendLocal(req, res, deps.exchange.redirect(redirectScheme(decision.kind), req.url ?? '/', ctx));
        return;
      }
      deps.forwarder.web(req, res, {
        upstream: route.upstream,
        headers: deps.exchange.upstreamHeaders(req.headers, ctx),
        responseHead: (status, headers) => {
          const head = deps.exchange.prepareResponse(status, headers, ctx);
          deps.stats.countCookiesRewritten(route.project, head.cookiesRewritten);
          return head.headers;
        },
        onFailure: (failure) => {
          deps.stats.countUpstreamError(route.project);
          deps.onUpstreamFailure?.(route, failure);
          if (!failure.responseStarted) sendLocal(req, res, deps.renderPage(failurePage(route, failure, host), prefersJson(req.headers.accept)));
        },
      });
    },

    upgrade(req, socket, head) {
      // Node removed its own error listener when it handed the socket over.
      socket.on('error', () => socket.destroy());
      const started = performance.now();
      const startedAt = now();
      const facts = connectionFacts(req);
      const host = hostOf(req);
      const table = deps.routes();
      const decision = decide({ scheme: facts.scheme, method: req.method ?? '', target: req.url ?? '', host, servername: facts.servername, hostLines: hostLines(req) }, table);
      const route = 'route' in decision ? decision.route : null;
      const answer = (response: LocalResponse) => {
        logEntry(req, facts, route?.project ?? null, host, response.status, started, startedAt);
        writeRaw(socket, response);
      };
      if (route) deps.stats.countRequest(route.project);
      const page = pageFor(decision, table, host);
      const json = prefersJson(req.headers.accept);
      if (page) return answer(deps.renderPage(page, json));
      if (route === null || host === undefined) return; // unreachable: every routeless decision has a page
      const ctx = context(route, facts, host);
      // A browser does not follow a redirect on a websocket handshake; it still learns where to go.
      if (decision.kind === 'redirect-to-https' || decision.kind === 'redirect-to-http') return answer(deps.exchange.redirect(redirectScheme(decision.kind), req.url ?? '/', ctx));
      // Only websockets are proxied (an `Upgrade: h2c` or the like is not).
      if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return answer({ status: 400, headers: { 'cache-control': 'no-store' }, body: '' });
      const upstreamHost = deps.exchange.prepareRequest(req.headers, ctx);
      deps.forwarder.upgrade(req, socket, head, {
        upstream: route.upstream,
        host: upstreamHost,
        responseHead: (status, headers) => deps.exchange.prepareResponse(status, headers, ctx).headers,
        onUpgraded: () => logEntry(req, facts, route.project, host, 101, started, startedAt),
        onFailure: (failure) => {
          deps.stats.countUpstreamError(route.project);
          deps.onUpstreamFailure?.(route, failure);
          if (!failure.responseStarted) answer(deps.renderPage(failurePage(route, failure, host), json));
          else socket.destroy();
        },
      });
    },

    connectRaw(req, socket) {
      socket.on('error', () => socket.destroy());
      writeRaw(socket, deps.renderPage({ kind: 'method-not-allowed', method: 'CONNECT' }, prefersJson(req.headers.accept)));
    },
  };
}
