import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { externalUrlAllowed, managedSuffixes } from '../../../main/shell/external-links';
import { mainWindowOptions, secureWebPreferences } from '../../../main/shell/window-options';
import { denyAllPermissions, guardWebContents, isAppUrl, navigationDecision, windowOpenDecision } from '../../../main/shell/window-guards';

describe('window options (EL-1)', () => {
  const options = mainWindowOptions({ preloadPath: '/app/dist/shell/preload.cjs', devTools: false });
  const prefs = options.webPreferences!;

  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['experimentalFeatures', false],
    ['webviewTag', false],
    ['navigateOnDragDrop', false],
  ] as const)('%s is %s', (key, value) => {
    expect(prefs[key]).toBe(value);
  });

  it('enables no Blink features and uses the bundled preload', () => {
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(prefs.preload).toBe('/app/dist/shell/preload.cjs');
  });

  it('DevTools only when asked (unpackaged runs)', () => {
    expect(prefs.devTools).toBe(false);
    expect(secureWebPreferences('/p.cjs', true).devTools).toBe(true);
  });

  it('starts hidden until ready-to-show', () => {
    expect(options.show).toBe(false);
  });
});

describe('navigation and new windows (EL-4)', () => {
  it.each([
    ['app://portico/index.html', 'allow'],
    ['app://portico/assets/app.js#x', 'allow'],
    ['https://evil.example/', 'deny'],
    ['app://evil/index.html', 'deny'],
    ['app://user@portico/index.html', 'deny'],
    ['file:///etc/passwd', 'deny'],
    ['http://localhost:5173/', 'deny'],
    ['javascript:alert(1)', 'deny'],
    ['not a url', 'deny'],
  ])('will-navigate to %s: %s', (url, expected) => {
    expect(navigationDecision(url)).toBe(expected);
  });

  it('isAppUrl refuses non-strings', () => {
    expect(isAppUrl(undefined)).toBe(false);
  });

  it('window.open is always denied; a project link opens in the browser instead', () => {
    const openExternal = vi.fn();
    const opener = { openExternal, suffixes: () => managedSuffixes() };
    expect(windowOpenDecision('https://web.localhost/', opener)).toEqual({ action: 'deny' });
    expect(windowOpenDecision('https://evil.example/', opener)).toEqual({ action: 'deny' });
    expect(windowOpenDecision('app://portico/index.html', opener)).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://web.localhost/']]);
  });

  it('guardWebContents wires the handlers: a renderer navigating to https://evil.example is stopped', () => {
    const listeners = new Map<string, (event: { url: string; preventDefault(): void }) => void>();
    let openHandler: ((details: { url: string }) => unknown) | undefined;
    const contents = {
      on: (name: string, listener: (event: { url: string; preventDefault(): void }) => void) => void listeners.set(name, listener),
      setWindowOpenHandler: (handler: (details: { url: string }) => unknown) => void (openHandler = handler),
    } as unknown as WebContents;
    const openExternal = vi.fn();
    guardWebContents(contents, { openExternal, suffixes: () => managedSuffixes(['.dev.internal']) });

    const navigate = (name: string, url: string) => {
      const event = { url, preventDefault: vi.fn() };
      listeners.get(name)!(event);
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(navigate('will-navigate', 'https://evil.example')).toBe(true);
    expect(navigate('will-navigate', 'app://portico/index.html')).toBe(false);
    expect(navigate('will-frame-navigate', 'https://evil.example')).toBe(true);
    expect(navigate('will-redirect', 'https://evil.example')).toBe(true);
    expect(navigate('will-attach-webview', 'app://portico/')).toBe(true);
    // A project link followed without target=_blank: cancelled in the app, opened in the browser.
    expect(navigate('will-navigate', 'https://api.dev.internal/docs')).toBe(true);
    expect(openExternal.mock.calls).toEqual([['https://api.dev.internal/docs']]);
    expect(openHandler?.({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
  });
});

describe('openExternal guard', () => {
  it.each([
    ['https on *.localhost', 'https://web.localhost/', true],
    ['http on *.localhost with a port', 'http://web.localhost:8080/x?y=1', true],
    ['a nested *.localhost name', 'https://a.b.web.localhost', true],
    ['localhost itself', 'https://localhost:8443/', true],
    ['a .test project', 'https://api.test/', true],
    ['upper case and a trailing dot', 'https://WEB.LOCALHOST./', true],
    ['file://', 'file:///etc/passwd', false],
    ['a look-alike host', 'https://example.com.attacker.com', false],
    ['a real site', 'https://example.com/', false],
    ['a suffix look-alike', 'https://evil-localhost.com/', false],
    ['localhost as a left label', 'https://localhost.evil.com/', false],
    ['javascript:', 'javascript:alert(document.domain)', false],
    ['data:', 'data:text/html,<script>alert(1)</script>', false],
    ['smb:', 'smb://web.localhost/share', false],
    ['credentials in the URL', 'https://user:pw@web.localhost/', false],
    ['an IP literal', 'http://127.0.0.1:5173/', false],
    ['an IPv6 literal', 'http://[::1]:5173/', false],
    ['not a URL', 'web.localhost', false],
    ['a suffix outside the configured ones', 'https://api.example/', false],
  ])('%s: %s → %s', (_name, url, expected) => {
    expect(externalUrlAllowed(url, managedSuffixes())).toBe(expected);
  });

  it('accepts a configured suffix', () => {
    expect(externalUrlAllowed('https://api.example/', managedSuffixes(['.example']))).toBe(true);
  });

  it('refuses non-strings', () => {
    expect(externalUrlAllowed({ toString: () => 'https://web.localhost' })).toBe(false);
  });
});

describe('permissions (EL-6)', () => {
  it.each(['notifications', 'media', 'geolocation', 'openExternal', 'clipboard-read'])('denies a request for %s, and every check', (permission) => {
    let request: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
    let check: ((...args: unknown[]) => boolean) | undefined;
    const session = {
      setPermissionRequestHandler: (handler: typeof request) => void (request = handler),
      setPermissionCheckHandler: (handler: typeof check) => void (check = handler),
    } as unknown as Session;
    denyAllPermissions(session);
    const callback = vi.fn();
    request!({}, permission, callback);
    expect(callback).toHaveBeenCalledWith(false);
    expect(check!({}, permission, 'app://portico', {})).toBe(false);
  });
});
