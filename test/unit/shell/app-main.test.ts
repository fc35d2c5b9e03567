/**
 * The desktop app's composition root (dist/shell/main.cjs) run under plain Node with a stand-in
 * for the `electron` module (harness/fake-electron.cjs): no Electron runtime exists here. The
 * engine really runs, in its own process (the fake `utilityProcess.fork`), on a throwaway data dir;
 * the test reads what the app shows in the tray and drives it as a user would.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlFilePath, readControlFile } from '../../../main/control';
import { createEngine } from '../../../main/engine';
import { startEngine } from '../../../main/engine/runtime';
import { createEndpointPair, inProcessHost } from '../../../main/shell/engine-endpoints';
import { runEngineHost } from '../../../main/shell/engine-host';
import { spawnEngine } from '../../../main/shell/engine-link';
import { isSealedKeyFile } from '../../../main/engine/pki/sealed-key';
import { tempHome } from '../../helpers/portico-home';
import { buildShell } from './harness/build-shell';
import { findItem, isRunningTray, launchApp, trayWhere } from './harness/app-process';
import type { MenuItemReport, Report } from './harness/app-process';

describe('the desktop app under a stand-in Electron', () => {
  let work: Awaited<ReturnType<typeof tempHome>>;
  let data: string;
  let app: ReturnType<typeof launchApp>;
  const waitFor = (match: (report: Report) => boolean) => app.waitFor(match);
  const next = (match: (report: Report) => boolean) => app.next(match);
  const send = (command: Record<string, unknown>) => app.send(command);
  const find = findItem;
  type Item = MenuItemReport;

  beforeAll(async () => {
    work = await tempHome('portico-shell-app-');
    data = join(work.dir, 'data');
    const outdir = await buildShell(join(work.dir, 'app'));
    await createEngine({ dataDir: data }).handlers['projects.add']({ name: 'web', port: 5173, https: true });
    app = launchApp(outdir, { PORTICO_HOME: data });
  }, 120_000);

  afterAll(async () => {
    app.kill();
    await work.cleanup();
  });

  it('keeps Electron state inside the data dir and registers app:// before anything else', async () => {
    expect((await waitFor((r) => r.fake === 'set-path')).data).toEqual({ name: 'userData', value: join(data, 'electron') });
    expect((await waitFor((r) => r.fake === 'schemes')).data).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    await waitFor((r) => r.fake === 'enable-sandbox');
  });

  it('opens a hardened window on app://portico', async () => {
    const created = (await waitFor((r) => r.fake === 'window-created')).data as { webPreferences: Record<string, unknown>; show: boolean };
    expect(created.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, allowRunningInsecureContent: false });
    expect(String(created.webPreferences.preload)).toMatch(/dist[/\\]shell[/\\]preload\.cjs$/);
    expect((await waitFor((r) => r.fake === 'window-load')).data).toBe('app://portico/index.html');
    await waitFor((r) => r.fake === 'window-show');
  });

  it('starts its engine in a separate process, with the CA key sealed, and the tray shows it running', async () => {
    const forked = (await waitFor((r) => r.fake === 'utility-fork')).data as { modulePath: string; pid: number };
    expect(forked.modulePath).toMatch(/engine\.cjs$/);
    const running = await waitFor(trayWhere((items) => isRunningTray(items) && find(items, 'project:web') !== undefined));
    const items = running.data as Item[];
    expect(find(items, 'project:web:https')).toMatchObject({ checked: true, enabled: true });
    const record = await readControlFile(controlFilePath(data));
    expect(record?.pid).toBe(forked.pid);
    expect(isSealedKeyFile(await readFile(join(data, 'ca', 'root-key.pem')))).toBe(true);
  });

  it('serves the dashboard through the app:// handler with the CSP, and 404s a traversal', async () => {
    send({ fake: 'fetch-app', url: 'app://portico/index.html' });
    expect((await next((r) => r.fake === 'app-response')).data).toMatchObject({ status: 200, csp: expect.stringContaining("default-src 'none'") });
    send({ fake: 'fetch-app', url: 'app://portico/..%2f..%2fpackage.json' });
    expect((await next((r) => r.fake === 'app-response')).data).toMatchObject({ status: 404 });
  });

  it('the tray HTTPS checkbox switches the project through the engine', async () => {
    const unchecked = next(trayWhere((items) => find(items, 'project:web:https')?.checked === false));
    send({ fake: 'click', id: 'project:web:https' });
    await unchecked;
    const stored = JSON.parse(await readFile(join(data, 'config.json'), 'utf8')) as { projects: Array<{ name: string; https: boolean }> };
    expect(stored.projects.find((p) => p.name === 'web')?.https).toBe(false);
  });

  it('answers the window over IPC, and refuses a subframe or a foreign page', async () => {
    send({ fake: 'ipc-call', name: 'projects.get', input: { name: 'web' }, frameUrl: 'app://portico/index.html' });
    expect((await next((r) => r.fake === 'ipc-answer')).data).toMatchObject({ ok: true, value: { name: 'web', https: false } });
    send({ fake: 'ipc-call', name: 'projects.get', input: { name: 'web' }, frameUrl: 'app://portico/index.html', subframe: true });
    expect((await next((r) => r.fake === 'ipc-answer')).data).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
    send({ fake: 'ipc-call', name: 'projects.get', input: { name: 'web' }, frameUrl: 'https://evil.example/' });
    expect((await next((r) => r.fake === 'ipc-answer')).data).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
  });

  it('keeps the window in the app: navigation away is cancelled, window.open denied, project links go to the browser', async () => {
    send({ fake: 'navigate', url: 'https://evil.example/' });
    expect((await next((r) => r.fake === 'navigate-result')).data).toEqual({ prevented: true, windowOpen: { action: 'deny' } });
    const opened = next((r) => r.fake === 'open-external');
    send({ fake: 'navigate', url: 'https://web.localhost/' });
    expect((await next((r) => r.fake === 'navigate-result')).data).toEqual({ prevented: true, windowOpen: { action: 'deny' } });
    expect((await opened).data).toBe('https://web.localhost/');
  });

  it('closing the window hides it; a second launch shows it again', async () => {
    const hidden = next((r) => r.fake === 'window-hide');
    send({ fake: 'close-window' });
    expect((await next((r) => r.fake === 'close-result')).data).toEqual({ prevented: true });
    await hidden;
    const shown = next((r) => r.fake === 'window-show');
    send({ fake: 'second-instance' });
    await shown;
  });

  it('Quit stops the engine gracefully before the app exits', async () => {
    const engineExit = next((r) => r.fake === 'engine-exit');
    send({ fake: 'click', id: 'quit' });
    expect((await engineExit).data).toBe(0);
    expect(await app.exited).toBe(0);
    expect(await readControlFile(controlFilePath(data))).toBeNull();
  });
});

describe('the desktop app with an engine that already runs, and in one process', () => {
  let work: Awaited<ReturnType<typeof tempHome>>;
  let outdir: string;
  beforeAll(async () => {
    work = await tempHome('portico-shell-app-modes-');
    outdir = await buildShell(join(work.dir, 'app'));
  }, 120_000);
  afterAll(async () => {
    await work.cleanup();
  });

  it('attaches to `portico serve` on the same data dir instead of starting a second engine, and leaves it running on Quit', async () => {
    const data = join(work.dir, 'attach');
    const pair = createEndpointPair();
    runEngineHost({ endpoint: pair.host, startEngine: (options) => startEngine({ ...options, httpsPort: 0, httpPort: 0, keyPoolSize: 1 }) });
    const serve = await spawnEngine({ host: inProcessHost(pair.parent), dataDir: data, keyProtector: null });
    const app = launchApp(outdir, { PORTICO_HOME: data });
    try {
      await app.waitFor(trayWhere(isRunningTray));
      expect(app.reports.some((r) => r.fake === 'utility-fork')).toBe(false);
      // The attached engine's key is not sealed from under it.
      expect((await readFile(join(data, 'ca', 'root-key.pem'), 'utf8')).startsWith('-----BEGIN')).toBe(true);
      app.send({ fake: 'click', id: 'quit' });
      expect(await app.exited).toBe(0);
      expect((await readControlFile(controlFilePath(data)))?.url).toBe(serve.url);
      expect(await serve.dispatcher.dispatch('status.get', {})).toMatchObject({ ok: true });
    } finally {
      app.kill();
      await serve.close();
    }
  });

  it('runs the engine inside the main process when PORTICO_ENGINE_IN_PROCESS=1', async () => {
    const data = join(work.dir, 'in-process');
    const app = launchApp(outdir, { PORTICO_HOME: data, PORTICO_ENGINE_IN_PROCESS: '1' });
    try {
      await app.waitFor(trayWhere(isRunningTray));
      expect(app.reports.some((r) => r.fake === 'utility-fork')).toBe(false);
      expect((await readControlFile(controlFilePath(data)))?.pid).toBe(app.child.pid);
      app.send({ fake: 'click', id: 'quit' });
      expect(await app.exited).toBe(0);
      expect(await readControlFile(controlFilePath(data))).toBeNull();
    } finally {
      app.kill();
    }
  });
});
