/**
 * What the proxy does with a request, decided from its head alone and before any upstream is
 * touched (security-requirements.md RP-2, RP-4, RP-14). Pure: the server gathers the facts, this
 * picks the outcome, and a table test covers every branch.
 */
import type { Route, RouteTable } from './router';

/** The listener's view of the connection a request came on. */
export type Scheme = 'https' | 'http';

export interface RequestFacts {
  /** `https` when the connection is TLS (on either port), `http` otherwise. */
  scheme: Scheme;
  method: string;
  /** The request target as sent: `req.url` (HTTP/1.1) or `:path` (HTTP/2). */
  target: string;
  /** `Host` (HTTP/1.1) or `:authority` (HTTP/2), as sent. */
  host: string | undefined;
  /** On TLS, the SNI name of the connection; undefined over plain HTTP or when none was sent. */
  servername?: string;
  /** How many Host header lines the request carried (HTTP/1.1); more than one is refused. */
  hostLines?: number;
}

export type Decision =
  /** Malformed for a reverse proxy: absolute-form or asterisk target, no Host (RP-2). */
  | { kind: 'bad-request'; reason: 'absolute-form' | 'missing-host' | 'duplicate-host' }
  /** CONNECT: this is not a forward proxy (RP-2). */
  | { kind: 'method-not-allowed' }
  /** No project serves this host, or its project is disabled: the local 404 page. */
  | { kind: 'unknown-host'; host: string; route: Route | null }
  /** A managed host on a TLS connection whose certificate is another project's (RP-4). */
  | { kind: 'misdirected'; route: Route }
  /** Plain HTTP for a project with HTTPS on: 307 to https (RP-14). */
  | { kind: 'redirect-to-https'; route: Route }
  /** HTTPS for a project with HTTPS off: 307 to http, and `max-age=0` so browsers drop a pin. */
  | { kind: 'redirect-to-http'; route: Route }
  /** Proxy it. */
  | { kind: 'forward'; route: Route };

/**
 * A reverse proxy takes origin-form targets only (RFC 9112 §3.2.1). Absolute-form is what a
 * client sends to a forward proxy; accepting it makes an open proxy. `OPTIONS *` is refused too:
 * no dev server needs it.
 */
function isOriginForm(target: string): boolean {
  return target.startsWith('/');
}

export function decide(facts: RequestFacts, table: RouteTable): Decision {
  if (facts.method === 'CONNECT') return { kind: 'method-not-allowed' };
  if (!isOriginForm(facts.target)) return { kind: 'bad-request', reason: 'absolute-form' };
  if (facts.host === undefined || facts.host.trim() === '') return { kind: 'bad-request', reason: 'missing-host' };
  // RFC 9112 §3.2: a request with more than one Host line MUST get 400. Node keeps the first
  // and drops the rest, so two components could disagree on which project it is for.
  if ((facts.hostLines ?? 1) > 1) return { kind: 'bad-request', reason: 'duplicate-host' };

  const route = table.match(facts.host);
  if (route === null) return { kind: 'unknown-host', host: facts.host, route: null };

  if (facts.scheme === 'https') {
    // The certificate on this connection is the SNI project's: its SANs are that project's
    // domains, so a Host of any other project is not covered (browsers coalesce HTTP/2
    // connections; 421 makes them open a fresh one, RFC 9110 §15.5.20).
    const sniRoute = facts.servername === undefined ? null : table.match(facts.servername);
    if (sniRoute === null || sniRoute.project !== route.project) return { kind: 'misdirected', route };
  }

  if (!route.enabled) return { kind: 'unknown-host', host: facts.host, route };
  if (facts.scheme === 'http' && route.https) return { kind: 'redirect-to-https', route };
  if (facts.scheme === 'https' && !route.https) return { kind: 'redirect-to-http', route };
  return { kind: 'forward', route };
}
