/**
 * The seam between the request flow and the header passes (passes/): what the upstream receives
 * and what the client gets back, for one request on one route. The flow depends on this interface
 * only, so the passes stay pure and table-tested on their own.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Scheme } from './decision';
import type { LocalResponse } from './responses';
import type { Route } from './router';

/** Everything the passes may consult about one request. */
export interface ExchangeContext {
  route: Route;
  /** The client connection's scheme (TLS on either port is `https`). */
  scheme: Scheme;
  /** The Host (or `:authority`) the client sent. */
  host: string;
  /** The client's address, as the socket reports it (never a header). */
  clientAddress: string;
  /** The port of the listener the client connected to. */
  listenerPort: number;
  /** The listeners' ports, for redirects between them. */
  ports: { https: number; http: number };
  /** Now, in ms since the epoch (HSTS reset windows). */
  now: number;
}

/** The response head after the passes, and what they did (for the per-project counters). */
export interface ResponseHead {
  headers: OutgoingHttpHeaders;
  cookiesRewritten: number;
}

export interface Exchange {
  /**
   * Rewrites the client's request headers, in place, into the upstream's (hop-by-hop removed,
   * forwarded headers replaced, Host per the project's policy); returns the Host to send.
   */
  prepareRequest(headers: IncomingHttpHeaders, context: ExchangeContext): string;
  /**
   * The same rewrite as a fresh object, the client's headers untouched: what a forwarder that
   * takes its own header object (web-forward.ts) sends. No pseudo-headers; Host included.
   */
  upstreamHeaders(headers: IncomingHttpHeaders, context: ExchangeContext): OutgoingHttpHeaders;
  /** The client's response head from the upstream's: HSTS, cookies, Location, hop-by-hop. */
  prepareResponse(status: number, headers: IncomingHttpHeaders, context: ExchangeContext): ResponseHead;
  /** The redirect that moves a request to `to` (307, `no-store`; `max-age=0` when leaving HTTPS). */
  redirect(to: Scheme, target: string, context: ExchangeContext): LocalResponse;
}
