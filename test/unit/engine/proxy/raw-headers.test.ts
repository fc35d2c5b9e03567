import { once } from 'node:events';
import { Agent, get, request, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headersFromRaw, InvalidRequestHeadError, requestHead } from '../../../../main/engine/proxy/raw-headers';

/** A raw TCP server: `answer` decides the bytes written back for each connection's first request head. */
async function rawServer(answer: (requestHead: string) => string): Promise<{ server: Server; port: number; heads: string[] }> {
  const heads: string[] = [];
  const server = createServer((socket: Socket) => {
    let buffered = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffered.slice(0, end + 4);
      buffered = buffered.slice(end + 4);
      heads.push(head);
      socket.end(answer(head), 'latin1');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, heads };
}

describe('headersFromRaw gives what Node puts in IncomingMessage.headers', () => {
  const cases: { name: string; lines: string[] }[] = [
    { name: 'single headers, names lower-cased', lines: ['Content-Type: text/plain', 'X-Thing: One', 'ETag: "a"'] },
    { name: 'set-cookie is always an array', lines: ['Set-Cookie: a=1; Path=/'] },
    { name: 'several set-cookie keep their order in one array', lines: ['Set-Cookie: a=1', 'set-cookie: b=2', 'SET-COOKIE: c=3'] },
    { name: 'duplicate cookie joined with "; "', lines: ['Cookie: a=1', 'cookie: b=2'] },
    {
      name: 'first-wins headers drop their duplicates',
      lines: [
        'Content-Type: text/html',
        'content-type: text/plain',
        'Location: /a',
        'Location: /b',
        'ETag: "1"',
        'ETag: "2"',
        'Server: one',
        'Server: two',
        'Age: 1',
        'Age: 2',
        'Expires: 0',
        'Expires: 1',
        'Last-Modified: x',
        'Last-Modified: y',
        'Retry-After: 1',
        'Retry-After: 2',
        'Authorization: a',
        'Authorization: b',
        'User-Agent: a',
        'User-Agent: b',
        'Referer: a',
        'Referer: b',
        'From: a',
        'From: b',
        'Max-Forwards: 1',
        'Max-Forwards: 2',
        'Host: a',
        'Host: b',
        'If-Modified-Since: a',
        'If-Modified-Since: b',
        'If-Unmodified-Since: a',
        'If-Unmodified-Since: b',
        'Proxy-Authorization: a',
        'Proxy-Authorization: b',
      ],
    },
    { name: 'other duplicates joined with ", "', lines: ['Vary: Accept', 'vary: Origin', 'Cache-Control: no-cache', 'Cache-Control: no-store', 'X-Custom: 1', 'x-custom: 2', 'x-CUSTOM: 3'] },
    { name: 'a mix of known and unknown names in mixed case', lines: ['X-Powered-By: Express', 'WWW-Authenticate: Basic', 'Www-Authenticate: Bearer', 'Link: <a>', 'LINK: <b>'] },
    { name: 'empty values', lines: ['X-Empty:', 'X-Empty: after', 'Set-Cookie:'] },
    { name: 'names that are Object.prototype members', lines: ['Constructor: a', 'toString: b', 'hasOwnProperty: c', 'Constructor: d'] },
    { name: 'a __proto__ header does not reach the prototype', lines: ['__proto__: a', 'X-After: b'] },
    { name: 'Latin-1 bytes in a value', lines: ['X-Latin: caf\u00e9'] },
  ];

  let upstream: Awaited<ReturnType<typeof rawServer>>;
  const responses = new Map<string, string>();
  beforeAll(async () => {
    upstream = await rawServer((head) => {
      const path = head.split(' ')[1] ?? '';
      return responses.get(decodeURIComponent(path.slice(1))) ?? 'HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n';
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => upstream.server.close(resolve));
  });

  function nodesView(name: string, lines: string[]): Promise<IncomingMessage> {
    responses.set(name, `HTTP/1.1 200 OK\r\n${lines.join('\r\n')}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
    return new Promise((resolve, reject) => {
      get({ host: '127.0.0.1', port: upstream.port, path: `/${encodeURIComponent(name)}`, agent: false }, (res) => {
        res.resume();
        resolve(res);
      }).on('error', reject);
    });
  }

  it.each(cases)('$name', async ({ name, lines }) => {
    const res = await nodesView(name, lines);
    const ours = headersFromRaw(res.rawHeaders);
    expect(ours).toStrictEqual({ ...res.headers });
    expect(Object.getPrototypeOf(ours)).toBe(Object.prototype);
  });

  it('ignores a trailing name without a value', () => {
    expect(headersFromRaw(['X-A', '1', 'X-Dangling'])).toStrictEqual({ 'x-a': '1' });
  });
});

describe('requestHead', () => {
  describe('writes the head Node’s client writes on a keep-alive socket', () => {
    const valid: { name: string; method: string; path: string; headers: OutgoingHttpHeaders; expected: string }[] = [
      {
        name: 'request line, headers in order, Connection: keep-alive added',
        method: 'GET',
        path: '/src/main.ts?v=1',
        headers: { host: 'app.localhost', accept: '*/*' },
        expected: 'GET /src/main.ts?v=1 HTTP/1.1\r\nhost: app.localhost\r\naccept: */*\r\nConnection: keep-alive\r\n\r\n',
      },
      {
        name: 'HEAD',
        method: 'HEAD',
        path: '/',
        headers: { host: 'app.localhost' },
        expected: 'HEAD / HTTP/1.1\r\nhost: app.localhost\r\nConnection: keep-alive\r\n\r\n',
      },
      {
        name: 'an array becomes one line per value',
        method: 'GET',
        path: '/',
        headers: { host: 'a', 'x-forwarded-for': ['1.1.1.1', '2.2.2.2'], accept: ['text/html'] },
        expected: 'GET / HTTP/1.1\r\nhost: a\r\nx-forwarded-for: 1.1.1.1\r\nx-forwarded-for: 2.2.2.2\r\naccept: text/html\r\nConnection: keep-alive\r\n\r\n',
      },
      {
        name: 'several cookies go in one Cookie line (RFC 6265 §5.4), as Node joins them',
        method: 'GET',
        path: '/',
        headers: { host: 'a', cookie: ['a=1', 'b=2'] },
        expected: 'GET / HTTP/1.1\r\nhost: a\r\ncookie: a=1; b=2\r\nConnection: keep-alive\r\n\r\n',
      },
      {
        name: 'a number is written as its decimal text',
        method: 'GET',
        path: '/',
        headers: { host: 'a', 'x-attempt': 10 },
        expected: 'GET / HTTP/1.1\r\nhost: a\r\nx-attempt: 10\r\nConnection: keep-alive\r\n\r\n',
      },
      {
        name: 'a Connection the caller set is kept and none added',
        method: 'GET',
        path: '/',
        headers: { host: 'a', Connection: 'close' },
        expected: 'GET / HTTP/1.1\r\nhost: a\r\nConnection: close\r\n\r\n',
      },
      {
        name: 'Connection in any case counts as set',
        method: 'GET',
        path: '/',
        headers: { host: 'a', CONNECTION: 'keep-alive' },
        expected: 'GET / HTTP/1.1\r\nhost: a\r\nCONNECTION: keep-alive\r\n\r\n',
      },
      {
        name: 'Latin-1 and tab in values, Latin-1 in the path',
        method: 'GET',
        path: '/caf\u00e9',
        headers: { host: 'a', 'x-v': 'a\tb caf\u00e9' },
        expected: 'GET /caf\u00e9 HTTP/1.1\r\nhost: a\r\nx-v: a\tb caf\u00e9\r\nConnection: keep-alive\r\n\r\n',
      },
    ];

    let upstream: Awaited<ReturnType<typeof rawServer>>;
    let agent: Agent;
    beforeAll(async () => {
      upstream = await rawServer(() => 'HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n');
      agent = new Agent({ keepAlive: true });
    });
    afterAll(async () => {
      agent.destroy();
      await new Promise((resolve) => upstream.server.close(resolve));
    });

    /** The bytes Node's client writes for the same request. */
    async function nodesHead(method: string, path: string, headers: OutgoingHttpHeaders): Promise<string> {
      const seen = upstream.heads.length;
      await new Promise<void>((resolve, reject) => {
        request({ host: '127.0.0.1', port: upstream.port, method, path, headers, agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
          .on('error', reject)
          .end();
      });
      return upstream.heads[seen] ?? '';
    }

    it.each(valid)('$name', async ({ method, path, headers, expected }) => {
      expect(requestHead(method, path, headers)).toBe(expected);
      expect(await nodesHead(method, path, headers)).toBe(expected);
    });
  });

  it('leaves out undefined values (Node’s client throws on them; the passes never make one)', () => {
    expect(requestHead('GET', '/', { host: 'a', 'x-gone': undefined })).toBe('GET / HTTP/1.1\r\nhost: a\r\nConnection: keep-alive\r\n\r\n');
  });

  it('one cookie in an array stays one line', () => {
    expect(requestHead('GET', '/', { host: 'a', Cookie: ['a=1'] })).toBe('GET / HTTP/1.1\r\nhost: a\r\nCookie: a=1\r\nConnection: keep-alive\r\n\r\n');
  });

  describe('refuses what Node’s client refuses', () => {
    const refused: { name: string; method: string; path: string; headers: OutgoingHttpHeaders }[] = [
      { name: 'a method that is not a token', method: 'GE T', path: '/', headers: {} },
      { name: 'a method with a CR', method: 'GET\r', path: '/', headers: {} },
      { name: 'a path with a space', method: 'GET', path: '/a b', headers: {} },
      { name: 'a path with CR', method: 'GET', path: '/a\rb', headers: {} },
      { name: 'a path with LF', method: 'GET', path: '/a\nHost: evil', headers: {} },
      { name: 'a path beyond Latin-1', method: 'GET', path: '/\u0100', headers: {} },
      { name: 'a header name that is not a token', method: 'GET', path: '/', headers: { 'x y': '1' } },
      { name: 'a header name with a colon', method: 'GET', path: '/', headers: { 'x:y': '1' } },
      { name: 'a value with CR/LF', method: 'GET', path: '/', headers: { 'x-a': 'v\r\nx-injected: 1' } },
      { name: 'a value with LF only', method: 'GET', path: '/', headers: { 'x-a': 'v\nx' } },
      { name: 'a value with NUL', method: 'GET', path: '/', headers: { 'x-a': 'v\u0000' } },
      { name: 'one bad value in an array', method: 'GET', path: '/', headers: { 'x-a': ['fine', 'bad\r\n'] } },
      { name: 'a bad cookie among several', method: 'GET', path: '/', headers: { cookie: ['a=1', 'b=\n2'] } },
    ];

    it.each(refused)('$name', ({ method, path, headers }) => {
      const result = requestHead(method, path, headers);
      expect(result).toBeInstanceOf(InvalidRequestHeadError);
      expect((result as InvalidRequestHeadError).code).toBe('ERR_INVALID_HTTP_TOKEN');
      // Node's client throws before it writes anything; an unconnected socket keeps it off the network.
      expect(() => request({ method, path, headers, createConnection: () => new Socket() }).destroy()).toThrow();
    });
  });
});
