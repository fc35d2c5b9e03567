/**
 * Can `npm start` (`portico start`) open the desktop app here, or must it run headless?
 * Answers without loading the `electron` package: its index.js downloads the binary when it is
 * missing (node_modules/electron/index.js), which fails on machines without that network and is
 * not something a launcher should trigger. Instead it reads `path.txt`, which the electron package's
 * installer writes next to the binary it unpacked into `dist/`, and checks the file exists.
 *
 * Pure apart from the injected probe; `nodeLaunchProbe` is the real one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface LaunchProbe {
  /** Directory of the installed `electron` package, or null when it is not installed. */
  electronPackageDir(): string | null;
  /** A file's text, or null when it cannot be read. */
  readText(path: string): string | null;
  exists(path: string): boolean;
}

export interface LaunchDecision {
  desktop: boolean;
  /** One sentence for the terminal: why desktop or why headless. */
  reason: string;
  /** The Electron executable to spawn, when `desktop`. */
  electronPath?: string;
}

/** Platforms whose windows need an X11 or Wayland display server. */
const NEEDS_DISPLAY_SERVER = (platform: NodeJS.Platform) => platform !== 'darwin' && platform !== 'win32';

/**
 * `uid` is `process.getuid?.()`: as root on Linux, Chromium refuses to start without
 * `--no-sandbox`, and the app does not weaken its renderer sandbox to run there.
 */
export function checkDesktopLaunch(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, probe: LaunchProbe, uid?: number): LaunchDecision {
  if (env.PORTICO_HEADLESS === '1') return { desktop: false, reason: 'PORTICO_HEADLESS=1 asks for the headless engine.' };
  if (uid === 0 && NEEDS_DISPLAY_SERVER(platform)) {
    return { desktop: false, reason: 'running as root: Electron would need --no-sandbox, which Portico does not use; run `portico start` as your own user for the desktop app.' };
  }
  const packageDir = probe.electronPackageDir();
  if (packageDir === null) return { desktop: false, reason: 'the electron package is not installed (run `npm ci`).' };

  // index.js: with ELECTRON_OVERRIDE_DIST_PATH the binary is <override>/<path.txt or "electron">.
  const relative = probe.readText(join(packageDir, 'path.txt'))?.trim() || null;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!override && relative === null) {
    return {
      desktop: false,
      reason: 'the Electron runtime was never downloaded (node_modules/electron/path.txt is missing); `npx install-electron` fetches it where the network allows.',
    };
  }
  const electronPath = override ? join(override, relative ?? 'electron') : join(packageDir, 'dist', relative ?? 'electron');
  if (!probe.exists(electronPath)) {
    return { desktop: false, reason: `the Electron runtime is missing (${electronPath} does not exist); \`npx install-electron\` fetches it where the network allows.` };
  }
  if (NEEDS_DISPLAY_SERVER(platform)) {
    const display = env.WAYLAND_DISPLAY ? `WAYLAND_DISPLAY=${env.WAYLAND_DISPLAY}` : env.DISPLAY ? `DISPLAY=${env.DISPLAY}` : null;
    if (display === null) return { desktop: false, reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so no window can open.' };
    return { desktop: true, reason: `Electron and a display (${display}) are available.`, electronPath };
  }
  return { desktop: true, reason: 'Electron is available.', electronPath };
}

/** The real probe, resolving `electron` the way Node would from `fromDir` (the project root). */
export function nodeLaunchProbe(fromDir: string): LaunchProbe {
  const require = createRequire(join(fromDir, 'package.json'));
  return {
    electronPackageDir() {
      try {
        return dirname(require.resolve('electron/package.json'));
      } catch {
        return null;
      }
    },
    readText(path) {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return null;
      }
    },
    exists: (path) => existsSync(path),
  };
}
