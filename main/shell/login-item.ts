/**
 * "Start at login". macOS and Windows have it in Electron (`app.setLoginItemSettings`); Electron
 * does not implement it on Linux, where the freedesktop way is a `.desktop` file in
 * `$XDG_CONFIG_HOME/autostart/` (XDG Autostart specification). Launched at login, the app starts
 * hidden in the tray (`--hidden`).
 */
import type { App } from 'electron';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const HIDDEN_FLAG = '--hidden';
const AUTOSTART_FILE = 'dev.portico.app.desktop';

export interface LoginItemState {
  supported: boolean;
  openAtLogin: boolean;
}

export interface LoginItems {
  state(): Promise<LoginItemState>;
  set(openAtLogin: boolean): Promise<void>;
}

/**
 * One argument of a desktop entry's `Exec` key: quoted when it holds a reserved character, with
 * `"`, `` ` ``, `$` and `\` escaped (Desktop Entry Specification, "The Exec key").
 */
export function quoteExecArg(arg: string): string {
  if (!/[\s"'\\><~|&;$*?#()`]/.test(arg)) return arg;
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Portico',
    'Comment=Trusted HTTPS for every localhost dev server',
    `Exec=${command.map(quoteExecArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  app: Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings'>;
  env: NodeJS.ProcessEnv;
  home: string;
  /** The executable to start at login (an AppImage's own path when run from one). */
  execPath: string;
}

function linuxLoginItems(deps: LoginItemDeps): LoginItems {
  const dir = join(deps.env.XDG_CONFIG_HOME || join(deps.home, '.config'), 'autostart');
  const file = join(dir, AUTOSTART_FILE);
  // Inside an AppImage, execPath is a temporary mount; APPIMAGE is the file the user keeps.
  const executable = deps.env.APPIMAGE || deps.execPath;
  return {
    async state() {
      const content = await readFile(file, 'utf8').catch(() => null);
      return { supported: true, openAtLogin: content !== null && !/^Hidden=true$/m.test(content) };
    },
    async set(openAtLogin) {
      if (!openAtLogin) return void (await rm(file, { force: true }));
      await mkdir(dir, { recursive: true });
      await writeFile(file, autostartEntry([executable, HIDDEN_FLAG]), { mode: 0o644 });
    },
  };
}

export function createLoginItems(deps: LoginItemDeps): LoginItems {
  if (deps.platform === 'linux') return linuxLoginItems(deps);
  if (deps.platform !== 'darwin' && deps.platform !== 'win32') {
    return { state: async () => ({ supported: false, openAtLogin: false }), set: async () => undefined };
  }
  const args = deps.platform === 'win32' ? [HIDDEN_FLAG] : [];
  return {
    state: async () => ({ supported: true, openAtLogin: deps.app.getLoginItemSettings({ args }).openAtLogin }),
    set: async (openAtLogin) => deps.app.setLoginItemSettings({ openAtLogin, args }),
  };
}

/** True when this launch came from the login item and should stay in the tray. */
export function launchedHidden(argv: readonly string[], app: Pick<App, 'getLoginItemSettings'>, platform: NodeJS.Platform): boolean {
  if (argv.includes(HIDDEN_FLAG)) return true;
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
}
