/**
 * The desktop app for real: Playwright's `_electron` launches the bundled main process with a
 * throwaway PORTICO_HOME, the window shows the dashboard from app://portico, and a click on the
 * tray's HTTPS checkbox changes the project through the engine.
 *
 * Runs only where an Electron runtime, a display and the built bundles exist (`npm run build`
 * makes dist/shell/ and dist/renderer/); elsewhere it is skipped with the reason printed once.
 * Every electron test needs the binary that `npx install-electron` downloads, which this
 * project's CI machine cannot fetch.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { _electron as electron, type ElectronApplication } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlFilePath, createControlClient, readControlFile } from '../../main/control';
import { createEngine } from '../../main/engine';
import { checkDesktopLaunch, nodeLaunchProbe } from '../../main/headless/launch-check';
import { tempHome } from '../helpers/portico-home';

const root = join(import.meta.dirname, '..', '..');
const mainBundle = join(root, 'dist', 'shell', 'main.cjs');
// As root (CI containers) Chromium needs --no-sandbox; the test adds it rather than skip, the app itself never does.
const asRoot = process.getuid?.() === 0;
const launch = checkDesktopLaunch(process.env, process.platform, nodeLaunchProbe(root));
const bundlesBuilt = existsSync(mainBundle) && existsSync(join(root, 'dist', 'shell', 'preload.cjs')) && existsSync(join(root, 'dist', 'renderer', 'index.html'));
const skipReason = !launch.desktop ? launch.reason : !bundlesBuilt ? 'the shell bundles are not built (dist/shell/main.cjs, preload.cjs, dist/renderer/).' : null;
const hasElectronBinary = skipReason === null;
if (!hasElectronBinary) console.warn(`test/e2e/electron.test.ts skipped: ${skipReason}`);

describe('desktop app (Electron)', () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  let upstream: Server;
  let app: ElectronApplication | undefined;

  beforeAll(async () => {
    if (!hasElectronBinary) return;
    home = await tempHome('portico-e2e-electron-');
    upstream = createServer((_req, res) => res.end('hello from the dev server'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as { port: number }).port;
    await createEngine({ dataDir: home.dir }).handlers['projects.add']({ name: 'web', port, https: true });
  });

  afterAll(async () => {
    if (!hasElectronBinary) return;
    await app?.close().catch(() => undefined);
    await new Promise((resolve) => upstream.close(resolve));
    await home.cleanup();
  });

  it.skipIf(!hasElectronBinary)('opens the dashboard from app:// and the tray toggles HTTPS', async () => {
    app = await electron.launch({
      executablePath: launch.electronPath!,
      args: [mainBundle, '--password-store=basic', ...(asRoot ? ['--no-sandbox'] : [])],
      // --password-store=basic: CI has no keyring; the app must then keep the key as a 0600 file and say so (EL-9).
      env: { ...process.env, PORTICO_HOME: home.dir, PORTICO_E2E: '1', PORTICO_HTTPS_PORT: '0', PORTICO_HTTP_PORT: '0', ELECTRON_ENABLE_LOGGING: '1' },
    });
    const page = await app.firstWindow();
    expect(page.url()).toMatch(/^app:\/\/portico\//);
    await page.getByText('web.localhost').first().waitFor({ timeout: 30_000 });
    // The page has the bridge and nothing from Node.
    expect(await page.evaluate(() => Object.keys((globalThis as unknown as { portico: object }).portico).sort())).toEqual(['call', 'subscribe']);
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');

    const record = await readControlFile(controlFilePath(home.dir));
    expect(record).not.toBeNull();
    const client = createControlClient({ url: record!.url, token: record!.token });
    expect((await client.call('projects.get', { name: 'web' })).https).toBe(true);
    // Linux with --password-store=basic: not called protected (CA-6), the key stays a 0600 file.
    if (process.platform === 'linux') expect((await client.call('status.get', {})).ca.keyProtection).toBe('file');

    await app.evaluate(async () => {
      const menu = (globalThis as { __porticoTrayMenu?: { getMenuItemById(id: string): { click(): void } | null } }).__porticoTrayMenu;
      menu?.getMenuItemById('project:web:https')?.click();
    });
    let https = true;
    for (let attempt = 0; attempt < 50 && https; attempt++) {
      https = (await client.call('projects.get', { name: 'web' })).https;
      if (https) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(https).toBe(false);

    await app.close();
    app = undefined;
    // Quit stopped the app's own engine and unpublished it.
    expect(await readControlFile(controlFilePath(home.dir))).toBeNull();
  });
});
