/**
 * The client's side of a forwarded request, shared by both upstream clients (web-forward.ts with
 * Node's client, lean-forward.ts with the lean pool): writing the response head, telling a
 * departed client from a failing upstream, and reporting a failure once.
 */
import type { ServerResponse } from 'node:http';
import { constants as h2constants, type Http2ServerRequest, type Http2ServerResponse, type OutgoingHttpHeaders } from 'node:http2';
import type { ClientRequest, ClientResponse, UpstreamFailureKind, WebForward } from './forward';
import type { UpstreamResolver } from './upstream-address';

/**
 * Headers HTTP/2 forbids in a response (RFC 9113 §8.2.2); Node throws
 * ERR_HTTP2_INVALID_CONNECTION_HEADERS on them. The hop-by-hop pass removes them already; this is
 * the last guard, because a throw here would be a crash.
 */
const H2_FORBIDDEN = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'http2-settings', 'te'];

export function isHttp2(req: ClientRequest): req is Http2ServerRequest {
  return req.httpVersionMajor >= 2;
}

/** The client went away (its abort then surfaces as an upstream error, which it is not). */
export function clientGone(req: ClientRequest, res: ClientResponse): boolean {
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

/**
 * Sends the response head the passes made. Returns the error instead of throwing when Node
 * refuses a header value the upstream sent, so the caller answers 502 rather than crash.
 */
export function writeClientHead(req: ClientRequest, res: ClientResponse, status: number, statusMessage: string | undefined, headers: OutgoingHttpHeaders): Error | undefined {
  if (isHttp2(req)) {
    for (const name of H2_FORBIDDEN) delete headers[name];
  } else if (statusMessage) {
    (res as ServerResponse).statusMessage = statusMessage;
  }
  try {
    res.writeHead(status, headers);
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

/** Writes a part of the body; when the client cannot take more, pauses the upstream until it drains. */
export function writeClientBody(res: ClientResponse, chunk: Buffer, pause: () => void, resume: () => void): void {
  if (!(res as ServerResponse).write(chunk)) {
    pause();
    res.once('drain', resume);
  }
}

export interface FailureReporting {
  resolver: UpstreamResolver;
  classify(error: NodeJS.ErrnoException): UpstreamFailureKind;
}

/**
 * Reports an upstream failure to the plan (once per request is the caller's part): nothing when
 * the client already left; the cached address forgotten when the dev server refused or reset;
 * a response already under way cut rather than passed off as complete.
 */
export function reportUpstreamFailure(req: ClientRequest, res: ClientResponse, plan: WebForward, error: Error, reporting: FailureReporting): void {
  if (clientGone(req, res)) return;
  const kind = reporting.classify(error as NodeJS.ErrnoException);
  if (kind === 'refused' || kind === 'reset') reporting.resolver.forget(plan.upstream);
  const responseStarted = res.headersSent;
  if (responseStarted) abortClient(req, res);
  plan.onFailure({ kind, error, responseStarted });
}
