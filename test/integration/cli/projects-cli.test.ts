import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempHome } from '../../helpers/portico-home';
import { runCli, runCliJson } from '../../helpers/run-cli';

interface ListedProject {
  name: string;
  domains: string[];
  upstream: string;
  enabled: boolean;
  https: boolean;
  hsts: string;
  secureCookies: boolean;
  hostHeader: string;
}

describe('portico project commands', () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  let env: NodeJS.ProcessEnv;
  const configPath = () => join(home.dir, 'config.json');

  beforeEach(async () => {
    home = await tempHome();
    env = { PORTICO_HOME: home.dir };
  });
  afterEach(() => home.cleanup());

  it('prints help and exits 0', async () => {
    const result = await runCli(['--help'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: portico <command>/);
    expect(result.stdout).toMatch(/\badd\b/);
  });

  it('adds, lists, shows, toggles, sets and removes a project', async () => {
    const added = await runCli(['add', 'web', '--port', '5173'], env);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('https://web.localhost');

    const listed = await runCliJson<ListedProject[]>(['list'], env);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      name: 'web',
      domains: ['web.localhost'],
      upstream: 'http://localhost:5173',
      enabled: true,
      https: true,
      hsts: 'dev',
      secureCookies: true,
      hostHeader: 'preserve',
    });

    expect((await runCliJson<ListedProject>(['https', 'web', 'off'], env)).https).toBe(false);
    expect((await runCliJson<ListedProject>(['disable', 'web'], env)).enabled).toBe(false);
    expect((await runCliJson<ListedProject>(['enable', 'web'], env)).enabled).toBe(true);
    expect((await runCliJson<ListedProject>(['set', 'web', 'hsts', 'production'], env)).hsts).toBe('production');
    expect((await runCliJson<ListedProject>(['set', 'web', 'domains', 'web.localhost,web.test'], env)).domains).toEqual(['web.localhost', 'web.test']);
    expect((await runCliJson<ListedProject>(['show', 'web'], env)).upstream).toBe('http://localhost:5173');

    const removed = await runCli(['rm', 'web'], env);
    expect(removed.code, removed.stderr).toBe(0);
    expect(await runCliJson<ListedProject[]>(['list'], env)).toEqual([]);
  });

  it('adds a project with every option', async () => {
    const project = await runCliJson<ListedProject>(
      ['add', 'api', '--upstream', 'http://127.0.0.1:3000', '--domain', 'api.test', '--domain', 'API.localhost', '--no-https', '--hsts', 'off', '--no-secure-cookies', '--host-header', 'upstream'],
      env,
    );
    expect(project).toMatchObject({
      name: 'api',
      upstream: 'http://127.0.0.1:3000',
      domains: ['api.test', 'api.localhost'],
      https: false,
      hsts: 'off',
      secureCookies: false,
      hostHeader: 'upstream',
    });
  });

  it('takes the dev server as a second word: a port or an origin', async () => {
    expect(await runCliJson<ListedProject>(['add', 'web', '5173'], env)).toMatchObject({ name: 'web', upstream: 'http://localhost:5173' });
    expect(await runCliJson<ListedProject>(['add', 'api', 'http://127.0.0.1:3000'], env)).toMatchObject({ name: 'api', upstream: 'http://127.0.0.1:3000' });
  });

  describe('refuses bad input and leaves the config byte-for-byte unchanged', () => {
    const cases: Array<{ name: string; args: string[]; code: string; exit?: number }> = [
      { name: 'invalid name', args: ['add', 'Bad_Name', '--port', '3000'], code: 'E_INVALID_NAME' },
      { name: 'duplicate name', args: ['add', 'web', '--port', '3001'], code: 'E_DUPLICATE_NAME' },
      { name: 'duplicate domain', args: ['add', 'other', '--port', '3001', '--domain', 'web.localhost'], code: 'E_DUPLICATE_DOMAIN' },
      { name: 'port 0', args: ['add', 'zero', '--port', '0'], code: 'E_INVALID_PORT' },
      { name: 'port 70000', args: ['add', 'big', '--port', '70000'], code: 'E_INVALID_PORT' },
      { name: 'port not a number', args: ['add', 'nan', '--port', 'abc'], code: 'E_INVALID_PORT' },
      { name: 'port 70000 as the second word', args: ['add', 'big', '70000'], code: 'E_INVALID_PORT' },
      { name: 'a second word that is neither port nor URL', args: ['add', 'odd', 'abc'], code: 'E_INVALID_UPSTREAM' },
      { name: 'domain outside the constraints', args: ['add', 'evil', '--port', '3000', '--domain', 'evil.com'], code: 'E_DOMAIN_NOT_PERMITTED' },
      { name: 'bare suffix', args: ['add', 'bare', '--port', '3000', '--domain', 'test'], code: 'E_INVALID_DOMAIN' },
      { name: 'second-level wildcard', args: ['add', 'wild', '--port', '3000', '--domain', '*.localhost'], code: 'E_INVALID_DOMAIN' },
      { name: 'hosts-file injection', args: ['add', 'inject', '--port', '3000', '--domain', 'a.test\n1.2.3.4 bank.com'], code: 'E_INVALID_DOMAIN' },
      { name: 'bad upstream scheme', args: ['add', 'ftp', '--upstream', 'ftp://localhost:21'], code: 'E_INVALID_UPSTREAM' },
      { name: 'unknown project (rm)', args: ['rm', 'nope'], code: 'E_PROJECT_NOT_FOUND' },
      { name: 'unknown project (https)', args: ['https', 'nope', 'on'], code: 'E_PROJECT_NOT_FOUND' },
      { name: 'unknown key (set)', args: ['set', 'web', 'colour', 'blue'], code: 'E_INVALID_INPUT' },
      { name: 'bad hsts value', args: ['set', 'web', 'hsts', 'forever'], code: 'E_INVALID_INPUT' },
    ];
    for (const testCase of cases) {
      it(testCase.name, async () => {
        expect((await runCli(['add', 'web', '--port', '5173'], env)).code).toBe(0);
        const before = await readFile(configPath());
        const result = await runCli(testCase.args, env);
        expect(result.code, result.stdout + result.stderr).toBe(1);
        expect(result.stderr).toContain(testCase.code);
        expect(await readFile(configPath())).toEqual(before);
      });
    }

    it('usage errors exit 2 without touching anything', async () => {
      expect((await runCli(['add', 'web', '--port', '5173'], env)).code).toBe(0);
      const before = await readFile(configPath());
      for (const args of [['add', 'x'], ['add', 'x', '--port', '1', '--upstream', 'http://localhost:1'], ['add', 'x', '5173', '--port', '5173'], ['add', 'x', '1', '2'], ['add', 'x', '--bogus'], ['https', 'web', 'maybe'], ['frobnicate']]) {
        const result = await runCli(args, env);
        expect(result.code, args.join(' ')).toBe(2);
      }
      expect(await readFile(configPath())).toEqual(before);
    });
  });

  it('fails every command with E_CONFIG_CORRUPT naming the file, and never rewrites it', async () => {
    const corrupt = '{"version": 1, "projects": [ oops';
    await writeFile(configPath(), corrupt);
    for (const args of [['list'], ['add', 'web', '--port', '5173'], ['show', 'web'], ['https', 'web', 'on']]) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toContain('E_CONFIG_CORRUPT');
      expect(result.stderr).toContain(configPath());
    }
    expect(await readFile(configPath(), 'utf8')).toBe(corrupt);
  });

  it('refuses a config written by a newer Portico', async () => {
    const newer = JSON.stringify({ version: 99, projects: [] });
    await writeFile(configPath(), newer);
    const result = await runCli(['list'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('E_CONFIG_TOO_NEW');
    expect(await readFile(configPath(), 'utf8')).toBe(newer);
  });

  it('keeps all twenty projects when twenty `portico add` processes run at once', { timeout: 180_000 }, async () => {
    const names = Array.from({ length: 20 }, (_, i) => `p${i}`);
    const results = await Promise.all(names.map((name, i) => runCli(['add', name, '--port', String(4000 + i)], env)));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const config = JSON.parse(await readFile(configPath(), 'utf8')) as { projects: Array<{ name: string }> };
    expect(config.projects.map((p) => p.name).sort()).toEqual([...names].sort());
  });
});
