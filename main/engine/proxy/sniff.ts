/**
 * Both proxy ports speak TLS and plain HTTP: each connection is routed by its first byte. 0x16 is
 * a TLS handshake record (RFC 8446 §5.1, ContentType.handshake = 22); an HTTP/1.x request starts
 * with a method token, so the two never collide. HSTS pins every port of a host (RFC 6797 §8.3),
 * so a browser may speak TLS to the HTTP port; and plain HTTP to the HTTPS port gets an HTTP
 * answer instead of a TLS alert.
 *
 * The byte is read and put back with `unshift`: Node's TLSSocket replays data buffered on the
 * wrapped socket before reading from the handle (lib/_tls_wrap.js `initRead`), and the HTTP parser
 * reads the buffered chunk through the socket's 'data' event.
 */
import { createServer, type Server, type Socket } from 'node:net';

export const TLS_HANDSHAKE_RECORD = 0x16;

export interface SniffHandlers {
  /** Receives a socket whose first byte is a TLS handshake record, the byte still unread. */
  tls(socket: Socket): void;
  /** Receives every other socket, its first bytes still unread. */
  plain(socket: Socket): void;
  /** A socket that sent nothing before `idleMs`, or failed before sending. */
  dropped?(socket: Socket, reason: 'idle' | 'error' | 'closed'): void;
}

export interface SniffOptions {
  /** How long a fresh connection may stay silent before it is closed. */
  idleMs: number;
}

/** Waits for the first byte of `socket` and hands the socket, byte put back, to one handler. */
export function sniffConnection(socket: Socket, handlers: SniffHandlers, options: SniffOptions): void {
  let settled = false;
  const drop = (reason: 'idle' | 'error' | 'closed') => {
    if (settled) return;
    settled = true;
    cleanup();
    socket.destroy();
    handlers.dropped?.(socket, reason);
  };
  const onError = () => drop('error');
  const onEnd = () => drop('closed');
  const onTimeout = () => drop('idle');
  const onReadable = () => {
    if (settled) return;
    const first = socket.read(1) as Buffer | null;
    if (first === null) return; // 'readable' also fires at end-of-stream; 'end' handles that.
    settled = true;
    cleanup();
    socket.unshift(first);
    // Removing the 'readable' listener settles the stream's state on the next tick (Node's
    // `updateReadableListening`); until then a new 'readable' listener would never fire for the
    // buffered bytes. Handing over after it gives the server a socket as fresh as a new one.
    process.nextTick(() => {
      if (socket.destroyed) handlers.dropped?.(socket, 'closed');
      else if (first[0] === TLS_HANDSHAKE_RECORD) handlers.tls(socket);
      else handlers.plain(socket);
    });
  };
  function cleanup() {
    socket.removeListener('readable', onReadable);
    socket.removeListener('end', onEnd);
    socket.removeListener('timeout', onTimeout);
    socket.setTimeout(0);
    // The error listener stays until a server takes the socket: a reset between here and the
    // next tick must not become an uncaught 'error' event. Servers add their own.
    socket.removeListener('error', onError);
    socket.on('error', swallow);
  }
  socket.on('error', onError);
  socket.once('end', onEnd);
  socket.setTimeout(options.idleMs, onTimeout);
  socket.on('readable', onReadable);
}

function swallow(): void {
  // Errors on a socket that a TLS or HTTP server now owns are that server's to report
  // ('tlsClientError', 'clientError'); this listener only keeps them from being uncaught.
}

/** A TCP server that routes each connection by its first byte (see `sniffConnection`). */
export function createSniffingServer(handlers: SniffHandlers, options: SniffOptions): Server {
  // pauseOnConnect: nothing is consumed by a 'data' listener before the byte is peeked.
  // noDelay: this server accepts the sockets, so the TLS and HTTP servers it hands them to never
  // apply their own TCP_NODELAY (http.Server's default). With Nagle on, a small write that
  // follows another unacknowledged one (a response after TLS 1.3's session tickets, the second
  // frame of an HTTP/2 burst) waits for the client's delayed ACK, up to 40 ms on Linux.
  return createServer({ pauseOnConnect: true, allowHalfOpen: false, noDelay: true }, (socket) => sniffConnection(socket, handlers, options));
}
