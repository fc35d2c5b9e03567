import { describe, expect, it } from 'vitest';
import { ProjectSchema } from '../../../../shared/config';
import { createRouteTable, hostKey, hostPort, routeFromProject, routeTableFromProjects, type Route } from '../../../../main/engine/proxy/router';

function route(project: string, domains: string[], extra: Partial<Route> = {}): Route {
  return { project, domains, upstream: 'http://localhost:5173', https: true, hsts: 'dev', secureCookies: true, hostHeader: 'preserve', enabled: true, ...extra };
}

describe('hostKey', () => {
  const cases: [name: string, input: string | undefined, expected: string | null][] = [
    ['plain name', 'web.localhost', 'web.localhost'],
    ['upper case', 'WEB.Localhost', 'web.localhost'],
    ['port stripped', 'web.localhost:8443', 'web.localhost'],
    ['trailing dot', 'web.localhost.', 'web.localhost'],
    ['trailing dot and port', 'web.localhost.:443', 'web.localhost'],
    ['surrounding space', '  api.test ', 'api.test'],
    ['IPv6 literal with port', '[::1]:8443', '[::1]'],
    ['IPv6 literal', '[::1]', '[::1]'],
    ['IPv4 with port', '127.0.0.1:80', '127.0.0.1'],
    ['empty', '', null],
    ['only a port', ':443', null],
    ['undefined', undefined, null],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(hostKey(input)).toBe(expected);
  });
});

describe('hostPort', () => {
  const cases: [name: string, input: string | undefined, expected: number | undefined][] = [
    ['name with port', 'web.localhost:8443', 8443],
    ['name without port', 'web.localhost', undefined],
    ['IPv6 with port', '[::1]:80', 80],
    ['IPv6 without port', '[::1]', undefined],
    ['undefined', undefined, undefined],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(hostPort(input)).toBe(expected);
  });
});

describe('RouteTable.match', () => {
  const web = route('web', ['web.localhost', '*.web.localhost']);
  const api = route('api', ['api.test', 'API2.test']);
  const off = route('off', ['off.localhost'], { enabled: false });
  const shadow = route('shadow', ['web.localhost', 'shadow.localhost']);
  const table = createRouteTable([web, api, off, shadow]);

  const cases: [name: string, host: string | undefined, expected: string | null][] = [
    ['exact name', 'web.localhost', 'web'],
    ['exact name with port and case', 'Web.LocalHost:8443', 'web'],
    ['one-label wildcard', 'a.web.localhost', 'web'],
    ['wildcard with port', 'hmr.web.localhost:443', 'web'],
    ['wildcard does not cover two labels', 'b.a.web.localhost', null],
    ['wildcard does not cover its parent suffix', 'localhost', null],
    ['domain stored in upper case matches', 'api2.test', 'api'],
    ['disabled project still matches (the flow decides)', 'off.localhost', 'off'],
    ['first project keeps a duplicated name', 'web.localhost', 'web'],
    ['second project keeps its other names', 'shadow.localhost', 'shadow'],
    ['unknown name', 'evil.example', null],
    ['suffix of a known name', 'localhost', null],
    ['missing host', undefined, null],
    ['empty host', '', null],
  ];
  it.each(cases)('%s', (_name, host, expected) => {
    expect(table.match(host)?.project ?? null).toBe(expected);
  });

  it('keeps the routes in order and frozen', () => {
    expect(table.routes.map((r) => r.project)).toEqual(['web', 'api', 'off', 'shadow']);
    expect(Object.isFrozen(table.routes)).toBe(true);
  });

  it('is not affected by later changes to the input array', () => {
    const input = [web];
    const built = createRouteTable(input);
    input.push(api);
    expect(built.match('api.test')).toBeNull();
    expect(built.routes).toHaveLength(1);
  });

  it('an empty table matches nothing', () => {
    expect(createRouteTable([]).match('web.localhost')).toBeNull();
  });
});

describe('routeFromProject', () => {
  const base = { name: 'web', upstream: 'http://localhost:5173', domains: ['Web.localhost'], createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' };

  it('applies config defaults and lower-cases domains', () => {
    const r = routeFromProject(ProjectSchema.parse(base));
    expect(r).toEqual({ project: 'web', domains: ['web.localhost'], upstream: 'http://localhost:5173', https: true, hsts: 'dev', secureCookies: true, hostHeader: 'preserve', enabled: true });
  });

  it('carries hstsResetUntil only when the project has one', () => {
    expect(routeFromProject(ProjectSchema.parse({ ...base, hstsResetUntil: '2026-02-01T00:00:00Z' })).hstsResetUntil).toBe('2026-02-01T00:00:00Z');
    expect('hstsResetUntil' in routeFromProject(ProjectSchema.parse(base))).toBe(false);
  });

  it('routeTableFromProjects builds a table from config projects', () => {
    const table = routeTableFromProjects([ProjectSchema.parse(base), ProjectSchema.parse({ ...base, name: 'api', domains: ['api.test'], https: false })]);
    expect(table.match('api.test')?.https).toBe(false);
    expect(table.match('web.localhost')?.project).toBe('web');
  });
});
