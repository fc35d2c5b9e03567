/**
 * The dashboard window's options. Every `BrowserWindow` the app creates comes from here, so one
 * test pins every security flag (security-requirements EL-1, Electron security checklist #2–#4,
 * #6, #8–#10): context isolation, the sandbox, no Node in the page or its workers and frames, web
 * security on, no insecure content, no experimental or Blink features, no `<webview>`.
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

export interface WindowOptionsInput {
  /** Absolute path of the bundled preload (one CommonJS file: sandboxed preloads cannot `require` our modules). */
  preloadPath: string;
  /** Window icon (Linux/Windows; macOS uses the bundle's). */
  iconPath?: string;
  /** DevTools only in unpackaged development runs. */
  devTools: boolean;
}

export function secureWebPreferences(preloadPath: string, devTools: boolean): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    // A file dropped on the window would otherwise navigate it to file://.
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools,
  };
}

export function mainWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    title: 'Portico',
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 480,
    // Shown on `ready-to-show`, so the user never sees an empty white frame.
    show: false,
    autoHideMenuBar: true,
    ...(input.iconPath !== undefined && { icon: input.iconPath }),
    webPreferences: secureWebPreferences(input.preloadPath, input.devTools),
  };
}
