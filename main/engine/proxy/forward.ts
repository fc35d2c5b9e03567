/**
 * Forwarding to a dev server, behind one interface (PRODUCT.md: keep the proxy library behind one
 * adapter). This is the only file that imports http-proxy-3, and it now carries websockets only:
 * plain requests go through web-forward.ts (Node's own client, and for GET/HEAD without a body
 * the lean client of http1-pool.ts), which costs a third of the CPU per request (bench/README.md). Request and response headers are decided by the passes before and
 * after this file; here they are only carried. For websockets `xfwd` is off (the forwarded pass
 * sets fresh values; http-proxy's `xfwd` appends to client ones, RP-5), `changeOrigin` is off and
 * Origin is never rewritten (the dev server's own Host/Origin checks stay meaningful, RP-6).
 *
 * Failures never crash the process (RP-11): http-proxy-3 throws from `onError` when nobody
 * listens, so a listener is always registered and every call passes its own callback; a
 * failure before the response head becomes a page, after it the client stream is destroyed.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { ProxyServer as WsProxy } from 'http-proxy-3';
import type { UpstreamResolver } from './upstream-address';
import { createWebForwarder, UpstreamTimeoutError } from './web-forward';

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
  /** The upstream request's headers, as the passes made them (Host included, no pseudo-headers). */
  headers: OutgoingHttpHeaders;
  /** Turns the upstream's response head into the client's; runs once, before anything is sent. */
  responseHead(status: number, headers: IncomingHttpHeaders): OutgoingHttpHeaders;
  /** The upstream failed (once per request); when `responseStarted` is false the caller answers. */
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

export function createForwarder(options: ForwarderOptions): Forwarder {
  const web = createWebForwarder({ resolver: options.resolver, upstreamResponseMs: options.upstreamResponseMs, classify });
  const upgradePlans = new WeakMap<object, UpgradeForward>();
  const upgraded = new WeakSet<object>();
  const failed = new WeakSet<object>();

  // Loaded on the first websocket, not at start-up: most sessions proxy none, and the library
  // (with its dependencies) adds to every start's time and memory.
  let wsProxy: Promise<WsProxy> | null = null;
  const loadWsProxy = (): Promise<WsProxy> =>
    (wsProxy ??= import('http-proxy-3').then(({ createProxyServer }) => {
      const proxy = createProxyServer({ xfwd: false, changeOrigin: false, followRedirects: false });
      // Without a listener http-proxy-3 rethrows errors it has no callback for (index.ts `onError`).
      proxy.on('error', () => {});
      // The 101 head goes through the passes too (RP-10: it keeps Upgrade and Connection only).
      // This listener runs before http-proxy-3's own 'upgrade' listener, which writes
      // proxyRes.headers out.
      proxy.on('proxyReqWs', (proxyReq, req) => {
        proxyReq.once('upgrade', (proxyRes: IncomingMessage) => {
          upgraded.add(req);
          const plan = upgradePlans.get(req);
          if (!plan) return;
          proxyRes.headers = plan.responseHead(proxyRes.statusCode ?? 101, proxyRes.headers) as IncomingHttpHeaders;
          plan.onUpgraded?.();
        });
      });
      return proxy;
    }));

  return {
    web: web.web,

    upgrade(req, socket, head, plan) {
      const fail = (error: Error) => {
        if (failed.has(req)) return;
        failed.add(req);
        const kind = classify(error as NodeJS.ErrnoException);
        if (kind === 'refused' || kind === 'reset') options.resolver.forget(plan.upstream);
        plan.onFailure({ kind, error, responseStarted: upgraded.has(req) });
      };
      Promise.all([options.resolver.resolve(plan.upstream), loadWsProxy()]).then(
        ([resolved, proxy]) => {
          if (socket.destroyed) return;
          upgradePlans.set(req, plan);
          proxy.ws(req, socket, head, { target: resolved.target, headers: { host: plan.host } }, (error) => fail(error));
        },
        (error: unknown) => fail(error instanceof Error ? error : new Error(String(error))),
      );
    },

    close() {
      web.close();
    },
  };
}
