/**
 * Faults on the upstream side of the proxy, with real processes and sockets (issue 8; RP-11):
 * a dev server killed mid-response, a dev server restarted, a pooled keep-alive socket the dev
 * server has already given up on.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { h2Request, h2Session, loopbackLookup, request, reservePort } from '../helpers/proxy-harness';
import { startProxyStack, type ProxyStack } from '../helpers/proxy-stack';
import { startTsWorker, type Child } from '../helpers/child-process';

const startWorker = (script: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Child =>
  startTsWorker(new URL(`./workers/${script}`, import.meta.url), args, options);

let stack: ProxyStack;
let devPort: number;
let stalePort: number;
let staleServer: Server;
/** Requests the "stale" upstream saw, as `<method> <url> #<request number on its socket>`. */
const staleSeen: string[] = [];
const children: Child[] = [];

async function startDevServer(): Promise<Child> {
  const child = startWorker('upstream.ts', [String(devPort)]);
  children.push(child);
  await child.waitFor((line) => line.startsWith('listening '));
  return child;
}

/**
 * An upstream that closes a kept-alive connection the moment a second request arrives on it:
 * what a dev server whose idle timeout fired just as the proxy reused the socket looks like to
 * the proxy (the request is written, then the connection resets).
 */
function startStaleUpstream(): Promise<Server> {
  const perSocket = new WeakMap<Socket, number>();
  const server = createServer((req, res) => {
    const count = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, count);
    staleSeen.push(`${req.method} ${req.url} #${count}`);
    if (count > 1) {
      req.socket.destroy();
      return;
    }
    req.resume();
    req.on('end', () => res.end(`fresh ${req.url}`));
  });
  server.keepAliveTimeout = 60_000;
  server.listen(stalePort, '127.0.0.1');
  return once(server, 'listening').then(() => server);
}

beforeAll(async () => {
  devPort = await reservePort();
  stalePort = await reservePort();
  staleServer = await startStaleUpstream();
  stack = await startProxyStack({
    projects: [
      { project: 'dev', domains: ['dev.localhost'], upstream: `http://127.0.0.1:${devPort}` },
      { project: 'stale', domains: ['stale.localhost'], upstream: `http://127.0.0.1:${stalePort}` },
      { project: 'echo', domains: ['echo.localhost'] },
    ],
  });
});

afterEach(async () => {
  for (const child of children.splice(0)) await child.kill();
});

afterAll(async () => {
  await stack?.close();
  staleServer?.closeAllConnections();
  await new Promise((resolve) => staleServer?.close(resolve));
});

const get = (host: string, path: string, method = 'GET', body?: string) =>
  request({ port: stack.httpsPort, host, path, method, ca: stack.ca.caPem, ...(body !== undefined && { body }) });

/** An HTTP/1.1 GET whose body we read until it ends or is cut. */
function readUntilCut(path: string, onFirstByte: () => void): Promise<{ status: number; outcome: 'complete' | 'cut'; bytes: number }> {
  return new Promise((resolve) => {
    let bytes = 0;
    let status = 0;
    const req = httpsRequest({ host: 'dev.localhost', port: stack.httpsPort, path, ca: stack.ca.caPem, lookup: loopbackLookup, agent: false }, (res) => {
      status = res.statusCode ?? 0;
      res.once('data', onFirstByte);
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status, outcome: 'complete', bytes }));
      res.on('aborted', () => resolve({ status, outcome: 'cut', bytes }));
      res.on('error', () => resolve({ status, outcome: 'cut', bytes }));
    });
    req.on('error', () => resolve({ status, outcome: 'cut', bytes }));
    req.end();
  });
}

describe('a dev server killed mid-response', () => {
  it('HTTP/1.1: the client sees the response cut (never a short body passed off as complete), and the proxy keeps serving', async () => {
    const dev = await startDevServer();
    expect((await get('dev.localhost', '/before')).body).toBe(`pid ${dev.pid} /before`);

    const reply = readUntilCut('/partial', () => void dev.kill());
    const result = await reply;
    expect(result.status).toBe(200);
    expect(result.outcome).toBe('cut');
    expect(result.bytes).toBeLessThan(100_000);

    // The proxy is alive: the dead dev server is a 502 page, another project still answers.
    expect((await get('dev.localhost', '/while-down')).status).toBe(502);
    expect((await get('echo.localhost', '/other-project')).status).toBe(200);
  });

  it('HTTP/2: the stream is reset, the session stays usable', async () => {
    const dev = await startDevServer();
    const session = await h2Session(stack.httpsPort, 'dev.localhost', stack.ca.caPem);
    try {
      const partial = h2Request(session, '/partial').then(() => 'complete', () => 'reset');
      await dev.waitFor((line) => line === 'streaming');
      await dev.kill();
      expect(await partial).toBe('reset');
      expect((await h2Request(session, '/after')).status).toBe(502);
    } finally {
      session.close();
    }
  });
});

describe('a dev server restarted', () => {
  it('the first request after the restart reaches the new process, even with warm keep-alive sockets to the old one', async () => {
    const first = await startDevServer();
    // Several sequential requests leave pooled keep-alive sockets to the first process.
    for (let i = 0; i < 5; i += 1) expect((await get('dev.localhost', `/warm-${i}`)).body).toBe(`pid ${first.pid} /warm-${i}`);
    await first.kill();

    const second = await startDevServer();
    const after = await get('dev.localhost', '/after-restart');
    expect(after.status).toBe(200);
    expect(after.body).toBe(`pid ${second.pid} /after-restart`);
  });
});

describe('a pooled keep-alive socket the upstream has dropped', () => {
  // Node's http docs ("request.reusedSocket") describe the race and the fix: retry an idempotent
  // request once on a fresh connection when a reused socket fails before any response byte.
  it('an idempotent GET is retried once on a fresh connection and succeeds', async () => {
    staleSeen.length = 0;
    expect((await get('stale.localhost', '/one')).body).toBe('fresh /one');
    const second = await get('stale.localhost', '/two');
    expect(staleSeen).toEqual(['GET /one #1', 'GET /two #2', 'GET /two #1']);
    expect(second.status).toBe(200);
  });

  it('a POST is not replayed: the client gets the 502, the upstream saw it once', async () => {
    staleSeen.length = 0;
    // Warmed by a request with a body: GETs without one take the lean client's own sockets.
    expect((await get('stale.localhost', '/warm', 'POST', 'warm-up')).status).toBe(200);
    const post = await get('stale.localhost', '/submit', 'POST', 'payload');
    expect(post.status).toBe(502);
    expect(staleSeen.filter((line) => line.startsWith('POST /submit'))).toEqual(['POST /submit #2']);
    // And the proxy recovers by itself: the next request takes a new connection.
    expect((await get('stale.localhost', '/next')).status).toBe(200);
  });
});
