import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config, type Project } from '../../../../shared/config';
import { isPorticoError } from '../../../../main/engine/errors';
import { HSTS_MAX_AGE_SECONDS, MAX_HSTS_RESET_SECONDS } from '../../../../main/engine/projects/hsts-reset';
import { addProject, getProject, removeProject, setEnabled, setHttps, type AddProjectInput } from '../../../../main/engine/projects/registry';

const CREATED = new Date('2025-01-01T00:00:00.000Z');
const NOW = new Date('2025-06-01T12:00:00.000Z');
const inSeconds = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();

/** A config holding `web` (port 5173) and `api` (api.test, café.test), added at CREATED. */
function baseConfig(): Config {
  let config = defaultConfig();
  config = addProject(config, { name: 'web', port: 5173 }, CREATED).config;
  config = addProject(config, { name: 'api', port: 3000, domains: ['api.test', 'café.test'] }, CREATED).config;
  return config;
}

function withProject(config: Config, name: string, patch: Partial<Project>): Config {
  return { ...config, projects: config.projects.map((p) => (p.name === name ? { ...p, ...patch } : p)) };
}

function errorOf(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isPorticoError(error)) return { code: error.code, message: error.message };
    return { code: `not a PorticoError: ${String(error)}`, message: '' };
  }
  return { code: 'no error', message: '' };
}

