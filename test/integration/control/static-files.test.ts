import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../main/control/responses';
import { rawRequest, startHarness } from './harness';

const INDEX = '<!doctype html><title>Portico</title><script type="module" src="/assets/app.js"></script>';
const SECRET = 'SECRET-OUTSIDE-THE-DASHBOARD';

let dir: string;
let harness: Awaited<ReturnType<typeof startHarness>>;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-control-static-'));
  const dist = join(dir, 'dist');
  await mkdir(join(dist, 'assets'), { recursive: true });
  await writeFile(join(dist, 'index.html'), INDEX);
  await writeFile(join(dist, 'assets', 'app.js'), 'console.log("dashboard");');
  await writeFile(join(dist, 'assets', 'app.css'), 'body{}');
  await writeFile(join(dist, '.env'), SECRET);
  await writeFile(join(dir, 'secret.txt'), SECRET);
  await mkdir(join(dist, 'empty-dir'));
  if (process.platform !== 'win32') await symlink(dir, join(dist, 'escape'));
  harness = await startHarness({ staticDir: dist });
});
afterEach(async () => {
  await harness.server.close();
  await rm(dir, { recursive: true, force: true });
});

const host = () => ({ host: `127.0.0.1:${harness.server.port}` });

describe('static dashboard', () => {
  it('/ serves index.html without a token, with the strict CSP', async () => {
    const res = await rawRequest(harness.server.port, { path: '/', headers: host() });
    expect(res.status).toBe(200);
    expect(res.body).toBe(INDEX);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('/index.html is the same page; a query string does not matter', async () => {
    for (const path of ['/index.html', '/?x=1']) {
      const res = await rawRequest(harness.server.port, { path, headers: host() });
      expect(res.body, path).toBe(INDEX);
    }
  });

  it.each([
    ['/assets/app.js', 'text/javascript; charset=utf-8'],
    ['/assets/app.css', 'text/css; charset=utf-8'],
  ])('%s has content type %s', async (path, type) => {
    const res = await rawRequest(harness.server.port, { path, headers: host() });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
  });

  it('HEAD answers the headers only', async () => {
    const res = await rawRequest(harness.server.port, { method: 'HEAD', path: '/', headers: host() });
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(INDEX)));
    expect(res.body).toBe('');
  });

  const escapes = [
    '/../../etc/passwd',
    '/../secret.txt',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets/../../secret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/.env',
    '/%2eenv',
    '/escape/secret.txt',
    '/empty-dir',
    '/missing.js',
    '//etc/passwd',
  ];
  it.each(escapes)('%s → 404, never the file', async (path) => {
    const res = await rawRequest(harness.server.port, { path, headers: host() });
    expect(res.status).toBe(404);
    expect(res.body).not.toContain(SECRET);
    expect(res.body).not.toContain('root:');
  });

  it('POST and other methods on static paths → 405', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await rawRequest(harness.server.port, { method, path: '/', headers: { ...host(), 'content-type': 'application/json' }, body: '{}' });
      expect(res.status, method).toBe(405);
    }
  });

  it('without a static dir, / → 404', async () => {
    const bare = await startHarness();
    try {
      expect((await rawRequest(bare.server.port, { path: '/', headers: { host: `127.0.0.1:${bare.server.port}` } })).status).toBe(404);
    } finally {
      await bare.server.close();
    }
  });

  it('the dashboard URL carries the token in the fragment only', () => {
    const url = new URL(harness.server.dashboardUrl);
    expect(url.origin).toBe(harness.server.url);
    expect(url.search).toBe('');
    expect(url.hash).toBe(`#token=${harness.server.token}`);
  });
});
