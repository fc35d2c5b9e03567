/** The lean upstream pool (http1-pool.ts): response framing as llhttp parses it. */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeResponseParser, NodeResponseParserClass } from '../../../../main/engine/proxy/http1-parser';
import { bodyOf, cleanUp, ok, parser, pool, rawUpstream, send } from './http1-pool-harness';

afterEach(cleanUp);

describe('http1 pool: response bodies', () => {
  it.each([
    { name: 'content-length', response: ok('0123456789'), last: '0123456789' },
    { name: 'chunked', response: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n2\r\nhi\r\n0\r\n\r\n', last: 'hi' },
  ])('$name: every byte in order, the last part with end', async ({ response, last }) => {
    const upstream = await rawUpstream((connection) => connection.socket.write(response));
    const target = pool(upstream.port);
    const outcome = await send(target, 'GET', '/').done;
    expect(outcome.status).toBe(200);
    expect(outcome.calls.at(-1)).toBe('end');
    expect(outcome.last?.toString('latin1')).toBe(last);
    expect(bodyOf(outcome)).toBe(last === 'hi' ? 'abcdefghi' : last);
    // The body ended cleanly: the socket serves the next request.
    await send(target, 'GET', '/').done;
    expect(upstream.connections).toHaveLength(1);
  });

  it('close-delimited: the body ends with the connection', async () => {
    const upstream = await rawUpstream((connection) => connection.socket.end('HTTP/1.1 200 OK\r\n\r\nuntil the end'));
    const target = pool(upstream.port);
    const outcome = await send(target, 'GET', '/').done;
    expect(outcome.calls.at(-1)).toBe('end');
    expect(bodyOf(outcome)).toBe('until the end');
    expect(bodyOf(await send(target, 'GET', '/').done)).toBe('until the end');
    expect(upstream.connections).toHaveLength(2);
  });

  it('passes on a body split across many reads as it comes', async () => {
    const pieces = Array.from({ length: 40 }, (_, i) => `piece-${String(i).padStart(2, '0')};`);
    const upstream = await rawUpstream((connection) => connection.socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${pieces.join('').length}\r\n\r\n${pieces[0]}`));
    const target = pool(upstream.port);
    let next = 1;
    // The next piece leaves only once the previous one reached the sink: each comes in its own read.
    const outcome = await send(target, 'GET', '/', undefined, { body: () => upstream.connections[0]?.socket.write(pieces[next++] as string) }).done;
    expect(outcome.parts.map((part) => part.toString())).toEqual(pieces.slice(0, -1));
    expect(outcome.last?.toString()).toBe(pieces.at(-1));
  });

  it.each([
    { name: 'a HEAD response with content-length', method: 'HEAD', response: 'HTTP/1.1 200 OK\r\ncontent-length: 1234\r\n\r\n', status: 200 },
    { name: 'a HEAD response that is chunked', method: 'HEAD', response: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n', status: 200 },
    { name: '204', method: 'GET', response: 'HTTP/1.1 204 No Content\r\n\r\n', status: 204 },
    { name: '304 with content-length', method: 'GET', response: 'HTTP/1.1 304 Not Modified\r\ncontent-length: 99\r\netag: "x"\r\n\r\n', status: 304 },
  ])('$name has no body and the socket stays usable', async ({ method, response, status }) => {
    const upstream = await rawUpstream((connection, head) => connection.socket.write(head.startsWith('GET /next') ? ok('next') : response));
    const target = pool(upstream.port);
    const outcome = await send(target, method, '/').done;
    expect(outcome).toMatchObject({ calls: ['head', 'end'], status, last: undefined });
    expect(bodyOf(await send(target, 'GET', '/next').done)).toBe('next');
    expect(upstream.connections).toHaveLength(1);
  });

  it('skips 100 Continue and 103 Early Hints before the final response', async () => {
    const upstream = await rawUpstream((connection) =>
      connection.socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\n' + ok('final', 'x-final: 1\r\n')),
    );
    const target = pool(upstream.port);
    const outcome = await send(target, 'GET', '/').done;
    expect(outcome).toMatchObject({ calls: ['head', 'end'], status: 200, statusMessage: 'OK' });
    expect(outcome.rawHeaders).toEqual(['content-length', '5', 'x-final', '1']);
    expect(bodyOf(outcome)).toBe('final');
  });

  it('joins a head larger than one read, with more headers than llhttp hands over at once', async () => {
    const executed = new EventEmitter();
    let headerFlushes = 0;
    // Node's parser, counting its early header hand-overs (kOnHeaders) and telling when it parsed a read.
    class CountingParser extends (parser as unknown as new () => NodeResponseParser) {
      constructor() {
        super();
        let onHeaders: ((...args: unknown[]) => unknown) | undefined;
        Object.defineProperty(this, parser.kOnHeaders, {
          get: () => onHeaders,
          set: (callback: (...args: unknown[]) => unknown) => {
            onHeaders = (...args) => {
              headerFlushes += 1;
              return callback(...args);
            };
          },
        });
      }
      override execute(data: Buffer): number | Error {
        const result = super.execute(data);
        executed.emit('read');
        return result;
      }
    }
    const names = Array.from({ length: 90 }, (_, i) => [`X-Header-${i}`, `value ${i}`]);
    const lines = names.map(([name, value]) => `${name}: ${value}\r\n`);
    const writes = ['HTTP/1.1 200 OK\r\n', lines.slice(0, 25).join('') + 'X-Spl', 'it: one\r\n' + lines.slice(25, 60).join(''), lines.slice(60).join(''), 'content-length: 4\r\n\r\nbody'];
    const upstream = await rawUpstream((connection) => connection.socket.write(writes[0] as string));
    const target = pool(upstream.port, { parser: CountingParser as unknown as NodeResponseParserClass });
    let written = 1;
    executed.on('read', () => {
      if (written < writes.length) upstream.connections[0]?.socket.write(writes[written++] as string);
    });
    const outcome = await send(target, 'GET', '/').done;
    expect(written).toBe(writes.length);
    expect(headerFlushes).toBeGreaterThan(0);
    const expected = [...names.slice(0, 25).flat(), 'X-Split', 'one', ...names.slice(25).flat(), 'content-length', '4'];
    expect(outcome.rawHeaders).toEqual(expected);
    expect(bodyOf(outcome)).toBe('body');
  });

  it("keeps a chunked response's trailers out of the next response's head, even one split across reads", async () => {
    const executed = new EventEmitter();
    class SignallingParser extends (parser as unknown as new () => NodeResponseParser) {
      override execute(data: Buffer): number | Error {
        const result = super.execute(data);
        executed.emit('read');
        return result;
      }
    }
    // More header lines than llhttp hands over at once (32), so the second head reaches the pool
    // in parts (kOnHeaders), as the trailers of the first did.
    const many = Array.from({ length: 40 }, (_, i) => `x-h${i}: ${i}\r\n`).join('');
    const withTrailers = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ntrailer: x-checksum\r\n\r\n2\r\nok\r\n0\r\nx-checksum: abc\r\n\r\n';
    const second = [`HTTP/1.1 200 OK\r\n${many}`, 'content-length: 4\r\n\r\nnext'];
    let pending: string[] = [];
    const upstream = await rawUpstream((connection) => {
      if (connection.requests.length === 1) {
        connection.socket.write(withTrailers);
      } else {
        pending = second.slice(1);
        connection.socket.write(second[0] as string);
      }
    });
    executed.on('read', () => {
      const next = pending.shift();
      if (next) upstream.connections[0]?.socket.write(next);
    });
    const target = pool(upstream.port, { parser: SignallingParser as unknown as NodeResponseParserClass });
    expect(bodyOf(await send(target, 'GET', '/first').done)).toBe('ok');
    const outcome = await send(target, 'GET', '/second').done;
    expect(upstream.connections).toHaveLength(1);
    expect(outcome.rawHeaders).not.toContain('x-checksum');
    expect(outcome.rawHeaders?.slice(0, 2)).toEqual(['x-h0', '0']);
    expect(bodyOf(outcome)).toBe('next');
  });
});
