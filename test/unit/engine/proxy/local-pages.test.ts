import { describe, expect, it } from 'vitest';
import { projectUrl, renderProxyPage, type ProxyPage } from '../../../../main/engine/proxy/local-pages';
import type { Route } from '../../../../main/engine/proxy/router';

const route = (project: string, domains: string[], extra: Partial<Route> = {}): Route => ({ project, domains, upstream: 'http://localhost:5173', https: true, hsts: 'dev', secureCookies: true, hostHeader: 'preserve', enabled: true, ...extra });

describe('projectUrl', () => {
  const cases: [name: string, r: Route, ports: { https: number; http: number }, expected: string | null][] = [
    ['HTTPS on 443', route('web', ['web.localhost']), { https: 443, http: 80 }, 'https://web.localhost/'],
    ['HTTPS on another port', route('web', ['web.localhost']), { https: 8443, http: 8080 }, 'https://web.localhost:8443/'],
    ['HTTPS off', route('web', ['web.localhost'], { https: false }), { https: 8443, http: 8080 }, 'http://web.localhost:8080/'],
    ['first exact domain, wildcards skipped', route('web', ['*.web.localhost', 'web.localhost']), { https: 443, http: 80 }, 'https://web.localhost/'],
    ['only wildcards', route('web', ['*.web.localhost']), { https: 443, http: 80 }, null],
  ];
  it.each(cases)('%s', (_name, r, ports, expected) => {
    expect(projectUrl(r, ports)).toBe(expected);
  });
});

describe('renderProxyPage', () => {
  const ports = { https: 8443, http: 8080 };
  const cases: [ProxyPage, number][] = [
    [{ kind: 'unknown-host', host: 'nope.localhost', disabled: null, routes: [route('web', ['web.localhost']), route('off', ['off.localhost'], { enabled: false })], ports }, 404],
    [{ kind: 'unknown-host', host: 'off.localhost', disabled: 'off', routes: [], ports }, 404],
    [{ kind: 'upstream-down', project: 'web', upstream: 'http://localhost:5173', host: 'web.localhost' }, 502],
    [{ kind: 'upstream-timeout', project: 'web', upstream: 'http://localhost:5173', host: 'web.localhost' }, 504],
    [{ kind: 'bad-request', reason: 'absolute-form' }, 400],
    [{ kind: 'method-not-allowed', method: 'CONNECT' }, 405],
    [{ kind: 'misdirected', host: 'api.test' }, 421],
  ];
  it.each(cases)('%j → %i', (page, status) => {
    expect(renderProxyPage(page, false).status).toBe(status);
    const json = renderProxyPage(page, true);
    expect(json.status).toBe(status);
    expect(JSON.parse(String(json.body))).toHaveProperty('error');
  });

  it('lists enabled projects with their URLs on the unknown-host page', () => {
    const body = JSON.parse(String(renderProxyPage(cases[0]![0], true).body)) as { error: { projects: { name: string; url: string }[] } };
    expect(body.error.projects).toEqual([{ name: 'web', url: 'https://web.localhost:8443/' }]);
  });
});
