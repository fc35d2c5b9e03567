/** The lean upstream pool (http1-pool.ts): upstreams that misbehave, fail or go quiet. */
import { once } from 'node:events';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bodyOf, cleanUp, nodeUpstream, ok, pool, PoolTimeoutError, rawUpstream, send } from './http1-pool-harness';

afterEach(cleanUp);

describe('http1 pool: what the upstream must not do', () => {
  it.each([
    { name: 'in the same read', extra: true },
    { name: 'later, while the socket is idle', extra: false },
  ])('an unsolicited response $name closes that socket; the next request takes a new one', async ({ extra }) => {
    const unsolicited = ok('surprise');
    const upstream = await rawUpstream((connection) => connection.socket.write(connection.index === 0 ? ok('first') + (extra ? unsolicited : '') : ok('second')));
    const target = pool(upstream.port);
    const first = await send(target, 'GET', '/').done;
    expect(first.calls).toEqual(['head', 'end']);
    expect(bodyOf(first)).toBe('first');
    if (!extra) upstream.connections[0]?.socket.write(unsolicited);
    await upstream.connections[0]?.closed;
    const second = await send(target, 'GET', '/').done;
    expect(bodyOf(second)).toBe('second');
    expect(upstream.connections).toHaveLength(2);
    expect(first.calls).toEqual(['head', 'end']);
  });

  it.each([
    { name: 'not HTTP at all', response: 'SSH-2.0-OpenSSH\r\n\r\n' },
    { name: 'an invalid content-length', response: 'HTTP/1.1 200 OK\r\ncontent-length: 12abc\r\n\r\n' },
    { name: 'both content-length and chunked', response: 'HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n' },
    { name: 'a bad chunk size', response: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n' },
    { name: 'a header line without a colon', response: 'HTTP/1.1 200 OK\r\nbroken header\r\ncontent-length: 0\r\n\r\n' },
  ])('a malformed response ($name) fails with an HPE code and its socket is not reused', async ({ response }) => {
    const upstream = await rawUpstream((connection) => connection.socket.write(connection.index === 0 ? response : ok('fine')));
    const target = pool(upstream.port);
    const outcome = await send(target, 'GET', '/').done;
    expect(outcome.calls.at(-1)).toBe('fail');
    expect(outcome.error?.code).toMatch(/^HPE_/);
    expect(outcome.replayable).toBe(false);
    await upstream.connections[0]?.closed;
    expect(bodyOf(await send(target, 'GET', '/').done)).toBe('fine');
  });

  it('a malformed response on a reused socket is not replayable: the dev server did answer', async () => {
    const upstream = await rawUpstream((connection) => connection.socket.write(connection.requests.length === 1 ? ok('warm') : 'garbage\r\n\r\n'));
    const target = pool(upstream.port);
    await send(target, 'GET', '/').done;
    const outcome = await send(target, 'GET', '/').done;
    expect(outcome.error?.code).toMatch(/^HPE_/);
    expect(outcome.replayable).toBe(false);
  });

  it.each([
    { name: 'resets', cut: (socket: Socket) => socket.resetAndDestroy() },
    { name: 'closes', cut: (socket: Socket) => socket.end() },
  ])('an upstream that $name mid-body fails the exchange with ECONNRESET, not replayable', async ({ cut }) => {
    const upstream = await rawUpstream((connection) => {
      if (connection.requests.length === 1) {
        connection.socket.write(ok('warm'));
        return;
      }
      connection.socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial', () => cut(connection.socket));
    });
    const target = pool(upstream.port);
    // On a reused socket: a cut after response bytes is never a stale socket.
    await send(target, 'GET', '/').done;
    const outcome = await send(target, 'GET', '/').done;
    expect(outcome.calls[0]).toBe('head');
    expect(outcome.calls.at(-1)).toBe('fail');
    expect(outcome.error?.code).toBe('ECONNRESET');
    expect(outcome.replayable).toBe(false);
    expect(Buffer.concat(outcome.parts).toString()).toBe('partial');
  });

  it.each([
    { name: 'resets it', cut: (socket: Socket) => socket.resetAndDestroy() },
    { name: 'closes it', cut: (socket: Socket) => socket.end() },
  ])('a reused socket whose server $name on the next request fails as replayable', async ({ cut }) => {
    const upstream = await rawUpstream((connection) => {
      if (connection.requests.length === 1) connection.socket.write(ok('warm'));
      else cut(connection.socket);
    });
    const target = pool(upstream.port);
    await send(target, 'GET', '/').done;
    const outcome = await send(target, 'GET', '/').done;
    expect(outcome.calls).toEqual(['fail']);
    expect(['ECONNRESET', 'EPIPE']).toContain(outcome.error?.code);
    expect(outcome.replayable).toBe(true);
    // A failure on a new socket is never replayable.
    const again = await send(target, 'GET', '/', { fresh: true }).done;
    expect(bodyOf(again)).toBe('warm');
  });

  it('a refused connection fails, not replayable', async () => {
    const closed = createTcpServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await send(pool(port), 'GET', '/').done;
    expect(outcome.error?.code).toBe('ECONNREFUSED');
    expect(outcome.replayable).toBe(false);
  });
});

describe('http1 pool: timeouts', () => {
  it('fails with the pool’s timeout error when the head does not come, and closes the socket', async () => {
    const upstream = await rawUpstream(() => undefined);
    const target = pool(upstream.port, { headTimeoutMs: 50 });
    const arrived = upstream.nextRequest();
    const outcome = await send(target, 'GET', '/').done;
    const [connection] = await arrived;
    expect(outcome.calls).toEqual(['fail']);
    expect(outcome.error).toBeInstanceOf(PoolTimeoutError);
    expect(outcome.error?.message).toBe('no response within 50 ms');
    expect(outcome.replayable).toBe(false);
    await connection.closed;
  });

  it('a head timeout on a reused socket is not replayable: the dev server may still be working on it', async () => {
    const upstream = await rawUpstream((connection) => {
      if (connection.requests.length === 1) connection.socket.write(ok('warm'));
    });
    const target = pool(upstream.port, { headTimeoutMs: 50 });
    await send(target, 'GET', '/').done;
    const outcome = await send(target, 'GET', '/slow').done;
    expect(outcome.error).toBeInstanceOf(PoolTimeoutError);
    expect(outcome.replayable).toBe(false);
  });

  it('lets a body stream for longer than the head timeout', async () => {
    const upstream = await rawUpstream((connection, head) => {
      if (head.startsWith('GET /stream')) connection.socket.write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nfirst');
    });
    const target = pool(upstream.port, { headTimeoutMs: 50 });
    let bodyCame: () => void = () => undefined;
    const firstPart = new Promise<void>((resolve) => (bodyCame = resolve));
    const streaming = send(target, 'GET', '/stream', undefined, { body: () => bodyCame() });
    await firstPart;
    // A request that times out, started after the head came: proof that the head timeout passed.
    expect((await send(target, 'GET', '/silent').done).error).toBeInstanceOf(PoolTimeoutError);
    upstream.connections[0]?.socket.write('-last');
    const outcome = await streaming.done;
    expect(outcome.calls.at(-1)).toBe('end');
    expect(bodyOf(outcome)).toBe('first-last');
  });

  it('closes an idle socket after idleMs', async () => {
    const upstream = await nodeUpstream((_req, res) => res.end('ok'));
    const target = pool(upstream.port, { idleMs: 20 });
    await send(target, 'GET', '/').done;
    await once(upstream.sockets[0] as Socket, 'close');
    expect(bodyOf(await send(target, 'GET', '/').done)).toBe('ok');
    expect(upstream.sockets).toHaveLength(2);
  });
});
