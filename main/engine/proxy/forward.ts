/**
 * Forwarding to a dev server: the only file that imports http-proxy-3 (PRODUCT.md: keep the
 * library behind one adapter). Request and response headers are decided by the passes before and
 * after this file; here they are only carried. `xfwd` is off (the forwarded pass sets fresh
 * values; http-proxy's `xfwd` appends to client ones, RP-5), `changeOrigin` is off and Origin is
 * never rewritten (the dev server's own Host/Origin checks stay meaningful, RP-6).
 *
 * Failures never crash the process (RP-11): http-proxy-3 throws from `onError` when nobody
 * listens, so a listener is always registered and every call passes its own callback; a
 * failure before the response head becomes a page, after it the client stream is destroyed.
 */
import { Agent as HttpAgent, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { constants as h2constants, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import type { ResolvedUpstream, UpstreamResolver } from './upstream-address';

export type ClientRequest = IncomingMessage | Http2ServerRequest;
export type ClientResponse = ServerResponse | Http2ServerResponse;

/** Why the upstream could not answer: `refused` and `reset` get the 502 page, `timeout` the 504. */
export type UpstreamFailureKind = 'refused' | 'reset' | 'timeout' | 'other';

export interface UpstreamFailure {
  kind: UpstreamFailureKind;
  error: Error;
  /** True when part of the response had already reached the client (it was cut, not answered). */
  responseStarted: boolean;
}

export interface WebForward {
  /** The route's upstream origin (`http://localhost:5173`). */
  upstream: string;
  /** The Host header the upstream sees (HTTP/2's `:authority` would otherwise win). */
  host: string;
  /** Turns the upstream's response head into the client's; runs once, before anything is sent. */
  responseHead(status: number, headers: IncomingHttpHeaders): OutgoingHttpHeaders;
  /** The upstream failed. Called before `onDone`; when `responseStarted` is false the caller answers. */
  onFailure(failure: UpstreamFailure): void;
}

export interface UpgradeForward {
  upstream: string;
  host: string;
  /** Turns the upstream's `101 Switching Protocols` head into the client's. */
  responseHead(status: number, headers: IncomingHttpHeaders): OutgoingHttpHeaders;
  /** The upstream switched protocols; bytes now flow both ways. */
  onUpgraded?(): void;
  /** The upstream failed; before the switch (`responseStarted` false) the caller may still answer on the socket. */
  onFailure(failure: UpstreamFailure): void;
}

export interface ForwarderOptions {
  resolver: UpstreamResolver;
  /** The upstream must send its response head within this, else the request fails as `timeout`. */
  upstreamResponseMs: number;
}

export interface Forwarder {
  web(req: ClientRequest, res: ClientResponse, forward: WebForward): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, forward: UpgradeForward): void;
  /** Closes pooled upstream connections. */
  close(): void;
}

class UpstreamTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

function classify(error: NodeJS.ErrnoException): UpstreamFailureKind {
  if (error instanceof UpstreamTimeoutError) return 'timeout';
  switch (error.code) {
    case 'ECONNREFUSED':
    case 'EADDRNOTAVAIL':
    case 'EHOSTUNREACH':
    case 'ENOTFOUND':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    case 'ETIMEDOUT':
      return 'timeout';
    default:
      return 'other';
  }
}

/**
 * Headers HTTP/2 forbids in a response (RFC 9113 §8.2.2); Node throws
 * ERR_HTTP2_INVALID_CONNECTION_HEADERS on them. The hop-by-hop pass removes them already; this is
 * the last guard, because a throw here would be a crash.
 */
const H2_FORBIDDEN = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'http2-settings', 'te'];

function isHttp2(req: ClientRequest): req is Http2ServerRequest {
  return req.httpVersionMajor >= 2;
}

/** The client went away (its abort then surfaces as an upstream error, which it is not). */
function clientGone(req: ClientRequest, res: ClientResponse): boolean {
  return isHttp2(req) ? (res as Http2ServerResponse).stream.destroyed : req.socket.destroyed;
}

/** Ends a response that already started, so the client sees a failure rather than a short body. */
function abortClient(req: ClientRequest, res: ClientResponse): void {
  if (isHttp2(req)) {
    const stream = (res as Http2ServerResponse).stream;
    if (!stream.destroyed) stream.close(h2constants.NGHTTP2_INTERNAL_ERROR);
  } else {
    (res as ServerResponse).destroy();
  }
}

