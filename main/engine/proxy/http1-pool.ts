/**
 * A lean HTTP/1.1 client for the request path's common case: a request without a body (GET,
 * HEAD) to a plain-HTTP dev server. Keep-alive sockets, one request at a time on each, the
 * response parsed by Node's own llhttp (http1-parser.ts). It does what Node's `http.request` with
 * a keep-alive agent does for such a request, without the per-request objects and listeners that
 * made the client side most of the proxy's CPU per request (bench/README.md, "Optimisations").
 * Requests with a body, and HTTPS upstreams, keep using Node's client (web-forward.ts).
 *
 * Semantics kept from that path: LIFO reuse of the warmest socket; idle sockets closed after
 * `idleMs` (before a Node dev server's 5 s keep-alive timeout); the head must arrive within
 * `headTimeoutMs` while a body may stream for as long as it likes; a socket is reused only when
 * the response said so (llhttp's keep-alive verdict) and ended cleanly; anything the upstream
 * sends that no request asked for closes the socket.
 */
import { connect, type Socket } from 'node:net';
import { PARSE_BODY, SKIP_BODY, type HeadersCompleteCallback, type NodeResponseParser, type NodeResponseParserClass } from './http1-parser';

/** Receives one response. Every method is called at most once, except `body`. */
export interface ResponseSink {
  /** The final response head (1xx heads are skipped). `rawHeaders` alternates names and values as received. */
  head(status: number, statusMessage: string, rawHeaders: readonly string[]): void;
  /** A part of the body; the last part comes with `end` instead, so a short body can leave in one write. */
  body(chunk: Buffer): void;
  end(lastChunk: Buffer | undefined): void;
  /**
   * The exchange failed. `replayable`: nothing of a response arrived on a socket that had served
   * an earlier request, the error of an idle socket the dev server closed (safe to send again).
   */
  fail(error: Error, replayable: boolean): void;
}

/** What the caller holds while a request is in flight. */
export interface PendingExchange {
  /** Stops reading the upstream (the client cannot take more yet). */
  pause(): void;
  resume(): void;
  /** The client left: the socket is closed, never reused mid-response. */
  abort(): void;
}

export interface Http1PoolOptions {
  host: string;
  port: number;
  parser: NodeResponseParserClass;
  idleMs: number;
  headTimeoutMs: number;
  /** Sockets in use at once; further requests wait for one. */
  maxSockets: number;
  /** Idle sockets kept; more are closed. */
  maxIdle: number;
  /** Errors raised when the head does not come in time. */
  timeoutError(ms: number): Error;
}

/** llhttp's limit when the caller gives 0: Node's default `maxHeaderSize`, 16 KiB. */
const DEFAULT_MAX_HEADER_SIZE = 0;

interface Exchange extends PendingExchange {
  readonly head: string;
  readonly fresh: boolean;
  readonly method: string;
  readonly sink: ResponseSink;
  connection: Connection | null;
  /** The head of a 1xx arrived: its (empty) message end is not the response's. */
  informational: boolean;
  responseBegun: boolean;
  settled: boolean;
  keepAlive: boolean;
  /** Body bytes held until the next part or the end (see ResponseSink.body). */
  held: Buffer | undefined;
}

interface Connection {
  readonly socket: Socket;
  readonly parser: NodeResponseParser;
  exchange: Exchange | null;
  /** Served a request before: its failure before any response byte means the dev server closed it idle. */
  served: boolean;
  /** Header lines llhttp handed over early (a head larger than one read), joined at the end of the head. */
  partialHeaders: string[];
  dead: boolean;
}

export interface RequestOptions {
  /** On a new socket, never an idle one: the retry after a stale socket must not meet another. */
  fresh?: boolean;
}

export interface Http1Pool {
  request(method: string, head: string, sink: ResponseSink, requestOptions?: RequestOptions): PendingExchange;
  close(): void;
}

const shuttingDown = () => Object.assign(new Error('the proxy is shutting down'), { code: 'ECONNRESET' });

