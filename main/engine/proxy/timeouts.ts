/**
 * Parser limits and timeouts of the proxy listeners (security-requirements.md RP-8, TLS-8).
 * Every one of them bounds a phase that has an end — a handshake, a request head, a request body,
 * the gap between keep-alive requests, the wait for an upstream's response head — and none runs
 * while a response streams: SSE and dev-server HMR stay open for hours. Websockets leave the HTTP
 * parser on upgrade (Node stops tracking the connection) and their sockets get no idle timeout.
 */
import type { Server as HttpServer } from 'node:http';
import type { Http2SecureServer, ServerHttp2Session } from 'node:http2';

export interface ProxyTimeouts {
  /** A TLS handshake must finish within this (Node's default is 120 s; TLS-8 asks 10–30 s). */
  handshakeMs: number;
  /** A fresh connection must send its first byte within this. */
  firstByteMs: number;
  /** The request head must arrive within this (≤ 30 s, RP-8; slowloris). */
  headersMs: number;
  /** The whole request, body included, must arrive within this (uploads). */
  requestMs: number;
  /** An idle HTTP/1.1 keep-alive connection is closed after this. */
  keepAliveMs: number;
  /** How often Node checks `headersMs`/`requestMs`; bounds how late a slow client is cut. */
  connectionsCheckingIntervalMs: number;
  /** An HTTP/2 session with no open stream is closed after this. */
  h2IdleSessionMs: number;
  /** The upstream must send its response head within this, else 504 (a cold dev-server compile can be slow). */
  upstreamResponseMs: number;
}

export const DEFAULT_TIMEOUTS: ProxyTimeouts = {
  handshakeMs: 10_000,
  firstByteMs: 30_000,
  headersMs: 30_000,
  requestMs: 300_000,
  keepAliveMs: 5_000,
  connectionsCheckingIntervalMs: 5_000,
  h2IdleSessionMs: 120_000,
  upstreamResponseMs: 120_000,
};

/** Node's default and RP-8's ceiling: a request head over 16 KiB gets 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * The HTTP/2 counterpart: SETTINGS_MAX_HEADER_LIST_SIZE counts each field's name and value plus
 * 32 bytes (RFC 9113 §6.5.2), so a head that fits HTTP/1.1's 16 KiB gets that much headroom.
 */
export const MAX_H2_HEADER_LIST_BYTES = MAX_HEADER_BYTES + 100 * 32;

/** Requests served on one HTTP/1.1 connection before it is closed (RP-8: bounded). */
export const MAX_REQUESTS_PER_SOCKET = 10_000;

/**
 * The HTTP/1.1 settings Node reads from the server object at connection time. The HTTP/2 server's
 * HTTP/1.1 fallback runs the same code (lib/_http_server.js `connectionListenerInternal`), so both
 * listeners take the same values.
 */
interface Http1Settings {
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  maxRequestsPerSocket: number;
  maxHeaderSize?: number;
  insecureHTTPParser?: boolean;
  requireHostHeader?: boolean;
  connectionsCheckingInterval?: number;
}

export function applyHttp1Limits(server: HttpServer | Http2SecureServer, timeouts: ProxyTimeouts): void {
  const settings = server as unknown as Http1Settings;
  settings.headersTimeout = timeouts.headersMs;
  settings.requestTimeout = timeouts.requestMs;
  settings.keepAliveTimeout = timeouts.keepAliveMs;
  settings.maxRequestsPerSocket = MAX_REQUESTS_PER_SOCKET;
  settings.maxHeaderSize = MAX_HEADER_BYTES;
  // Never the lenient parser: it is how request-smuggling vectors get through (RP-9).
  settings.insecureHTTPParser = false;
  settings.requireHostHeader = true;
  settings.connectionsCheckingInterval = timeouts.connectionsCheckingIntervalMs;
}

/**
 * Closes an HTTP/2 session after `idleMs` without any open stream. Node's own session timeout
 * (`server.timeout`) fires on socket silence even while a quiet SSE stream is open, so it stays
 * off and this watches stream counts instead.
 */
export function closeIdleH2Sessions(session: ServerHttp2Session, idleMs: number): void {
  let open = 0;
  const arm = () => session.setTimeout(idleMs, () => {
    if (open === 0 && !session.closed && !session.destroyed) session.close();
  });
  session.on('stream', (stream) => {
    open += 1;
    session.setTimeout(0);
    stream.once('close', () => {
      open -= 1;
      if (open === 0 && !session.closed && !session.destroyed) arm();
    });
  });
  arm();
}