describe('addProject', () => {
  const accepted: { name: string; input: AddProjectInput; expected: Partial<Project> }[] = [
    { name: 'a port', input: { name: 'shop', port: 5173 }, expected: { upstream: 'http://localhost:5173', domains: ['shop.localhost'] } },
    { name: 'a port given as text', input: { name: 'shop', port: ' 8080 ' }, expected: { upstream: 'http://localhost:8080' } },
    { name: 'an upstream, normalized to its origin', input: { name: 'shop', upstream: 'HTTP://127.0.0.1:3000/' }, expected: { upstream: 'http://127.0.0.1:3000' } },
    { name: 'an https upstream', input: { name: 'shop', upstream: 'https://localhost:8443' }, expected: { upstream: 'https://localhost:8443' } },
    { name: 'a name with surrounding spaces', input: { name: ' shop ', port: 1 }, expected: { name: 'shop' } },
    { name: 'an IDN domain, stored as punycode', input: { name: 'shop', port: 1, domains: ['Bücher.test'] }, expected: { domains: ['xn--bcher-kva.test'] } },
    { name: 'repeated domains, de-duplicated after normalizing', input: { name: 'shop', port: 1, domains: ['a.test', 'A.TEST', 'a.test.', 'b.test'] }, expected: { domains: ['a.test', 'b.test'] } },
    { name: 'a wildcard below a name', input: { name: 'shop', port: 1, domains: ['shop.localhost', '*.shop.localhost'] }, expected: { domains: ['shop.localhost', '*.shop.localhost'] } },
    { name: 'an empty domain list (the default)', input: { name: 'shop', port: 1, domains: [] }, expected: { domains: ['shop.localhost'] } },
    {
      name: 'every option',
      input: { name: 'shop', port: 1, https: false, hsts: 'Production', secureCookies: false, hostHeader: 'upstream' },
      expected: { https: false, hsts: 'production', secureCookies: false, hostHeader: 'upstream' },
    },
  ];

  it.each(accepted)('accepts $name', ({ input, expected }) => {
    const before = baseConfig();
    const snapshot = structuredClone(before);
    const { config, project } = addProject(before, input, NOW);
    expect(project).toMatchObject(expected);
    expect(config.projects.at(-1)).toEqual(project);
    expect(config.projects).toHaveLength(3);
    expect(before).toEqual(snapshot);
  });

  it('applies the schema defaults and stamps both times', () => {
    const { project } = addProject(defaultConfig(), { name: 'shop', port: 5173 }, NOW);
    expect(project).toEqual({
      name: 'shop',
      upstream: 'http://localhost:5173',
      domains: ['shop.localhost'],
      enabled: true,
      https: true,
      hsts: 'dev',
      secureCookies: true,
      hostHeader: 'preserve',
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
  });

  const refused: { name: string; input: AddProjectInput; code: string; mentions?: string; config?: Config }[] = [
    { name: 'neither port nor upstream', input: { name: 'shop' }, code: 'E_INVALID_INPUT', mentions: 'exactly one' },
    { name: 'both port and upstream', input: { name: 'shop', port: 1, upstream: 'http://localhost:1' }, code: 'E_INVALID_INPUT', mentions: 'not both' },
    { name: 'an upper-case name', input: { name: 'Shop', port: 1 }, code: 'E_INVALID_NAME' },
    { name: 'a name with a dot', input: { name: 'my.shop', port: 1 }, code: 'E_INVALID_NAME' },
    { name: 'an empty name', input: { name: '', port: 1 }, code: 'E_INVALID_NAME' },
    { name: 'port 0', input: { name: 'shop', port: 0 }, code: 'E_INVALID_PORT' },
    { name: 'port 65536', input: { name: 'shop', port: '65536' }, code: 'E_INVALID_PORT' },
    { name: 'a port that is not a number', input: { name: 'shop', port: 'http' }, code: 'E_INVALID_PORT' },
    { name: 'an ftp upstream', input: { name: 'shop', upstream: 'ftp://localhost:21' }, code: 'E_INVALID_UPSTREAM' },
    { name: 'an upstream with a path', input: { name: 'shop', upstream: 'http://localhost:5173/app' }, code: 'E_INVALID_UPSTREAM' },
    { name: 'an upstream that is not a URL', input: { name: 'shop', upstream: 'localhost' }, code: 'E_INVALID_UPSTREAM' },
    { name: 'a malformed domain', input: { name: 'shop', port: 1, domains: ['shop test'] }, code: 'E_INVALID_DOMAIN' },
    { name: 'a bare suffix', input: { name: 'shop', port: 1, domains: ['test'] }, code: 'E_INVALID_DOMAIN' },
    { name: 'a second-level wildcard', input: { name: 'shop', port: 1, domains: ['*.localhost'] }, code: 'E_INVALID_DOMAIN' },
    { name: 'an IP literal', input: { name: 'shop', port: 1, domains: ['127.0.0.1'] }, code: 'E_INVALID_DOMAIN' },
    { name: 'a domain outside the suffixes', input: { name: 'shop', port: 1, domains: ['shop.example.com'] }, code: 'E_DOMAIN_NOT_PERMITTED', mentions: 'portico ca rotate' },
    {
      name: 'the default domain when the CA excludes .localhost',
      input: { name: 'shop', port: 1 },
      code: 'E_DOMAIN_NOT_PERMITTED',
      config: { ...baseConfig(), ca: { suffixes: ['.internal'] } },
    },
    { name: 'a duplicate name', input: { name: 'web', port: 1 }, code: 'E_DUPLICATE_NAME', mentions: '"web"' },
    { name: 'a domain another project serves', input: { name: 'shop', port: 1, domains: ['web.localhost'] }, code: 'E_DUPLICATE_DOMAIN', mentions: 'project "web"' },
    { name: 'the same IDN domain in another spelling', input: { name: 'shop', port: 1, domains: ['CAFÉ.test'] }, code: 'E_DUPLICATE_DOMAIN', mentions: 'project "api"' },
    { name: 'an unknown HSTS policy', input: { name: 'shop', port: 1, hsts: 'preload' }, code: 'E_INVALID_INPUT', mentions: 'off, dev, production' },
    { name: 'an unknown host header mode', input: { name: 'shop', port: 1, hostHeader: 'rewrite' }, code: 'E_INVALID_INPUT', mentions: 'preserve or upstream' },
  ];

  it.each(refused)('refuses $name with $code', ({ input, code, mentions, config }) => {
    const before = config ?? baseConfig();
    const snapshot = structuredClone(before);
    const error = errorOf(() => addProject(before, input, NOW));
    expect(error.code).toBe(code);
    if (mentions) expect(error.message).toContain(mentions);
    expect(before).toEqual(snapshot);
  });

  it('accepts a domain under a suffix the CA was given', () => {
    const config = { ...defaultConfig(), ca: { suffixes: ['.internal'] } };
    expect(addProject(config, { name: 'shop', port: 1, domains: ['shop.internal'] }, NOW).project.domains).toEqual(['shop.internal']);
  });
});

describe('getProject and removeProject', () => {
  it('finds a project by name', () => {
    expect(getProject(baseConfig(), 'api').domains).toEqual(['api.test', 'xn--caf-dma.test']);
  });

  it('removes a project and returns it, keeping the others in order', () => {
    const before = baseConfig();
    const { config, project } = removeProject(before, 'web');
    expect(project.name).toBe('web');
    expect(config.projects.map((p) => p.name)).toEqual(['api']);
    expect(before.projects).toHaveLength(2);
  });

  it.each([
    { name: 'get', run: (config: Config) => getProject(config, 'nope') },
    { name: 'remove', run: (config: Config) => removeProject(config, 'nope') },
    { name: 'setHttps', run: (config: Config) => setHttps(config, 'nope', true, NOW) },
    { name: 'setEnabled', run: (config: Config) => setEnabled(config, 'nope', true, NOW) },
  ])('$name of an unknown project → E_PROJECT_NOT_FOUND pointing to portico list', ({ run }) => {
    const error = errorOf(() => run(baseConfig()));
    expect(error.code).toBe('E_PROJECT_NOT_FOUND');
    expect(error.message).toContain('portico list');
  });
});

describe('setEnabled', () => {
  it.each([true, false])('sets enabled to %s and stamps updatedAt, leaving createdAt', (on) => {
    const { project, config } = setEnabled(baseConfig(), 'web', on, NOW);
    expect(project).toMatchObject({ enabled: on, createdAt: CREATED.toISOString(), updatedAt: NOW.toISOString() });
    expect(getProject(config, 'web')).toEqual(project);
    expect(getProject(config, 'api').updatedAt).toBe(CREATED.toISOString());
  });
});

describe('setHttps and the HSTS reset window', () => {
  const cases: { name: string; patch: Partial<Project>; on: boolean; resetUntil: string | undefined }[] = [
    { name: 'off under dev', patch: { https: true, hsts: 'dev' }, on: false, resetUntil: inSeconds(3600) },
    { name: 'off under production', patch: { https: true, hsts: 'production' }, on: false, resetUntil: inSeconds(31_536_000) },
    { name: 'off with HSTS off', patch: { https: true, hsts: 'off' }, on: false, resetUntil: undefined },
    { name: 'off when already off', patch: { https: false, hsts: 'production' }, on: false, resetUntil: undefined },
    { name: 'on again (the new header replaces the pin)', patch: { https: false, hsts: 'dev', hstsResetUntil: inSeconds(100) }, on: true, resetUntil: undefined },
    { name: 'off under dev while a longer reset is pending (kept)', patch: { https: true, hsts: 'dev', hstsResetUntil: inSeconds(86_400) }, on: false, resetUntil: inSeconds(86_400) },
    { name: 'off under dev while a shorter reset is pending (extended)', patch: { https: true, hsts: 'dev', hstsResetUntil: inSeconds(60) }, on: false, resetUntil: inSeconds(3600) },
    { name: 'off with an unreadable pending reset (replaced)', patch: { https: true, hsts: 'dev', hstsResetUntil: 'soon' }, on: false, resetUntil: inSeconds(3600) },
    { name: 'on when already on (unchanged)', patch: { https: true, hsts: 'dev', hstsResetUntil: inSeconds(60) }, on: true, resetUntil: inSeconds(60) },
  ];

  it.each(cases)('$name', ({ patch, on, resetUntil }) => {
    const { project } = setHttps(withProject(baseConfig(), 'web', patch), 'web', on, NOW);
    expect(project.https).toBe(on);
    expect(project.hstsResetUntil).toBe(resetUntil);
  });

  it('never opens a reset window longer than a year', () => {
    expect(Math.max(...Object.values(HSTS_MAX_AGE_SECONDS))).toBeLessThanOrEqual(MAX_HSTS_RESET_SECONDS);
    expect(MAX_HSTS_RESET_SECONDS).toBe(365 * 24 * 3600);
  });
});
