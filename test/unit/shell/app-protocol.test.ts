import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP_ORIGIN, APP_SCHEME_PRIVILEGES, CONTENT_SECURITY_POLICY, appFilePath, createAppProtocolHandler } from '../../../main/shell/app-protocol';

let base: string;
let root: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'portico-app-protocol-'));
  root = join(base, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Portico</title>');
  await writeFile(join(root, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(root, '.env'), 'SECRET=1');
  await writeFile(join(base, 'secret.txt'), 'outside the renderer');
  await mkdir(join(base, 'renderer-evil'));
  await writeFile(join(base, 'renderer-evil', 'x.js'), 'sibling with a shared prefix');
  await symlink(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'));
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const get = (url: string, method = 'GET') => createAppProtocolHandler(root)(new Request(url, { method }));

describe('app:// protocol handler (EL-3)', () => {
  it('serves index.html for the root and for /index.html, with the CSP header', async () => {
    for (const url of [`${APP_ORIGIN}/`, `${APP_ORIGIN}/index.html`]) {
      const response = await get(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toContain('<title>Portico</title>');
    }
  });

  it('serves an asset with its type; HEAD has no body', async () => {
    const response = await get(`${APP_ORIGIN}/assets/app.js`);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toBe('console.log(1)');
    const head = await get(`${APP_ORIGIN}/assets/app.js`, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it.each([
    'app://portico/../../etc/passwd',
    'app://portico/%2e%2e/%2e%2e/etc/passwd',
    'app://portico/..%2f..%2fetc/passwd',
    'app://portico/..%2F..%2Fsecret.txt',
    'app://portico/%2e%2e%2fsecret.txt',
    'app://portico/assets/..%2f..%2fsecret.txt',
    'app://portico/..%5c..%5csecret.txt',
    'app://portico/%252e%252e/secret.txt',
    'app://portico/assets/%00app.js',
    'app://portico/%E0%A4%A',
    'app://portico//etc/passwd',
    'app://portico/.env',
    'app://portico/assets/link.txt',
    'app://portico/../renderer-evil/x.js',
    'app://portico/assets',
    'app://portico/missing.js',
    'app://evil/index.html',
    'app://portico.evil/index.html',
  ])('%s → 404', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('outside');
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await get(`${APP_ORIGIN}/index.html`, 'POST')).status).toBe(405);
  });

  it.each([
    ['app://portico/../../etc/passwd', null],
    ['app://portico/..%2f..%2fetc/passwd', null],
    ['app://portico/a%5c..%5cb', null],
    ['https://portico/index.html', null],
    ['app://portico/assets/app.js', 'assets/app.js'],
  ])('appFilePath(%s) on the raw string', (url, expected) => {
    const resolved = appFilePath(root, url);
    // WHATWG URL folds literal dot segments before we see them; the result stays inside root.
    if (url === 'app://portico/../../etc/passwd') expect(resolved).toBe(join(root, 'etc', 'passwd'));
    else expect(resolved).toBe(expected === null ? null : join(root, expected));
  });

  it('registers the scheme as standard and secure, without bypassing CSP', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } });
  });

  it("carries EL-2's policy", () => {
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'", "frame-ancestors 'none'"]) {
      expect(CONTENT_SECURITY_POLICY).toContain(directive);
    }
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval/);
  });
});
