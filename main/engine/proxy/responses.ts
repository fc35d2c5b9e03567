/**
 * Answers the proxy writes itself — pages, redirects, refusals — on an HTTP/1.1 response, an
 * HTTP/2 stream, or a raw socket (an upgrade or CONNECT request, which has no response object).
 */
import { STATUS_CODES, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ClientRequest, ClientResponse } from './forward';

/** A complete response: what pages.ts renders and what redirects are. */
export interface LocalResponse {
  status: number;
  headers: OutgoingHttpHeaders;
  body: string | Buffer;
}

/** Connection-level headers HTTP/2 forbids (RFC 9113 §8.2.2); Node throws on them. */
const H2_FORBIDDEN = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/**
 * True when the client asked for JSON over HTML (`fetch` from a dev tool, `curl -H 'Accept:
 * application/json'`): JSON listed, and listed before any HTML type.
 */
export function prefersJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const lower = accept.toLowerCase();
  const json = lower.search(/application\/(?:[\w.+-]*\+)?json/);
  if (json === -1) return false;
  const html = lower.search(/text\/html|application\/xhtml\+xml/);
  return html === -1 || json < html;
}

/**
 * Sends `response` unless the client is gone or a head was already sent. `close` asks an
 * HTTP/1.1 client to drop the connection (RP-4: a 421 comes with `Connection: close`).
 */
export function sendLocal(req: ClientRequest, res: ClientResponse, response: LocalResponse, options: { close?: boolean } = {}): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const body = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
  const headers: OutgoingHttpHeaders = { ...response.headers, 'content-length': body.length };
  const http2 = req.httpVersionMajor >= 2;
  if (http2) {
    for (const name of Object.keys(headers)) if (H2_FORBIDDEN.has(name.toLowerCase())) delete headers[name];
  } else if (options.close) {
    headers.connection = 'close';
    (res as ServerResponse).shouldKeepAlive = false;
  }
  res.writeHead(response.status, headers);
  if (req.method === 'HEAD') res.end();
  else res.end(body);
}

function headerLines(headers: OutgoingHttpHeaders): string {
  let lines = '';
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) lines += `${name}: ${String(item)}\r\n`;
  }
  return lines;
}

/**
 * Writes `response` on a raw socket and closes it: the path for upgrade and CONNECT requests,
 * which Node hands over without a response object.
 */
export function writeRaw(socket: Duplex, response: LocalResponse): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
  const head = `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? 'Unknown'}\r\n${headerLines({ ...response.headers, 'content-length': body.length, connection: 'close' })}\r\n`;
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  // Give the bytes a moment to leave, then make sure the socket goes even if the peer lingers.
  socket.once('finish', () => socket.destroy());
}

/**
 * Answers an HTTP/1.1 parse failure ('clientError'). Node's own answer writes and destroys the
 * socket at once, which over TLS drops the bytes before they are encrypted and sent; ending the
 * socket lets the 431/400/408 reach the client. Only parser errors (`HPE_*`, request timeout) get
 * an answer: TLS failures reach the same event on the HTTP/2 server and only close.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const code = error.code ?? '';
  const started = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (started || !(code.startsWith('HPE_') || code === 'ERR_HTTP_REQUEST_TIMEOUT')) {
    socket.destroy();
    return;
  }
  const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  writeRaw(socket, { status, headers: { 'cache-control': 'no-store' }, body: '' });
}
