import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config, type Project } from '../../../../shared/config';
import { isPorticoError } from '../../../../main/engine/errors';
import { PROJECT_FIELD_KEYS, setProjectField } from '../../../../main/engine/projects/fields';
import { addProject } from '../../../../main/engine/projects/registry';

const CREATED = new Date('2025-01-01T00:00:00.000Z');
const NOW = new Date('2025-06-01T12:00:00.000Z');
const inSeconds = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();

/** `web` on http://localhost:5173 (web.localhost), `api` on https://127.0.0.1:8443 (api.test). */
function baseConfig(patch: Partial<Project> = {}): Config {
  let config = defaultConfig();
  config = addProject(config, { name: 'web', port: 5173 }, CREATED).config;
  config = addProject(config, { name: 'api', upstream: 'https://127.0.0.1:8443', domains: ['api.test'] }, CREATED).config;
  return { ...config, projects: config.projects.map((p) => (p.name === 'web' ? { ...p, ...patch } : p)) };
}

describe('setProjectField accepts', () => {
  const cases: { name: string; target?: string; key: string; value: string; patch?: Partial<Project>; expected: Partial<Project> }[] = [
    { name: 'an upstream', key: 'upstream', value: 'http://127.0.0.1:4000', expected: { upstream: 'http://127.0.0.1:4000' } },
    { name: 'a port, on a localhost upstream', key: 'port', value: '4000', expected: { upstream: 'http://localhost:4000' } },
    { name: 'a port, keeping scheme and host', target: 'api', key: 'port', value: '9443', expected: { upstream: 'https://127.0.0.1:9443' } },
    { name: 'port 80 on http (the default port)', key: 'port', value: '80', expected: { upstream: 'http://localhost' } },
    { name: 'a port when the stored upstream does not parse', key: 'port', value: '4000', patch: { upstream: 'garbage' }, expected: { upstream: 'http://localhost:4000' } },
    { name: 'a domain list, trimmed', key: 'domains', value: ' web.localhost , www.test ,', expected: { domains: ['web.localhost', 'www.test'] } },
    { name: 'an IDN domain', key: 'domains', value: 'bücher.test', expected: { domains: ['xn--bcher-kva.test'] } },
    { name: 'a wildcard below a name', key: 'domains', value: 'web.localhost,*.web.localhost', expected: { domains: ['web.localhost', '*.web.localhost'] } },
    { name: 'the project keeping its own domain', target: 'api', key: 'domains', value: 'api.test,v2.api.test', expected: { domains: ['api.test', 'v2.api.test'] } },
    { name: 'hsts production', key: 'hsts', value: 'production', expected: { hsts: 'production' } },
    { name: 'secureCookies off', key: 'secureCookies', value: 'off', expected: { secureCookies: false } },
    { name: 'secureCookies TRUE', key: 'secureCookies', value: 'TRUE', patch: { secureCookies: false }, expected: { secureCookies: true } },
    { name: 'a kebab-case key', key: 'secure-cookies', value: 'false', expected: { secureCookies: false } },
    { name: 'hostHeader upstream', key: 'hostHeader', value: 'upstream', expected: { hostHeader: 'upstream' } },
    { name: 'https off', key: 'https', value: 'off', expected: { https: false } },
    { name: 'enabled false', key: 'enabled', value: 'false', expected: { enabled: false } },
  ];

  it.each(cases)('$name', ({ target = 'web', key, value, patch, expected }) => {
    const before = baseConfig(patch);
    const snapshot = structuredClone(before);
    const { config, project } = setProjectField(before, target, key, value, NOW);
    expect(project).toMatchObject({ ...expected, updatedAt: NOW.toISOString(), createdAt: CREATED.toISOString() });
    expect(config.projects.find((p) => p.name === target)).toEqual(project);
    expect(before).toEqual(snapshot);
  });
});

