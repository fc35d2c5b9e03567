/**
 * Where the shell's files are, in a development run and in a package. The bundles sit together
 * in `dist/shell/` (main, preload, engine process), next to the dashboard in `dist/renderer/`;
 * the tray and window icons are `build/runtime-icons/` in the repository and `resources/icons/`
 * in a package (electron-builder `extraResources`, outside the asar).
 */
import { join } from 'node:path';

export interface ShellPathsInput {
  /** The directory of the main bundle (`__dirname` of dist/shell/main.cjs). */
  bundleDir: string;
  isPackaged: boolean;
  /** `process.resourcesPath` in a package. */
  resourcesPath: string;
}

export interface ShellPaths {
  renderer: string;
  preload: string;
  engineEntry: string;
  trayIcons: string;
  windowIcon: string;
}

export function shellPaths(input: ShellPathsInput): ShellPaths {
  const trayIcons = input.isPackaged ? join(input.resourcesPath, 'icons') : join(input.bundleDir, '..', '..', 'build', 'runtime-icons');
  return {
    renderer: join(input.bundleDir, '..', 'renderer'),
    preload: join(input.bundleDir, 'preload.cjs'),
    engineEntry: join(input.bundleDir, 'engine.cjs'),
    trayIcons,
    windowIcon: join(trayIcons, 'window.png'),
  };
}

/** The tray icon file for a state: macOS gets monochrome template images that follow the menu bar's appearance. */
export function trayIconFile(dir: string, state: 'ok' | 'attention' | 'stopped', platform: NodeJS.Platform): string {
  return platform === 'darwin' ? join(dir, `tray-${state}Template.png`) : join(dir, `tray-${state}.png`);
}
