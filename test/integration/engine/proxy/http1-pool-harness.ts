/**
 * Shared by the lean pool's tests (http1-pool*.test.ts): real upstreams on 127.0.0.1:0 (raw TCP
 * where the bytes must be exact, Node's server elsewhere) and a sink that records every call.
 */
import { EventEmitter, once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { nodeResponseParser, type NodeResponseParserClass } from '../../../../main/engine/proxy/http1-parser';
import { createHttp1Pool, type Http1Pool, type Http1PoolOptions, type PendingExchange, type RequestOptions } from '../../../../main/engine/proxy/http1-pool';
import { requestHead } from '../../../../main/engine/proxy/raw-headers';

export const parser = nodeResponseParser() as NodeResponseParserClass;

export class PoolTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

const cleanups: Array<() => unknown> = [];

/** Closes what the test opened, last first; each test file runs it in `afterEach`. */
export async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

export function pool(port: number, overrides: Partial<Http1PoolOptions> = {}): Http1Pool {
  const created = createHttp1Pool({
    host: '127.0.0.1',
    port,
    parser,
    idleMs: 10_000,
    headTimeoutMs: 10_000,
    maxSockets: 16,
    maxIdle: 16,
    timeoutError: (ms) => new PoolTimeoutError(`no response within ${ms} ms`),
    ...overrides,
  });
  cleanups.push(() => created.close());
  return created;
}

export interface UpstreamConnection {
  readonly index: number;
  readonly socket: Socket;
  readonly requests: string[];
  readonly closed: Promise<void>;
}

/** A raw TCP dev server: `answer` sees each request head (the pool's requests carry no body) and writes what the test needs. */
export async function rawUpstream(answer: (connection: UpstreamConnection, head: string) => void) {
  const connections: UpstreamConnection[] = [];
  const events = new EventEmitter();
  const server: TcpServer = createTcpServer((socket) => {
    const connection: UpstreamConnection = { index: connections.length, socket, requests: [], closed: once(socket, 'close').then(() => undefined) };
    connections.push(connection);
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end + 4);
        buffered = buffered.slice(end + 4);
        connection.requests.push(head);
        answer(connection, head);
        events.emit('request', connection, head);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    for (const connection of connections) connection.socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const nextRequest = () => once(events, 'request') as Promise<[UpstreamConnection, string]>;
  return { port: (server.address() as AddressInfo).port, connections, nextRequest };
}

/** A Node dev server; counts its connections and sees each one's close. */
export async function nodeUpstream(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const sockets: Socket[] = [];
  const server: HttpServer = createHttpServer(handler);
  server.on('connection', (socket: Socket) => sockets.push(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { port: (server.address() as AddressInfo).port, sockets };
}

export interface Outcome {
  calls: string[];
  status?: number;
  statusMessage?: string;
  rawHeaders?: readonly string[];
  parts: Buffer[];
  last?: Buffer;
  error?: Error & { code?: string };
  replayable?: boolean;
}

export interface Hooks {
  head?(exchange: PendingExchange): void;
  body?(chunk: Buffer, exchange: PendingExchange): void;
}

/** Sends one request and records every sink call; `done` settles on `end` or `fail`. */
export function send(target: Http1Pool, method: string, path: string, requestOptions?: RequestOptions, hooks: Hooks = {}) {
  const head = requestHead(method, path, { host: 'upstream.test' }) as string;
  const outcome: Outcome = { calls: [], parts: [] };
  let exchange: PendingExchange | undefined;
  const done = new Promise<Outcome>((resolve) => {
    exchange = target.request(
      method,
      head,
      {
        head(status, statusMessage, rawHeaders) {
          outcome.calls.push('head');
          Object.assign(outcome, { status, statusMessage, rawHeaders });
          hooks.head?.(exchange as PendingExchange);
        },
        body(chunk) {
          outcome.calls.push('body');
          outcome.parts.push(chunk);
          hooks.body?.(chunk, exchange as PendingExchange);
        },
        end(lastChunk) {
          outcome.calls.push('end');
          outcome.last = lastChunk;
          resolve(outcome);
        },
        fail(error, replayable) {
          outcome.calls.push('fail');
          Object.assign(outcome, { error, replayable });
          resolve(outcome);
        },
      },
      requestOptions,
    );
  });
  return { exchange: exchange as PendingExchange, outcome, done };
}

export const bodyOf = (outcome: Outcome) => Buffer.concat([...outcome.parts, ...(outcome.last ? [outcome.last] : [])]).toString('latin1');
export const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

