/**
 * What the window may do besides showing the dashboard: nothing (security-requirements EL-4,
 * EL-6). Navigation away from `app://portico` is cancelled, `window.open` is always denied, and
 * every permission request (camera, notifications, geolocation, …) is refused: by default
 * Electron approves them all (Electron security checklist #5). A project link the user clicked is
 * opened in the system browser, only when `externalUrl` accepts it.
 *
 * The decisions are pure functions; `guardWebContents` and `denyAllPermissions` only attach them.
 */
import type { Session, WebContents } from 'electron';
import { APP_HOST, APP_SCHEME } from './app-protocol';
import { externalUrl } from './external-links';

/**
 * True when `url` is a page of the app itself. Compared by scheme and host: Node's URL gives a
 * custom scheme an opaque origin ("null"), so `origin` comparisons would be meaningless here.
 */
export function isAppUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

export interface ExternalOpener {
  /** `shell.openExternal`; only ever called with a URL `externalUrl` accepted. */
  openExternal(url: string): Promise<void> | void;
  /** The managed suffixes, read when a link is clicked (the CA's suffixes can change). */
  suffixes(): readonly string[];
}

/** Opens `url` in the browser when it is a managed project link; returns whether it did. */
export function openIfExternal(url: string, opener: ExternalOpener): boolean {
  const allowed = externalUrl(url, opener.suffixes());
  if (allowed === null) return false;
  void Promise.resolve(opener.openExternal(allowed.href)).catch(() => undefined);
  return true;
}

/** The `will-navigate` decision: stay only inside the app. */
export function navigationDecision(url: string): 'allow' | 'deny' {
  return isAppUrl(url) ? 'allow' : 'deny';
}

/** The `setWindowOpenHandler` answer: never a new Electron window. */
export function windowOpenDecision(url: string, opener: ExternalOpener): { action: 'deny' } {
  openIfExternal(url, opener);
  return { action: 'deny' };
}

export function guardWebContents(contents: WebContents, opener: ExternalOpener): void {
  contents.on('will-navigate', (event) => {
    if (navigationDecision(event.url) === 'allow') return;
    event.preventDefault();
    openIfExternal(event.url, opener);
  });
  contents.on('will-frame-navigate', (event) => {
    if (navigationDecision(event.url) === 'deny') event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (navigationDecision(event.url) === 'deny') event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => windowOpenDecision(url, opener));
}

/** Refuses every permission request and check of the session (the dashboard needs none). */
export function denyAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
