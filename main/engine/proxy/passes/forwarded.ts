/**
 * Forwarding headers are set by Portico and never trusted from a client (security-requirements.md
 * RP-5): whatever `Forwarded` / `X-Forwarded-*` a client sent is replaced, never appended to
 * (http-proxy's `xfwd` appends and keeps a client's X-Forwarded-Host, so it is not used). Apps
 * build absolute URLs and CSRF checks from these, so a forged value would let any local page
 * pose as another origin.
 */
import type { HostHeaderMode } from '../../../../shared/config';
import type { OutboundHeaders } from './headers';

/** What Portico knows about the client side of a request. */
export interface ForwardedInfo {
  /** The peer's address as the socket reports it (`127.0.0.1`, `::1`, `::ffff:127.0.0.1`); undefined once the socket is gone. */
  peerAddress: string | undefined;
  /** The scheme the client used on this listener. */
  proto: 'http' | 'https';
  /** The request's Host (or `:authority`) as the client sent it, port included. */
  host: string;
  /** The port of the listener the request came in on. */
  port: number;
}

/** The forwarding headers, exactly as the upstream will see them. */
export interface ForwardedHeaders {
  /** Absent when the peer is unknown: `unknown` is no address, and apps parse this one as an IP. */
  'x-forwarded-for'?: string;
  'x-forwarded-proto': string;
  'x-forwarded-host': string;
  'x-forwarded-port': string;
  forwarded: string;
}

/**
 * Every header name this pass owns; a client's values for them never reach an upstream.
 * `X-Real-IP` is nginx's single-address variant: apps trust it the same way, so a client's is
 * dropped too (Portico does not set it).
 */
export const FORWARDED_HEADER_NAMES: readonly string[] = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'forwarded', 'x-real-ip'];

const MAPPED_IPV4_PREFIX = '::ffff:';
/** RFC 9110 §5.6.2 tchar: the characters a Forwarded value may hold without quotes. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The peer address without the IPv4-mapped IPv6 prefix a dual-stack socket adds (`::ffff:127.0.0.1` → `127.0.0.1`). */
export function clientAddress(peerAddress: string | undefined): string | undefined {
  if (peerAddress === undefined || peerAddress === '') return undefined;
  if (peerAddress.startsWith(MAPPED_IPV4_PREFIX) && peerAddress.includes('.')) return peerAddress.slice(MAPPED_IPV4_PREFIX.length);
  return peerAddress;
}

/**
 * A `Forwarded` parameter value (RFC 7239 §4): a token as is, anything else as a quoted-string
 * with `"` and `\` escaped, e.g. `host="web.test:8443"`.
 */
export function forwardedValue(value: string): string {
  if (TOKEN.test(value)) return value;
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * The `for=` node of `Forwarded` (RFC 7239 §6): IPv6 in brackets and therefore quoted
 * (`for="[::1]"`), IPv4 bare, `unknown` when the peer is not known (§6.2).
 */
export function forwardedNode(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  return address.includes(':') ? `"[${address}]"` : forwardedValue(address);
}

/** The forwarding headers for one request: fresh values, nothing kept from the client. */
export function forwardedHeaders(info: ForwardedInfo): ForwardedHeaders {
  return setForwardedHeaders({}, info) as unknown as ForwardedHeaders;
}

/**
 * Writes the forwarding headers into `target`, a header object the caller just built for the
 * upstream request (no copy on the hot path). Any client value under these names is replaced
 * or removed.
 */
export function setForwardedHeaders(target: OutboundHeaders, info: ForwardedInfo): OutboundHeaders {
  const address = clientAddress(info.peerAddress);
  delete target['x-real-ip'];
  if (address === undefined) delete target['x-forwarded-for'];
  else target['x-forwarded-for'] = address;
  target['x-forwarded-proto'] = info.proto;
  target['x-forwarded-host'] = info.host;
  target['x-forwarded-port'] = String(info.port);
  target.forwarded = `for=${forwardedNode(address)};host=${forwardedValue(info.host)};proto=${info.proto}`;
  return target;
}

/**
 * The Host the upstream sees: the client's own (`preserve`, so the dev server's host checks keep
 * working: RP-6) or the upstream's `host:port` (`upstream`, for dev servers that refuse other
 * names). `upstreamHost` is precomputed per route with {@link upstreamHostHeader}.
 */
export function hostHeaderFor(mode: HostHeaderMode, requestHost: string, upstreamHost: string): string {
  return mode === 'upstream' ? upstreamHost : requestHost;
}

/** The Host header naming the upstream itself: `URL.host`, so a default port is left out (`localhost:5173`, `[::1]:3000`). */
export function upstreamHostHeader(upstream: string): string {
  return new URL(upstream).host;
}
