import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { defaultExchange } from '../../../../main/engine/proxy/default-exchange';
import type { ExchangeContext } from '../../../../main/engine/proxy/exchange';
import type { Route } from '../../../../main/engine/proxy/router';

const route = (extra: Partial<Route> = {}): Route => ({
  project: 'web',
  domains: ['web.test'],
  upstream: 'http://localhost:5173',
  https: true,
  hsts: 'dev',
  secureCookies: true,
  hostHeader: 'preserve',
  enabled: true,
  ...extra,
});

const context = (extra: Partial<ExchangeContext> = {}): ExchangeContext => ({
  route: route(),
  scheme: 'https',
  host: 'web.test:8443',
  clientAddress: '::ffff:127.0.0.1',
  listenerPort: 8443,
  ports: { https: 8443, http: 8080 },
  now: Date.parse('2026-01-01T00:00:00Z'),
  ...extra,
});

describe('defaultExchange.prepareRequest', () => {
  const exchange = defaultExchange();

  it('replaces the headers in place: hop-by-hop and client forwarding headers out, fresh ones in', () => {
    const headers: IncomingHttpHeaders = {
      host: 'web.test:8443',
      connection: 'keep-alive, x-secret',
      'x-secret': '1',
      'keep-alive': 'timeout=5',
      'proxy-authorization': 'Basic eDp5',
      'x-forwarded-for': '6.6.6.6',
      'x-forwarded-host': 'evil.example',
      forwarded: 'for=6.6.6.6',
      origin: 'https://web.test:8443',
      accept: 'text/html',
    };
    const host = exchange.prepareRequest(headers, context());
    expect(host).toBe('web.test:8443');
    expect(headers).toEqual({
      host: 'web.test:8443',
      origin: 'https://web.test:8443',
      accept: 'text/html',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-host': 'web.test:8443',
      'x-forwarded-proto': 'https',
      'x-forwarded-port': '8443',
      forwarded: 'for=127.0.0.1;host="web.test:8443";proto=https',
    });
  });

  it('keeps HTTP/2 pseudo-headers (Node reads req.url and req.method from them) and sets Host from :authority', () => {
    const headers: IncomingHttpHeaders = { ':method': 'GET', ':path': '/x?y', ':authority': 'web.test:8443', ':scheme': 'https', accept: '*/*' };
    exchange.prepareRequest(headers, context());
    expect(headers[':path']).toBe('/x?y');
    expect(headers[':method']).toBe('GET');
    expect(headers.host).toBe('web.test:8443');
  });

  it('sends the upstream’s own host:port when the project asks for it', () => {
    const headers: IncomingHttpHeaders = { host: 'web.test' };
    expect(exchange.prepareRequest(headers, context({ route: route({ hostHeader: 'upstream' }), host: 'web.test' }))).toBe('localhost:5173');
    expect(headers.host).toBe('localhost:5173');
    expect(headers['x-forwarded-host']).toBe('web.test');
  });

  it('keeps Upgrade and Connection on a websocket handshake', () => {
    const headers: IncomingHttpHeaders = { host: 'web.test', connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'k' };
    exchange.prepareRequest(headers, context({ host: 'web.test' }));
    expect(headers).toMatchObject({ connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'k' });
  });
});

describe('defaultExchange.prepareResponse', () => {
  const exchange = defaultExchange();
  const upstream: IncomingHttpHeaders = {
    'strict-transport-security': 'max-age=31536000; includeSubDomains; preload',
    'set-cookie': ['a=1; Path=/', 'b=2; Secure', 'c=3; Domain=localhost'],
    location: 'http://localhost:5173/next?x=1',
    connection: 'keep-alive',
    'keep-alive': 'timeout=5',
    'content-type': 'text/html',
  };

  const cases: [name: string, ctx: ExchangeContext, expected: Record<string, unknown>, cookiesRewritten: number][] = [
    [
      'HTTPS: project HSTS, cookies secured, Location to the client’s origin, hop-by-hop gone',
      context(),
      { 'strict-transport-security': 'max-age=3600', 'set-cookie': ['a=1; Path=/; Secure', 'b=2; Secure', 'c=3; Secure'], location: 'https://web.test:8443/next?x=1', 'content-type': 'text/html' },
      2,
    ],
    [
      'TLS on the HTTP port: the Location keeps the origin the client is on',
      context({ host: 'web.test:8080', listenerPort: 8080 }),
      { location: 'https://web.test:8080/next?x=1' },
      2,
    ],
    [
      'default port: no port in the Location',
      context({ host: 'web.test' }),
      { location: 'https://web.test/next?x=1' },
      2,
    ],
    [
      'plain HTTP: no HSTS at all, cookies untouched',
      context({ scheme: 'http', host: 'web.test:8080', route: route({ https: false }) }),
      { 'set-cookie': ['a=1; Path=/', 'b=2; Secure', 'c=3; Domain=localhost'], location: 'http://web.test:8080/next?x=1' },
      0,
    ],
    [
      'HSTS off and an open reset window: max-age=0',
      context({ route: route({ hsts: 'off', hstsResetUntil: '2026-01-02T00:00:00Z' }) }),
      { 'strict-transport-security': 'max-age=0' },
      2,
    ],
  ];
  it.each(cases)('%s', (_name, ctx, expected, cookiesRewritten) => {
    const head = exchange.prepareResponse(200, upstream, ctx);
    expect(head.headers).toMatchObject(expected);
    expect(head.headers.connection).toBeUndefined();
    expect(head.headers['keep-alive']).toBeUndefined();
    if (ctx.scheme === 'http') expect(head.headers['strict-transport-security']).toBeUndefined();
    expect(head.cookiesRewritten).toBe(cookiesRewritten);
  });

  it('a 101 keeps Upgrade and Connection', () => {
    const head = exchange.prepareResponse(101, { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-accept': 'x' }, context());
    expect(head.headers).toMatchObject({ connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-accept': 'x' });
  });

  it('follows a route’s settings: a new route object with another policy gives another header', () => {
    expect(exchange.prepareResponse(200, {}, context({ route: route({ hsts: 'production' }) })).headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(exchange.prepareResponse(200, {}, context({ route: route({ hsts: 'off' }) })).headers['strict-transport-security']).toBeUndefined();
  });
});

describe('defaultExchange.redirect', () => {
  const exchange = defaultExchange();
  const cases: [name: string, to: 'https' | 'http', ctx: ExchangeContext, location: string, hsts: string | undefined][] = [
    ['up to HTTPS on a custom port', 'https', context({ scheme: 'http', host: 'web.test:8080' }), 'https://web.test:8443/a?b=1', undefined],
    ['up to HTTPS on 443', 'https', context({ scheme: 'http', host: 'web.test', ports: { https: 443, http: 80 } }), 'https://web.test/a?b=1', undefined],
    ['down to HTTP clears the pin', 'http', context({ host: 'WEB.test:8443' }), 'http://web.test:8080/a?b=1', 'max-age=0'],
  ];
  it.each(cases)('%s', (_name, to, ctx, location, hsts) => {
    const response = exchange.redirect(to, '/a?b=1', ctx);
    expect(response.status).toBe(307);
    expect(response.headers.location).toBe(location);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['strict-transport-security']).toBe(hsts);
  });
});
