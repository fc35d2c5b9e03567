/** The lean upstream pool (http1-pool.ts): socket reuse, limits, flow control and shutdown. */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bodyOf, cleanUp, nodeUpstream, ok, pool, rawUpstream, send, type UpstreamConnection } from './http1-pool-harness';

afterEach(cleanUp);

describe('http1 pool: keep-alive reuse', () => {
  it('sends sequential requests over one connection', async () => {
    const upstream = await nodeUpstream((req, res) => res.end(`hello ${req.url}`));
    const target = pool(upstream.port);
    for (const path of ['/a', '/b', '/c']) {
      const outcome = await send(target, 'GET', path).done;
      expect(outcome.calls).toEqual(['head', 'end']);
      expect(bodyOf(outcome)).toBe(`hello ${path}`);
    }
    expect(upstream.sockets).toHaveLength(1);
  });

  it('reuses the socket released last (LIFO)', async () => {
    const upstream = await rawUpstream(() => undefined);
    const target = pool(upstream.port);
    const arrived = upstream.nextRequest();
    const first = send(target, 'GET', '/first');
    await arrived;
    const arrivedSecond = upstream.nextRequest();
    const second = send(target, 'GET', '/second');
    await arrivedSecond;
    const [a, b] = upstream.connections as [UpstreamConnection, UpstreamConnection];
    // The second connection finishes first, so the first is the warmest.
    b.socket.write(ok('b'));
    await second.done;
    a.socket.write(ok('a'));
    await first.done;
    const arrivedThird = upstream.nextRequest();
    const third = send(target, 'GET', '/third');
    const [connection] = await arrivedThird;
    expect(connection.index).toBe(0);
    connection.socket.write(ok('c'));
    expect(bodyOf(await third.done)).toBe('c');
  });

  it.each([
    { name: 'Connection: close', response: ok('bye', 'connection: close\r\n') },
    { name: 'an HTTP/1.0 response', response: 'HTTP/1.0 200 OK\r\ncontent-length: 3\r\n\r\nbye' },
  ])('closes the socket after $name and opens a new one for the next request', async ({ response }) => {
    const upstream = await rawUpstream((connection) => connection.socket.write(connection.index === 0 ? response : ok('new')));
    const target = pool(upstream.port);
    expect(bodyOf(await send(target, 'GET', '/').done)).toBe('bye');
    await upstream.connections[0]?.closed;
    const next = await send(target, 'GET', '/').done;
    expect(bodyOf(next)).toBe('new');
    expect(upstream.connections).toHaveLength(2);
  });

  it('never gives a fresh request the idle socket', async () => {
    const upstream = await nodeUpstream((_req, res) => res.end('ok'));
    const target = pool(upstream.port);
    await send(target, 'GET', '/').done;
    expect(bodyOf(await send(target, 'GET', '/', { fresh: true }).done)).toBe('ok');
    expect(upstream.sockets).toHaveLength(2);
    // Both went back to the pool: two more requests take them without a third connection.
    await Promise.all([send(target, 'GET', '/').done, send(target, 'GET', '/').done]);
    expect(upstream.sockets).toHaveLength(2);
  });
});

describe('http1 pool: limits', () => {
  it('maxSockets 1: three requests run one after another on one connection, in order', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: string[] = [];
    const upstream = await nodeUpstream((req, res) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      seen.push(req.url ?? '');
      setImmediate(() => {
        inFlight -= 1;
        res.end(`answer ${req.url}`);
      });
    });
    const target = pool(upstream.port, { maxSockets: 1 });
    const outcomes = await Promise.all(['/1', '/2', '/3'].map((path) => send(target, 'GET', path).done));
    expect(outcomes.map(bodyOf)).toEqual(['answer /1', 'answer /2', 'answer /3']);
    expect(seen).toEqual(['/1', '/2', '/3']);
    expect(most).toBe(1);
    expect(upstream.sockets).toHaveLength(1);
  });

  it('a waiting request that is aborted never starts', async () => {
    const upstream = await rawUpstream((connection) => connection.socket.write(ok('ok')));
    const target = pool(upstream.port, { maxSockets: 1 });
    const first = send(target, 'GET', '/first');
    const dropped = send(target, 'GET', '/dropped');
    const third = send(target, 'GET', '/third');
    dropped.exchange.abort();
    await Promise.all([first.done, third.done]);
    expect(dropped.outcome.calls).toEqual([]);
    expect(upstream.connections.flatMap((connection) => connection.requests.map((head) => head.split(' ')[1]))).toEqual(['/first', '/third']);
  });

  it('maxIdle: sockets beyond it are closed when they come back', async () => {
    const upstream = await nodeUpstream((_req, res) => setImmediate(() => res.end('ok')));
    const target = pool(upstream.port, { maxIdle: 1 });
    await Promise.all([send(target, 'GET', '/').done, send(target, 'GET', '/').done, send(target, 'GET', '/').done]);
    expect(upstream.sockets).toHaveLength(3);
    let closedCount = 0;
    await new Promise<void>((resolve) => {
      for (const socket of upstream.sockets) {
        socket.once('close', () => {
          closedCount += 1;
          if (closedCount === 2) resolve();
        });
      }
    });
    // Exactly one stays: the next two requests need one new connection.
    await Promise.all([send(target, 'GET', '/').done, send(target, 'GET', '/').done]);
    expect(upstream.sockets).toHaveLength(4);
  });
});

