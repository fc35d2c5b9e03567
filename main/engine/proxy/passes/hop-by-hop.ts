/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are never forwarded:
 * `Connection` and every header it names, `Keep-Alive`, `Proxy-Connection`, `TE`,
 * `Transfer-Encoding`, `Upgrade`, `Proxy-Authenticate`, `Proxy-Authorization`, plus `Trailer`
 * (security-requirements.md RP-10; a request `Trailer` wedges http-proxy: node-http-proxy#1647).
 *
 * Normalizing both directions keeps each hop's connection management its own: a client's
 * `Connection: close` must not close the pooled upstream socket, and an upstream's
 * `Connection: close`/`Keep-Alive` must not reach an HTTP/2 client, where connection-specific
 * fields are malformed (RFC 9113 §8.2.2) and Node's h2 response throws on them.
 */
import type { InboundHeaders, OutboundHeaders } from './headers';
import { headerText, listTokens } from './headers';

const COLON = 58;

/** Never forwarded in either direction, whatever `Connection` says. */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'trailer',
]);

/**
 * Request fields a client cannot make disappear by naming them in `Connection`: the message
 * framing (without it Node's client would send the body unframed, a smuggling vector: RP-9) and
 * `Host`, which the proxy always sets itself.
 */
const REQUEST_PROTECTED: ReadonlySet<string> = new Set(['host', 'content-length', 'transfer-encoding']);

/** True for a WebSocket handshake (RFC 6455 §4.1): `Upgrade: websocket` with `Connection: upgrade`. */
export function isWebSocketUpgrade(headers: InboundHeaders): boolean {
  const upgrade = headers.upgrade;
  if (upgrade === undefined) return false;
  return listTokens(upgrade).includes('websocket') && listTokens(headers.connection).includes('upgrade');
}

/**
 * The headers of the HTTP/1.1 request to the upstream: hop-by-hop fields dropped, HTTP/2
 * pseudo-headers dropped with `:authority` carried over as `Host` (RFC 9113 §8.3.1). Kept:
 * `TE: trailers` (the one TE value HTTP/2 allows, RFC 9113 §8.2.2), `Transfer-Encoding` (Node's
 * http client re-frames the body from it, RFC 9112 §6.1), and `Upgrade`/`Connection: Upgrade`
 * on a WebSocket handshake.
 */
export function requestHeadersForUpstream(headers: InboundHeaders): OutboundHeaders {
  const named = headers.connection === undefined ? undefined : listTokens(headers.connection);
  const websocket = isWebSocketUpgrade(headers);
  const out: OutboundHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (name.charCodeAt(0) === COLON) continue;
    if (named !== undefined && named.includes(name) && !REQUEST_PROTECTED.has(name)) continue;
    if (HOP_BY_HOP.has(name) && name !== 'transfer-encoding') continue;
    out[name] = value;
  }
  const authority = headers[':authority'];
  if (typeof authority === 'string' && authority !== '') out.host = authority;
  if (listTokens(headers.te).includes('trailers')) out.te = 'trailers';
  if (websocket) {
    out.connection = 'Upgrade';
    out.upgrade = headerText(headers.upgrade) as string;
  }
  return out;
}

/**
 * The upstream's response headers as the client may see them: hop-by-hop fields dropped
 * (Node's server re-frames the body; HTTP/2 forbids them). A `101 Switching Protocols` answer
 * (`upgrade: true`) keeps `Upgrade` and `Connection: Upgrade`, which complete the handshake.
 * `Trailer` is dropped because the proxy does not forward trailers, and Node's HTTP/1.1 server
 * refuses a `Trailer` field on a body it does not chunk.
 */
export function responseHeadersForClient(headers: InboundHeaders, upgrade = false): OutboundHeaders {
  const named = headers.connection === undefined ? undefined : listTokens(headers.connection);
  const out: OutboundHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (name.charCodeAt(0) === COLON) continue;
    if (HOP_BY_HOP.has(name)) continue;
    if (named !== undefined && named.includes(name)) continue;
    out[name] = value;
  }
  if (upgrade && headers.upgrade !== undefined) {
    out.connection = 'Upgrade';
    out.upgrade = headerText(headers.upgrade) as string;
  }
  return out;
}
