/**
 * The request passes composed: what the upstream receives (ARCHITECTURE.md, "A request").
 */
import type { ForwardedInfo } from './forwarded';
import { setForwardedHeaders } from './forwarded';
import type { InboundHeaders, OutboundHeaders } from './headers';
import { requestHeadersForUpstream } from './hop-by-hop';

/**
 * The upstream request's headers, one walk over the client's and one object out: hop-by-hop and
 * pseudo-headers dropped (hop-by-hop.ts), the forwarding headers set fresh (forwarded.ts), and
 * `Host` set to `host` (see `hostHeaderFor`).
 */
export function upstreamRequestHeaders(incoming: InboundHeaders, info: ForwardedInfo, host: string): OutboundHeaders {
  const out = requestHeadersForUpstream(incoming);
  setForwardedHeaders(out, info);
  out.host = host;
  return out;
}

/**
 * The same rewrite applied to the request's own header object, for a forwarder that reads
 * `req.headers` (http-proxy-3 copies it: common.ts `setupOutgoing`). HTTP/2 pseudo-headers stay:
 * Node's h2 compatibility request reads `:path` and `:method` back from this object for
 * `req.url`/`req.method`, its `headers` cannot be replaced, and http-proxy-3 drops them from the
 * upstream request itself. Every other header ends as `upstreamRequestHeaders` would make it.
 */
export function rewriteRequestHeadersInPlace(headers: Record<string, string | string[] | number | undefined>, info: ForwardedInfo, host: string): void {
  const rewritten = requestHeadersForUpstream(headers);
  for (const name in headers) {
    if (name.charCodeAt(0) !== 58 && !(name in rewritten)) delete headers[name];
  }
  Object.assign(headers, rewritten);
  setForwardedHeaders(headers as OutboundHeaders, info);
  headers.host = host;
}