describe('http1 pool: flow control and shutdown', () => {
  it('pause()/resume(): a big body through a slow consumer arrives intact, never while paused', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32LE(i, i);
    const upstream = await nodeUpstream((_req, res) => res.end(big));
    const target = pool(upstream.port);
    let paused = false;
    let duringPause = 0;
    const outcome = await send(target, 'GET', '/', undefined, {
      body: (_chunk, exchange) => {
        if (paused) duringPause += 1;
        paused = true;
        exchange.pause();
        setImmediate(() => {
          paused = false;
          exchange.resume();
        });
      },
    }).done;
    expect(outcome.calls.at(-1)).toBe('end');
    expect(outcome.parts.length).toBeGreaterThan(1);
    expect(duringPause).toBe(0);
    const received = Buffer.concat([...outcome.parts, outcome.last ?? Buffer.alloc(0)]);
    expect(createHash('sha256').update(received).digest('hex')).toBe(createHash('sha256').update(big).digest('hex'));
  });

  it('a socket whose response ended while its consumer had paused goes back to the pool reading', async () => {
    const upstream = await rawUpstream((connection, head) =>
      connection.socket.write(head.startsWith('GET /next') ? ok('next') : 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\na\r\n1\r\nb\r\n1\r\nc\r\n0\r\n\r\n'),
    );
    const target = pool(upstream.port);
    // Paused on the first part and never resumed: the rest of the response was in the same read.
    const outcome = await send(target, 'GET', '/', undefined, { body: (_chunk, exchange) => exchange.pause() }).done;
    expect(bodyOf(outcome)).toBe('abc');
    expect(bodyOf(await send(target, 'GET', '/next').done)).toBe('next');
    expect(upstream.connections).toHaveLength(1);
  });

  it('abort() closes the socket mid-response and nothing more reaches the sink', async () => {
    const upstream = await rawUpstream((connection) => connection.socket.write(connection.index === 0 ? 'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nsome' : ok('after')));
    const target = pool(upstream.port);
    const arrived = upstream.nextRequest();
    const aborted = send(target, 'GET', '/', undefined, { body: (_chunk, exchange) => exchange.abort() });
    await (await arrived)[0].closed;
    expect(aborted.outcome.calls).toEqual(['head', 'body']);
    expect(bodyOf(await send(target, 'GET', '/').done)).toBe('after');
    expect(aborted.outcome.calls).toEqual(['head', 'body']);
  });

  it('abort() before the head: the socket is closed, the sink hears nothing', async () => {
    const upstream = await rawUpstream(() => undefined);
    const target = pool(upstream.port);
    const arrived = upstream.nextRequest();
    const aborted = send(target, 'GET', '/');
    await arrived;
    aborted.exchange.abort();
    await upstream.connections[0]?.closed;
    expect(aborted.outcome.calls).toEqual([]);
  });

  it('close() closes idle sockets and refuses new requests', async () => {
    const upstream = await nodeUpstream((_req, res) => res.end('ok'));
    const target = pool(upstream.port);
    await send(target, 'GET', '/').done;
    target.close();
    await once(upstream.sockets[0] as Socket, 'close');
    const refused = await send(target, 'GET', '/').done;
    expect(refused.calls).toEqual(['fail']);
    expect(refused.replayable).toBe(false);
  });

  it('close() fails waiting requests; the one in flight completes and its socket closes', async () => {
    const upstream = await rawUpstream(() => undefined);
    const target = pool(upstream.port, { maxSockets: 1 });
    const arrived = upstream.nextRequest();
    const inFlight = send(target, 'GET', '/first');
    const waiting = send(target, 'GET', '/second');
    const [connection] = await arrived;
    target.close();
    const failed = await waiting.done;
    expect(failed.calls).toEqual(['fail']);
    expect(failed.replayable).toBe(false);
    connection.socket.write(ok('done'));
    expect(bodyOf(await inFlight.done)).toBe('done');
    await connection.closed;
    expect(connection.requests).toHaveLength(1);
  });
});
