/**
 * The response passes composed: what the client gets from the upstream's response head
 * (ARCHITECTURE.md, "A request": HSTS, cookies, Location, hop-by-hop). Per-route work (parsing
 * the upstream URL, the HSTS reset date) happens once in `responsePlanFor`; a response then costs
 * one walk over its headers.
 */
import type { HstsPolicy } from '../../../../shared/config';
import type { CookiePolicy } from './cookies';
import { cookiePolicyFor, rewriteSetCookies } from './cookies';
import type { InboundHeaders, OutboundHeaders } from './headers';
import { responseHeadersForClient } from './hop-by-hop';
import type { HstsPlan } from './hsts';
import { hstsHeaderAt, hstsPlan } from './hsts';
import { ownOriginPattern, rewriteLocation } from './location';

/** A route's response settings, built when the route table is built. */
export interface ResponsePlan {
  readonly hsts: HstsPlan;
  readonly cookies: CookiePolicy;
  readonly ownOrigin: RegExp;
}

/** The project fields the response passes read (a config `Project` or the proxy's route). */
export interface ResponseSettings {
  upstream: string;
  hsts: HstsPolicy;
  /** ISO 8601 (config) or epoch ms (already parsed). */
  hstsResetUntil?: string | number | undefined;
  secureCookies: boolean;
}

export function responsePlanFor(settings: ResponseSettings): ResponsePlan {
  return {
    hsts: hstsPlan(settings.hsts, settings.hstsResetUntil),
    cookies: cookiePolicyFor(settings.upstream, settings.secureCookies),
    ownOrigin: ownOriginPattern(settings.upstream),
  };
}

/** The one request's side of the response passes. */
export interface ResponseContext {
  /** The client connection is TLS: HSTS and cookie rewriting apply only then (RFC 6797 §7.2). */
  secure: boolean;
  /** The project's origin as this client sees it (`publicOrigin`), for Location rewriting. */
  origin: string;
  /** A 101 answer to a WebSocket handshake: Upgrade/Connection survive. */
  upgrade: boolean;
  nowMs: number;
}

export interface ClientResponseHead {
  headers: OutboundHeaders;
  /** How many Set-Cookie values were rewritten (the per-project counter). */
  cookiesChanged: number;
}

/** The client's response headers from the upstream's. */
export function clientResponseHeaders(upstream: InboundHeaders, plan: ResponsePlan, context: ResponseContext): ClientResponseHead {
  const headers = responseHeadersForClient(upstream, context.upgrade);
  // The project's policy replaces the upstream's own HSTS (HSTS-4), and none goes over HTTP (HSTS-1).
  delete headers['strict-transport-security'];
  let cookiesChanged = 0;
  if (context.secure) {
    const hsts = hstsHeaderAt(plan.hsts, context.nowMs);
    if (hsts !== null) headers['strict-transport-security'] = hsts;
    const setCookie = headers['set-cookie'];
    if (setCookie !== undefined && typeof setCookie !== 'number') {
      const rewritten = rewriteSetCookies(setCookie, plan.cookies);
      headers['set-cookie'] = rewritten.cookies;
      cookiesChanged = rewritten.changed;
    }
  }
  const location = headers.location;
  if (typeof location === 'string') headers.location = rewriteLocation(location, plan.ownOrigin, context.origin);
  return { headers, cookiesChanged };
}
