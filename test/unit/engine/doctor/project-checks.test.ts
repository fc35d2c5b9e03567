import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createViteServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../../../shared/config';
import { createEngine, type EngineParts } from '../../../../main/engine';
import { detectHostRefusal } from '../../../../main/engine/doctor/host-check';
import { projectChecks } from '../../../../main/engine/doctor/project-checks';
import type { CommandHandlers } from '../../../../main/engine/handlers';

function project(upstream: string, extra: Partial<Project> = {}): Project {
  return { name: 'web', upstream, domains: ['web.localhost', 'web.test'], enabled: true, https: true, hsts: 'dev', secureCookies: true, hostHeader: 'preserve', createdAt: 't', updatedAt: 't', ...extra };
}

describe('detectHostRefusal', () => {
  const cases: { name: string; status: number; body: string; server: string | null }[] = [
    { name: 'Vite 5+ dev server', status: 403, body: 'Blocked request. This host ("web.test") is not allowed.\nTo allow this host, add "web.test" to `server.allowedHosts` in vite.config.js.', server: 'vite' },
    { name: 'Vite preview', status: 403, body: 'Blocked request. This host ("web.test") is not allowed.\nTo allow this host, add "web.test" to `preview.allowedHosts` in vite.config.js.', server: 'vite' },
    { name: 'webpack-dev-server', status: 403, body: 'Invalid Host header', server: 'webpack' },
    { name: 'an app that forbids /', status: 403, body: '<h1>Forbidden</h1>', server: null },
    { name: 'a page quoting the text', status: 200, body: 'Blocked request. This host ("x") is not allowed.', server: null },
  ];
  for (const c of cases) it(c.name, () => expect(detectHostRefusal({ status: c.status, body: c.body })?.server ?? null).toBe(c.server));
});

describe('projectChecks against a real Vite dev server', () => {
  let dir: string;
  let vite: ViteDevServer;
  let upstream: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-doctor-vite-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>web</title>');
    vite = await createViteServer({ root: dir, configFile: false, logLevel: 'silent', server: { host: '127.0.0.1', port: 0, strictPort: false }, cacheDir: join(dir, '.vite') });
    await vite.listen();
    const address = vite.httpServer?.address();
    upstream = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await vite.close();
    await rm(dir, { recursive: true, force: true });
  });

  const deps = { paths: { cert: () => '/none/cert.pem', key: () => '/none/key.pem', certDir: () => '/none' }, rootPem: null, env: {}, now: new Date() };

  it('spots Vite refusing the project Host, and gives both fixes', async () => {
    const checks = await projectChecks(project(upstream), deps);
    const host = checks.find((c) => c.id === 'host-check.web');
    expect(checks.find((c) => c.id === 'upstream.web')?.status).toBe('ok');
    expect(host).toMatchObject({ status: 'fail', detail: expect.stringContaining('vite dev server refuses Host "web.test" (HTTP 403)') });
    expect(host?.fix).toContain("server: { allowedHosts: ['web.test'] }");
    expect(host?.fix).toContain('portico set web hostHeader upstream');
  });

  it('a .localhost-only project passes (Vite allows .localhost), and `hostHeader upstream` needs no probe', async () => {
    expect((await projectChecks(project(upstream, { domains: ['web.localhost'] }), deps)).find((c) => c.id === 'host-check.web')).toMatchObject({ status: 'ok', detail: expect.stringContaining('HTTP 200') });
    expect((await projectChecks(project(upstream, { hostHeader: 'upstream' }), deps)).find((c) => c.id === 'host-check.web')?.status).toBe('ok');
  });
});

describe('projectChecks: dev server down, certificates, HSTS', () => {
  let dir: string;
  let parts: EngineParts;
  let handlers: CommandHandlers;
  let server: Server;
  let upstream: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-doctor-project-'));
    ({ parts, handlers } = createEngine({ dataDir: dir, env: { HOME: join(dir, 'home') }, interactive: false }));
    server = createHttpServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    upstream = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    await handlers['projects.add']({ name: 'web', upstream, domains: ['web.localhost', 'web.test'] });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  const depsAt = async (now: Date) => ({ paths: parts.paths, rootPem: (await parts.ca.get()).ca.certPem, env: {}, now });

  it('a dev server that does not answer is a warning with its address', async () => {
    const closed = createHttpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const down = `http://127.0.0.1:${(closed.address() as { port: number }).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const [up] = await projectChecks(project(down), await depsAt(new Date()));
    expect(up).toMatchObject({ id: 'upstream.web', status: 'warn', detail: expect.stringContaining('connection refused'), fix: `start the dev server on ${down}` });
  });

  it('certificate: not issued yet, then valid, then close to expiry', async () => {
    const p = project(upstream);
    expect((await projectChecks(p, await depsAt(new Date()))).find((c) => c.id === 'cert.web')).toMatchObject({ status: 'skip' });
    const view = await handlers['certs.get']({ name: 'web' });
    expect((await projectChecks(p, await depsAt(new Date()))).find((c) => c.id === 'cert.web')).toMatchObject({ status: 'ok', detail: expect.stringContaining('web.test') });
    const late = new Date(Date.parse(view.certificate.notAfter) - 2 * 86_400_000);
    expect((await projectChecks(p, await depsAt(late))).find((c) => c.id === 'cert.web')).toMatchObject({ status: 'warn', fix: 'portico cert web' });
  });

  const hstsCases: { name: string; extra: Partial<Project>; status: string | undefined }[] = [
    { name: 'HTTPS on: no HSTS check', extra: {}, status: undefined },
    { name: 'HTTPS off, dev policy, no reset pending', extra: { https: false }, status: 'ok' },
    { name: 'HTTPS off after production', extra: { https: false, hsts: 'production' }, status: 'warn' },
    { name: 'HTTPS off with a reset pending', extra: { https: false, hstsResetUntil: new Date(Date.now() + 3_600_000).toISOString() }, status: 'warn' },
    { name: 'HTTPS off, production, only .localhost names (Chromium ignores HSTS there)', extra: { https: false, hsts: 'production', domains: ['web.localhost'] }, status: 'ok' },
  ];
  for (const c of hstsCases) {
    it(`HSTS: ${c.name}`, async () => {
      const found = (await projectChecks(project(upstream, c.extra), await depsAt(new Date()))).find((check) => check.id === 'hsts.web');
      expect(found?.status).toBe(c.status);
      if (c.status === 'warn') expect(found?.fix).toContain('chrome://net-internals/#hsts');
    });
  }
});
