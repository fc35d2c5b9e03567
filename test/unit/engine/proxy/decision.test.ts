import { describe, expect, it } from 'vitest';
import { decide, type RequestFacts } from '../../../../main/engine/proxy/decision';
import { createRouteTable, type Route } from '../../../../main/engine/proxy/router';

function route(project: string, domains: string[], extra: Partial<Route> = {}): Route {
  return { project, domains, upstream: 'http://localhost:5173', https: true, hsts: 'dev', secureCookies: true, hostHeader: 'preserve', enabled: true, ...extra };
}

const table = createRouteTable([
  route('web', ['web.localhost', '*.web.localhost']),
  route('api', ['api.test']),
  route('plain', ['plain.localhost'], { https: false }),
  route('off', ['off.localhost'], { enabled: false }),
]);

const https = (host: string | undefined, servername: string | undefined, extra: Partial<RequestFacts> = {}): RequestFacts => ({ scheme: 'https', method: 'GET', target: '/x?y=1', host, servername, ...extra });
const http = (host: string | undefined, extra: Partial<RequestFacts> = {}): RequestFacts => ({ scheme: 'http', method: 'GET', target: '/x?y=1', host, ...extra });

describe('decide', () => {
  const cases: [name: string, facts: RequestFacts, kind: string, project?: string][] = [
    ['HTTPS for a managed host with matching SNI → forward', https('web.localhost', 'web.localhost'), 'forward', 'web'],
    ['HTTPS with a port in Host → forward', https('web.localhost:8443', 'web.localhost'), 'forward', 'web'],
    ['HTTPS on a wildcard name covered by the same project → forward', https('a.web.localhost', 'web.localhost'), 'forward', 'web'],
    ['HTTPS Host of another managed project → 421', https('api.test', 'web.localhost'), 'misdirected', 'api'],
    ['HTTPS without SNI for a managed host → 421', https('web.localhost', undefined), 'misdirected', 'web'],
    ['HTTPS unknown host → 404 page, never 421', https('evil.example', 'web.localhost'), 'unknown-host'],
    ['HTTPS for an HTTPS-off project → redirect down', https('plain.localhost', 'plain.localhost'), 'redirect-to-http', 'plain'],
    ['HTTPS for a disabled project → 404 page', https('off.localhost', 'off.localhost'), 'unknown-host', 'off'],
    ['HTTP for an HTTPS project → redirect up', http('web.localhost'), 'redirect-to-https', 'web'],
    ['HTTP for an HTTPS-off project → forward', http('plain.localhost:8080'), 'forward', 'plain'],
    ['HTTP unknown host → 404 page, never a redirect', http('evil.example'), 'unknown-host'],
    ['HTTP for a disabled project → 404 page', http('off.localhost'), 'unknown-host', 'off'],
    ['absolute-form target → 400', http('web.localhost', { target: 'http://169.254.169.254/latest' }), 'bad-request'],
    ['asterisk-form target → 400', http('web.localhost', { method: 'OPTIONS', target: '*' }), 'bad-request'],
    ['missing Host → 400', http(undefined), 'bad-request'],
    ['blank Host → 400', http('  '), 'bad-request'],
    ['CONNECT → 405', http('web.localhost', { method: 'CONNECT', target: 'web.localhost:443' }), 'method-not-allowed'],
    ['CONNECT over TLS → 405', https('web.localhost', 'web.localhost', { method: 'CONNECT', target: 'evil.example:443' }), 'method-not-allowed'],
  ];
  it.each(cases)('%s', (_name, facts, kind, project) => {
    const decision = decide(facts, table);
    expect(decision.kind).toBe(kind);
    if (project !== undefined) expect('route' in decision ? decision.route?.project : undefined).toBe(project);
  });

  it('reports why a request is bad', () => {
    expect(decide(http('web.localhost', { target: 'http://x/' }), table)).toEqual({ kind: 'bad-request', reason: 'absolute-form' });
    expect(decide(http(undefined), table)).toEqual({ kind: 'bad-request', reason: 'missing-host' });
    expect(decide(http('web.localhost', { hostLines: 2 }), table)).toEqual({ kind: 'bad-request', reason: 'duplicate-host' });
    expect(decide(http('web.localhost', { hostLines: 1 }), table).kind).not.toBe('bad-request');
  });

  it('follows the table it is given (a swapped table changes the outcome)', () => {
    const next = createRouteTable([route('api', ['api.test'])]);
    expect(decide(http('web.localhost'), next).kind).toBe('unknown-host');
  });
});