describe('setProjectField and the HSTS reset window', () => {
  const cases: { name: string; patch: Partial<Project>; key: string; value: string; resetUntil: string | undefined }[] = [
    { name: 'production → dev', patch: { hsts: 'production' }, key: 'hsts', value: 'dev', resetUntil: inSeconds(31_536_000) },
    { name: 'production → off', patch: { hsts: 'production' }, key: 'hsts', value: 'off', resetUntil: inSeconds(31_536_000) },
    { name: 'dev → off', patch: { hsts: 'dev' }, key: 'hsts', value: 'off', resetUntil: inSeconds(3600) },
    { name: 'dev → production (raised: no reset)', patch: { hsts: 'dev', hstsResetUntil: inSeconds(10) }, key: 'hsts', value: 'production', resetUntil: undefined },
    { name: 'production → off while HTTPS is off (nothing in force)', patch: { hsts: 'production', https: false }, key: 'hsts', value: 'off', resetUntil: undefined },
    { name: 'https off through set', patch: { hsts: 'dev' }, key: 'https', value: 'off', resetUntil: inSeconds(3600) },
    { name: 'an unrelated field keeps a pending reset', patch: { hsts: 'off', hstsResetUntil: inSeconds(10) }, key: 'port', value: '4000', resetUntil: inSeconds(10) },
  ];

  it.each(cases)('$name', ({ patch, key, value, resetUntil }) => {
    expect(setProjectField(baseConfig(patch), 'web', key, value, NOW).project.hstsResetUntil).toBe(resetUntil);
  });
});

describe('setProjectField refuses', () => {
  const cases: { name: string; project?: string; key: string; value: string; code: string; mentions?: string }[] = [
    { name: 'an unknown project', project: 'nope', key: 'port', value: '1', code: 'E_PROJECT_NOT_FOUND', mentions: 'portico list' },
    { name: 'an unknown key, listing the valid ones', key: 'name', value: 'x', code: 'E_INVALID_INPUT', mentions: PROJECT_FIELD_KEYS.join(', ') },
    { name: 'an invalid upstream', key: 'upstream', value: 'file:///etc/passwd', code: 'E_INVALID_UPSTREAM' },
    { name: 'an upstream with a bad port', key: 'upstream', value: 'http://localhost:99999', code: 'E_INVALID_UPSTREAM' },
    { name: 'an invalid port', key: 'port', value: '0', code: 'E_INVALID_PORT' },
    { name: 'a non-numeric port', key: 'port', value: '5173abc', code: 'E_INVALID_PORT' },
    { name: 'an empty domain list', key: 'domains', value: ' , ', code: 'E_INVALID_INPUT' },
    { name: 'a malformed domain', key: 'domains', value: 'web.localhost,bad_domain.test', code: 'E_INVALID_DOMAIN' },
    { name: 'a domain outside the suffixes', key: 'domains', value: 'web.example.org', code: 'E_DOMAIN_NOT_PERMITTED' },
    { name: "another project's domain", key: 'domains', value: 'web.localhost,api.test', code: 'E_DUPLICATE_DOMAIN', mentions: 'project "api"' },
    { name: 'an unknown HSTS policy', key: 'hsts', value: 'forever', code: 'E_INVALID_INPUT', mentions: 'off, dev, production' },
    { name: 'a non-boolean secureCookies', key: 'secureCookies', value: 'maybe', code: 'E_INVALID_INPUT', mentions: 'on or off' },
    { name: 'an unknown host header mode', key: 'hostHeader', value: 'origin', code: 'E_INVALID_INPUT' },
    { name: 'a non-boolean https', key: 'https', value: 'yes please', code: 'E_INVALID_INPUT' },
    { name: 'a non-boolean enabled', key: 'enabled', value: '', code: 'E_INVALID_INPUT' },
  ];

  it.each(cases)('$name with $code', ({ project = 'web', key, value, code, mentions }) => {
    const before = baseConfig();
    const snapshot = structuredClone(before);
    let caught: unknown;
    try {
      setProjectField(before, project, key, value, NOW);
    } catch (error) {
      caught = error;
    }
    expect(isPorticoError(caught) ? caught.code : caught).toBe(code);
    if (mentions && isPorticoError(caught)) expect(caught.message).toContain(mentions);
    expect(before).toEqual(snapshot);
  });
});
