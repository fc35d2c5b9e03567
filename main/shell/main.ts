/**
 * The Electron main process: the desktop app's composition root, bundled to dist/shell/main.cjs.
 * Everything with logic lives in the small modules it wires (each tested under Node with
 * stand-ins); this file only hands them the real Electron objects, in the order Electron
 * requires (see README.md for the lifecycle and the process model).
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, protocol, safeStorage, session, shell, Tray, utilityProcess } from 'electron';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createConfigStore } from '../engine/projects';
import { dataDir, dataPaths } from '../engine/system/data-dir';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol';
import { startAppEngine } from './app-engine';
import { shellPaths, trayIconFile } from './app-paths';
import { desktopSettingsPath, readDesktopSettings, writeDesktopSettings } from './desktop-settings';
import { createEngineConnection } from './engine-connection';
import { createEndpointPair, inProcessHost, utilityHostProcess } from './engine-endpoints';
import { runEngineHost } from './engine-host';
import { attachEngine, connectEngine, spawnEngine } from './engine-link';
import { chooseEngineProcess, readEnginePlan } from './engine-plan';
import { managedSuffixes } from './external-links';
import { registerIpcBridge } from './ipc';
import { detectKeyProtection, sealKeyFile } from './key-protector';
import { createLoginItems, launchedHidden } from './login-item';
import { createNotifier } from './notifier';
import { createTrayPresenter, runMenuAction } from './tray';
import { createTrayState } from './tray-state';
import { createWindowController } from './window';
import { denyAllPermissions, guardWebContents } from './window-guards';
import { mainWindowOptions } from './window-options';

function inProcessEngine() {
  const pair = createEndpointPair();
  runEngineHost({ endpoint: pair.host, startEngine: startAppEngine });
  return inProcessHost(pair.parent);
}

async function run(dir: string): Promise<void> {
  const paths = shellPaths({ bundleDir: __dirname, isPackaged: app.isPackaged, resourcesPath: process.resourcesPath });
  const data = dataPaths(dir);
  const store = createConfigStore(data);
  let quitting = false;
  let suffixes = managedSuffixes();
  const refreshSuffixes = () => void store.read().then((config) => (suffixes = managedSuffixes(config.ca.suffixes)), () => undefined);
  const opener = { openExternal: (url: string) => shell.openExternal(url), suffixes: () => suffixes };

  // Every webContents, present and future, gets the navigation and window-open guards (EL-4).
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, opener));
  // The app lives in the tray: closing the window must not quit it.
  app.on('window-all-closed', () => undefined);

  await app.whenReady();
  if (process.platform === 'win32') app.setAppUserModelId('dev.portico.app');
  if (process.platform !== 'darwin') Menu.setApplicationMenu(null);
  denyAllPermissions(session.defaultSession);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(paths.renderer));
  refreshSuffixes();

  // safeStorage only after ready (EL-9).
  const protection = await detectKeyProtection(safeStorage, process.platform);
  const engineMode = chooseEngineProcess(process.env, typeof utilityProcess?.fork === 'function');
  let settings = await readDesktopSettings(desktopSettingsPath(dir));

  const windows = createWindowController({
    create: () => new BrowserWindow(mainWindowOptions({ preloadPath: paths.preload, iconPath: paths.windowIcon, devTools: !app.isPackaged })),
    isQuitting: () => quitting,
  });

  const spawn = async () => {
    // The key is sealed only for an engine this app runs: sealing it under a running `portico serve` would lock that one out.
    if (protection.protected) await sealKeyFile(data.caKey, safeStorage, (work) => store.withDataLock(work));
    const host =
      engineMode === 'utility'
        ? utilityHostProcess(utilityProcess.fork(paths.engineEntry, [], { serviceName: 'Portico engine', stdio: 'inherit' }))
        : inProcessEngine();
    return spawnEngine({ host, dataDir: dir, keyProtector: protection.protected ? protection.protector : null, staticDir: paths.renderer });
  };

  const report = (title: string, message: string) => void dialog.showMessageBox({ type: 'warning', title, message: title, detail: message });

  const loginItems = createLoginItems({ platform: process.platform, app, env: process.env, home: homedir(), execPath: process.execPath });
  const icon = (state: 'ok' | 'attention' | 'stopped') => nativeImage.createFromPath(trayIconFile(paths.trayIcons, state, process.platform));
  const tray = new Tray(icon('stopped'));
  // `onChange` first fires after `connection.start()` below, once trayState and notifier exist.
  const connection = createEngineConnection({
    connect: () =>
      connectEngine({
        plan: () => readEnginePlan(dir),
        attach: (plan) => attachEngine({ url: plan.url, token: plan.token }),
        spawn,
        pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      }),
    onChange: (snapshot) => {
      trayState.setSnapshot(snapshot);
      notifier.onStatus(snapshot.status);
      refreshSuffixes();
    },
  });
  const presenter = createTrayPresenter({
    tray,
    buildMenu: (template) => {
      const menu = Menu.buildFromTemplate(template);
      // The e2e test clicks tray items through this handle (Playwright cannot reach a tray menu).
      if (process.env.PORTICO_E2E === '1') (globalThis as { __porticoTrayMenu?: Menu }).__porticoTrayMenu = menu;
      return menu;
    },
    icons: { ok: icon('ok'), attention: icon('attention'), stopped: icon('stopped') },
    run: (action) =>
      void runMenuAction(action, {
        dispatcher: connection.dispatcher,
        suffixes: () => suffixes,
        openExternal: (url) => shell.openExternal(url),
        showWindow: () => windows.show(),
        setLoginItem: (openAtLogin) => loginItems.set(openAtLogin),
        setNotifications: async (enabled) => {
          settings = { ...settings, notifications: { ...settings.notifications, enabled } };
          await writeDesktopSettings(desktopSettingsPath(dir), settings);
        },
        quit: () => app.quit(),
        report,
        refresh: () => void trayState.refresh(),
      }),
  });
  const trayState = createTrayState({
    dispatcher: connection.dispatcher,
    loginItems,
    notificationsEnabled: () => settings.notifications.enabled,
    ...(!protection.protected && { keyWarning: protection.summary }),
    render: (model) => presenter.render(model),
  });
  const notifier = createNotifier({
    factory: { isSupported: () => Notification.isSupported(), create: (options) => new Notification(options) },
    settings: () => settings.notifications,
    now: () => Date.now(),
    onClick: () => windows.show(),
  });

  registerIpcBridge({ ipcMain, dispatcher: connection.dispatcher, events: connection.events, isOwnWindow: (contents) => windows.isOwn(contents) });

  app.on('second-instance', () => windows.show());
  app.on('activate', () => windows.show());
  let stopped = false;
  app.on('before-quit', (event) => {
    quitting = true;
    if (stopped) return;
    // Quit stops the app's own engine gracefully (requests in flight drain) before the process ends.
    event.preventDefault();
    void connection.shutdown().finally(() => {
      stopped = true;
      tray.destroy();
      app.quit();
    });
  });

  await trayState.refresh();
  if (!launchedHidden(process.argv, app, process.platform)) windows.show();
  await connection.start();
}

function main(): void {
  const dir = dataDir();
  // Before ready: Electron's profile (and the single-instance lock) inside the data dir, so there is
  // one folder per data dir and one app per data dir — not a second, differently cased "Portico".
  app.setPath('userData', join(dir, 'electron'));
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    // The running instance gets `second-instance` and shows its window.
    app.quit();
    return;
  }
  run(dir).catch((error: unknown) => {
    dialog.showErrorBox('Portico could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
}

main();
