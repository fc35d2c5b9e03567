/**
 * The dashboard window: created on first "Open Portico", loaded from `app://portico` only,
 * hidden (not destroyed) when closed so the app lives on in the tray; destroyed only on Quit.
 */
import type { BrowserWindow, WebContents } from 'electron';
import { APP_ENTRY_URL } from './app-protocol';

export type WindowLike = Pick<BrowserWindow, 'show' | 'hide' | 'focus' | 'isMinimized' | 'restore' | 'isDestroyed' | 'loadURL' | 'once' | 'on' | 'webContents'>;

export interface WindowControllerDeps {
  /** `new BrowserWindow(mainWindowOptions(…))`, with its webContents already guarded. */
  create(): WindowLike;
  isQuitting(): boolean;
}

export function createWindowController(deps: WindowControllerDeps) {
  let window: WindowLike | null = null;

  const open = (): WindowLike => {
    const created = deps.create();
    created.on('close', (event) => {
      if (deps.isQuitting()) return;
      event.preventDefault();
      created.hide();
    });
    created.once('ready-to-show', () => created.show());
    void created.loadURL(APP_ENTRY_URL);
    window = created;
    return created;
  };

  return {
    /** Shows (creating it when needed) and focuses the window: "Open Portico", a second launch. */
    show(): void {
      if (window === null || window.isDestroyed()) {
        open();
        return;
      }
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    },
    /** True for this window's webContents (the IPC bridge's sender check). */
    isOwn(contents: WebContents): boolean {
      return window !== null && !window.isDestroyed() && window.webContents.id === contents.id;
    },
  };
}