export function createHttp1Pool(options: Http1PoolOptions): Http1Pool {
  const idle: Connection[] = [];
  const waiting: Exchange[] = [];
  let inUse = 0;
  let closed = false;

  function open(): Connection {
    const socket = connect({ host: options.host, port: options.port, noDelay: true });
    const parser = new options.parser();
    parser.initialize(options.parser.RESPONSE, {}, DEFAULT_MAX_HEADER_SIZE, options.parser.kLenientNone);
    const connection: Connection = { socket, parser, exchange: null, served: false, partialHeaders: [], dead: false };

    parser[options.parser.kOnMessageBegin] = () => {
      // Trailers of the previous response reach kOnHeaders too (Node flushes them at its end):
      // never let them open the next response's head.
      connection.partialHeaders = [];
      const exchange = connection.exchange;
      // A response nobody asked for (a second answer to one request): the socket's stream is no
      // longer ours to interpret.
      if (!exchange || exchange.settled) kill(connection, new Error('the dev server sent a response no request asked for'));
      else exchange.responseBegun = true;
      return 0;
    };
    parser[options.parser.kOnHeaders] = (headers: string[]) => {
      connection.partialHeaders.push(...headers);
    };
    const onHeadersComplete: HeadersCompleteCallback = (_major, _minor, rawHeaders, _method, _url, statusCode, statusMessage, upgrade, shouldKeepAlive) => {
      const exchange = connection.exchange;
      const headers = rawHeaders ?? connection.partialHeaders;
      connection.partialHeaders = [];
      if (connection.dead || !exchange || exchange.settled) return SKIP_BODY;
      if (upgrade) {
        kill(connection, new Error(`the dev server switched protocols (${statusCode}) for a plain request`));
        return SKIP_BODY;
      }
      if (statusCode < 200) {
        exchange.informational = true;
        return SKIP_BODY;
      }
      exchange.keepAlive = shouldKeepAlive;
      // The head came: from here on the response may stream for as long as it likes.
      socket.setTimeout(0);
      exchange.sink.head(statusCode, statusMessage, headers);
      return exchange.method === 'HEAD' ? SKIP_BODY : PARSE_BODY;
    };
    parser[options.parser.kOnHeadersComplete] = onHeadersComplete;
    parser[options.parser.kOnBody] = (chunk: Buffer) => {
      const exchange = connection.exchange;
      if (connection.dead || !exchange || exchange.settled) return;
      if (exchange.held) exchange.sink.body(exchange.held);
      exchange.held = chunk;
    };
    parser[options.parser.kOnMessageComplete] = () => {
      const exchange = connection.exchange;
      if (connection.dead || !exchange || exchange.settled) return;
      if (exchange.informational) {
        exchange.informational = false;
        return;
      }
      exchange.settled = true;
      connection.exchange = null;
      connection.served = true;
      const last = exchange.held;
      exchange.held = undefined;
      // The socket goes back to the pool only after this read is fully parsed (onData), so bytes
      // after the response's end are judged as unsolicited rather than given to the next request.
      if (!exchange.keepAlive) kill(connection, null);
      exchange.sink.end(last);
    };

    socket.on('data', (data: Buffer) => {
      const result = parser.execute(data);
      if (result instanceof Error) {
        kill(connection, result);
        return;
      }
      const exchange = connection.exchange;
      if (exchange && exchange.held && !connection.dead) {
        // The read ended mid-body: pass the part on now rather than wait for the next read.
        const part = exchange.held;
        exchange.held = undefined;
        exchange.sink.body(part);
      }
      if (!exchange && !connection.dead && inUseBy(connection)) release(connection);
    });
    socket.on('end', () => {
      // A close-delimited body ends here; any other response still open was cut, which Node's
      // client reports as a reset too.
      parser.finish();
      kill(connection, null);
    });
    socket.on('timeout', () => {
      const exchange = connection.exchange;
      // Never replayable: the dev server has the request and may still be working on it (a
      // slow first compile); Node's client path does not resend on a timeout either.
      kill(connection, exchange ? options.timeoutError(options.headTimeoutMs) : null, false);
    });
    socket.on('error', (error: Error) => kill(connection, error));
    socket.on('close', () => kill(connection, null));
    return connection;
  }

  /** Sockets handed out and not yet back: the ones counted in `inUse`. */
  const handedOut = new WeakSet<Connection>();
  const inUseBy = (connection: Connection) => handedOut.has(connection);

  /**
   * Closes a connection; fails its exchange, if one is still open, with `error` (or a reset).
   * `mayReplay` false: the failure is never the stale-socket kind, whatever else holds.
   */
  function kill(connection: Connection, error: Error | null, mayReplay = true): void {
    if (connection.dead) return;
    connection.dead = true;
    connection.socket.destroy();
    connection.parser.free();
    const at = idle.indexOf(connection);
    if (at >= 0) idle.splice(at, 1);
    if (handedOut.delete(connection)) {
      inUse -= 1;
      startWaiting();
    }
    const exchange = connection.exchange;
    connection.exchange = null;
    if (!exchange || exchange.settled) return;
    exchange.settled = true;
    const cause = error ?? Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    exchange.sink.fail(cause, mayReplay && connection.served && !exchange.responseBegun);
  }

  function release(connection: Connection): void {
    handedOut.delete(connection);
    inUse -= 1;
    if (closed || idle.length >= options.maxIdle) {
      kill(connection, null);
    } else {
      // The last response may have ended while its client was slow and had paused the socket.
      if (connection.socket.isPaused()) connection.socket.resume();
      connection.socket.setTimeout(options.idleMs);
      idle.push(connection);
    }
    startWaiting();
  }

  function start(exchange: Exchange): void {
    const connection = (!exchange.fresh && idle.pop()) || open();
    handedOut.add(connection);
    inUse += 1;
    connection.exchange = exchange;
    exchange.connection = connection;
    connection.socket.setTimeout(options.headTimeoutMs);
    connection.socket.write(exchange.head, 'latin1');
  }

  function startWaiting(): void {
    while (!closed && inUse < options.maxSockets && waiting.length > 0) {
      const next = waiting.shift() as Exchange;
      if (!next.settled) start(next);
    }
  }

  return {
    request(method, head, sink, requestOptions = {}) {
      const exchange: Exchange = {
        head,
        fresh: requestOptions.fresh === true,
        method,
        sink,
        connection: null,
        informational: false,
        responseBegun: false,
        settled: false,
        keepAlive: false,
        held: undefined,
        // Only while the response lasts: after it the socket may already serve another request.
        pause: () => {
          if (!exchange.settled) exchange.connection?.socket.pause();
        },
        resume: () => {
          if (!exchange.settled) exchange.connection?.socket.resume();
        },
        abort: () => {
          if (exchange.settled) return;
          exchange.settled = true;
          if (exchange.connection) kill(exchange.connection, null);
        },
      };
      if (closed) {
        exchange.settled = true;
        sink.fail(shuttingDown(), false);
      } else if (inUse < options.maxSockets) {
        start(exchange);
      } else {
        waiting.push(exchange);
      }
      return exchange;
    },
    close() {
      closed = true;
      for (const connection of [...idle]) kill(connection, null);
      // Failed rather than aborted: no socket will ever start them, and their clients wait for an answer.
      for (const exchange of waiting.splice(0)) {
        if (exchange.settled) continue;
        exchange.settled = true;
        exchange.sink.fail(shuttingDown(), false);
      }
    },
  };
}