export function createForwarder(options: ForwarderOptions): Forwarder {
  const proxy = createProxyServer({ xfwd: false, changeOrigin: false, selfHandleResponse: true, followRedirects: false });
  // Without a listener http-proxy-3 rethrows errors it has no callback for (index.ts `onError`).
  proxy.on('error', () => {});

  const webPlans = new WeakMap<object, WebForward>();
  const agents = new Map<string, HttpAgent>();

  function agentFor(resolved: ResolvedUpstream): HttpAgent {
    let agent = agents.get(resolved.target);
    if (!agent) {
      // One keep-alive pool per upstream address. LIFO reuses the warmest socket, so idle ones
      // age out on the dev server's own keep-alive timeout instead of racing it.
      const settings = { keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' as const };
      agent = resolved.protocol === 'https:' ? new HttpsAgent(settings) : new HttpAgent(settings);
      agents.set(resolved.target, agent);
    }
    return agent;
  }

  // The timeout covers the wait for the response head only: a response that streams for hours
  // (SSE, HMR) is never cut by it.
  proxy.on('proxyReq', (proxyReq) => {
    proxyReq.setTimeout(options.upstreamResponseMs, () => proxyReq.destroy(new UpstreamTimeoutError(`no response within ${options.upstreamResponseMs} ms`)));
    proxyReq.once('response', () => proxyReq.setTimeout(0));
  });

  proxy.on('proxyRes', (proxyRes, req, res) => {
    const plan = webPlans.get(req);
    const clientRes = res as unknown as ClientResponse;
    const clientReq = req as unknown as ClientRequest;
    if (!plan || clientRes.headersSent || clientRes.writableEnded) {
      proxyRes.resume();
      return;
    }
    const status = proxyRes.statusCode ?? 502;
    const headers = plan.responseHead(status, proxyRes.headers);
    if (isHttp2(clientReq)) {
      for (const name of H2_FORBIDDEN) delete headers[name];
    } else if (proxyRes.statusMessage) {
      (clientRes as ServerResponse).statusMessage = proxyRes.statusMessage;
    }
    try {
      clientRes.writeHead(status, headers);
    } catch (error) {
      // An invalid header value from the upstream: answer as a bad gateway rather than crash.
      proxyRes.destroy();
      failWeb(plan, clientReq, clientRes, error as Error);
      return;
    }
    // The upstream died mid-body (or the client left, which failWeb tells apart).
    const cut = () => {
      if (!clientRes.writableEnded) failWeb(plan, clientReq, clientRes, Object.assign(new Error('upstream closed mid-response'), { code: 'ECONNRESET' }));
    };
    proxyRes.once('error', cut);
    proxyRes.once('close', () => {
      if (!proxyRes.complete) cut();
    });
    proxyRes.pipe(clientRes as unknown as NodeJS.WritableStream);
  });

  // The 101 head goes through the passes too (RP-10: it keeps Upgrade and Connection only). This
  // listener runs before http-proxy-3's own 'upgrade' listener, which writes proxyRes.headers out.
  const upgradePlans = new WeakMap<object, UpgradeForward>();
  const upgraded = new WeakSet<object>();
  proxy.on('proxyReqWs', (proxyReq, req) => {
    proxyReq.once('upgrade', (proxyRes: IncomingMessage) => {
      upgraded.add(req);
      const plan = upgradePlans.get(req);
      if (!plan) return;
      proxyRes.headers = plan.responseHead(proxyRes.statusCode ?? 101, proxyRes.headers) as IncomingHttpHeaders;
      plan.onUpgraded?.();
    });
  });

  const failed = new WeakSet<object>();

  function failWeb(plan: WebForward, req: ClientRequest, res: ClientResponse, error: Error) {
    // The request and the upstream request can both report the same failure.
    if (failed.has(req)) return;
    failed.add(req);
    if (clientGone(req, res)) return;
    const kind = classify(error as NodeJS.ErrnoException);
    if (kind === 'refused' || kind === 'reset') options.resolver.forget(plan.upstream);
    const responseStarted = res.headersSent;
    if (responseStarted) abortClient(req, res);
    plan.onFailure({ kind, error, responseStarted });
  }

  return {
    web(req, res, plan) {
      options.resolver.resolve(plan.upstream).then(
        (resolved) => {
          webPlans.set(req, plan);
          const httpReq = req as unknown as IncomingMessage;
          const httpRes = res as unknown as ServerResponse;
          proxy.web(httpReq, httpRes, { target: resolved.target, agent: agentFor(resolved), headers: { host: plan.host } }, (error) => failWeb(plan, req, res, error));
        },
        (error: unknown) => failWeb(plan, req, res, error instanceof Error ? error : new Error(String(error))),
      );
    },

    upgrade(req, socket, head, plan) {
      const fail = (error: Error) => {
        if (failed.has(req)) return;
        failed.add(req);
        const kind = classify(error as NodeJS.ErrnoException);
        if (kind === 'refused' || kind === 'reset') options.resolver.forget(plan.upstream);
        plan.onFailure({ kind, error, responseStarted: upgraded.has(req) });
      };
      options.resolver.resolve(plan.upstream).then(
        (resolved) => {
          if (socket.destroyed) return;
          upgradePlans.set(req, plan);
          proxy.ws(req, socket, head, { target: resolved.target, headers: { host: plan.host } }, (error) => fail(error));
        },
        (error: unknown) => fail(error instanceof Error ? error : new Error(String(error))),
      );
    },

    close() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}
