import type { Menu, MenuItemConstructorOptions } from 'electron';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../../shared/contract';
import { managedSuffixes } from '../../../main/shell/external-links';
import { autostartEntry, createLoginItems, launchedHidden, quoteExecArg } from '../../../main/shell/login-item';
import { createTrayPresenter, runMenuAction, toMenuTemplate } from '../../../main/shell/tray';
import type { MenuActionDeps } from '../../../main/shell/tray';
import { buildTrayModel } from '../../../main/shell/tray-menu';
import type { MenuAction } from '../../../main/shell/tray-menu';
import { createTrayState } from '../../../main/shell/tray-state';
import { tempHome } from '../../helpers/portico-home';
import { projectStatus, status } from './fixtures';

const model = () =>
  buildTrayModel({ status: status([projectStatus({ name: 'web' })]), trust: 'untrusted', loginItem: { supported: true, openAtLogin: false }, notificationsEnabled: true });

describe('menu template adapter', () => {
  it('keeps ids, labels, checkbox state and nesting; clicks run the model action', () => {
    const run = vi.fn();
    const template = toMenuTemplate(model().items, run);
    const project = template.find((i) => i.id === 'project:web')!;
    const https = (project.submenu as MenuItemConstructorOptions[]).find((i) => i.id === 'project:web:https')!;
    expect(https).toMatchObject({ type: 'checkbox', label: 'HTTPS', checked: true, enabled: true });
    https.click!({} as never, undefined, {} as never);
    expect(run).toHaveBeenCalledWith({ kind: 'command', command: 'projects.setHttps', input: { name: 'web', enabled: false } });
    const line = template.find((i) => i.id === 'status')!;
    expect(line.enabled).toBe(false);
    expect(line.click).toBeUndefined();
    expect(template.filter((i) => i.type === 'separator').every((i) => i.label === undefined)).toBe(true);
  });

  it('the presenter sets menu and tooltip each time, the image only when the state changes', () => {
    const tray = { setContextMenu: vi.fn(), setToolTip: vi.fn(), setImage: vi.fn() };
    const presenter = createTrayPresenter({ tray, buildMenu: (t) => t as unknown as Menu, icons: { ok: 'ok.png', attention: 'attention.png', stopped: 'stopped.png' }, run: vi.fn() });
    presenter.render(model());
    presenter.render(model());
    expect(tray.setImage.mock.calls).toEqual([['attention.png']]);
    expect(tray.setContextMenu).toHaveBeenCalledTimes(2);
    expect(tray.setToolTip).toHaveBeenLastCalledWith('Portico: The Portico CA is not trusted yet');
  });
});

describe('runMenuAction', () => {
  function deps(answer: Result<unknown> = { ok: true, value: {} }) {
    const d = {
      dispatcher: { dispatch: vi.fn(async () => answer) },
      suffixes: () => managedSuffixes(),
      openExternal: vi.fn(async () => undefined),
      showWindow: vi.fn(),
      setLoginItem: vi.fn(async () => undefined),
      setNotifications: vi.fn(async () => undefined),
      quit: vi.fn(),
      report: vi.fn(),
      refresh: vi.fn(),
    } satisfies MenuActionDeps;
    return d;
  }

  it('a command goes through the dispatcher (the same contract command as the dashboard)', async () => {
    const d = deps();
    await runMenuAction({ kind: 'command', command: 'projects.setHttps', input: { name: 'web', enabled: false } }, d);
    expect(d.dispatcher.dispatch).toHaveBeenCalledWith('projects.setHttps', { name: 'web', enabled: false });
    expect(d.report).not.toHaveBeenCalled();
  });

  it('a failed command is reported with its message and code', async () => {
    const d = deps({ ok: false, error: { code: 'E_TRUST_FAILED', message: 'certutil refused.' } });
    await runMenuAction({ kind: 'command', command: 'trust.install', input: {} }, d);
    expect(d.report).toHaveBeenCalledWith('Portico could not do that', 'certutil refused. (E_TRUST_FAILED)');
    expect(d.refresh).toHaveBeenCalled();
  });

  it.each([
    ['https://web.localhost', true],
    ['https://example.com.attacker.com', false],
    ['file:///etc/passwd', false],
  ])('open-url %s in the browser: %s', async (url, opened) => {
    const d = deps();
    await runMenuAction({ kind: 'open-url', url }, d);
    expect(d.openExternal).toHaveBeenCalledTimes(opened ? 1 : 0);
    expect(d.report).toHaveBeenCalledTimes(opened ? 0 : 1);
  });

  it.each<[MenuAction, keyof MenuActionDeps, unknown[]]>([
    [{ kind: 'show-window' }, 'showWindow', []],
    [{ kind: 'set-login-item', openAtLogin: true }, 'setLoginItem', [true]],
    [{ kind: 'set-notifications', enabled: false }, 'setNotifications', [false]],
    [{ kind: 'quit' }, 'quit', []],
  ])('%o', async (action, key, args) => {
    const d = deps();
    await runMenuAction(action, d);
    expect(d[key]).toHaveBeenCalledWith(...args);
  });

  it('an action that throws is reported, not thrown', async () => {
    const d = deps();
    d.setLoginItem.mockRejectedValueOnce(new Error('read-only home'));
    await expect(runMenuAction({ kind: 'set-login-item', openAtLogin: true }, d)).resolves.toBeUndefined();
    expect(d.report).toHaveBeenCalledWith('Portico could not do that', 'read-only home');
  });
});

describe('tray state', () => {
  it('asks for trust once per engine and CA, and re-renders on every status', async () => {
    const dispatch = vi.fn(async (): Promise<Result<unknown>> => ({ ok: true, value: [{ store: 'system', label: 'System', status: 'not-installed', detail: '' }] }));
    const rendered: ReturnType<typeof buildTrayModel>[] = [];
    const state = createTrayState({
      dispatcher: { dispatch },
      loginItems: { state: async () => ({ supported: true, openAtLogin: true }), set: async () => undefined },
      notificationsEnabled: () => true,
      render: (m) => rendered.push(m),
    });
    await state.refresh();
    state.setSnapshot({ mode: 'own', status: status(), problem: null });
    state.setSnapshot({ mode: 'own', status: status(), problem: null });
    await new Promise((resolve) => setImmediate(resolve));
    expect(dispatch).toHaveBeenCalledTimes(1);
    expect(dispatch).toHaveBeenCalledWith('trust.status', {});
    const last = rendered.at(-1)!;
    expect(last.items.some((i) => i.id === 'trust-ca')).toBe(true);
    expect(last.items.find((i) => i.id === 'login-item')?.checked).toBe(true);
  });
});

describe('login item', () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  beforeEach(async () => {
    home = await tempHome('portico-login-');
  });
  afterEach(async () => {
    await home.cleanup();
  });

  it.each([
    ['/opt/Portico/portico', '/opt/Portico/portico'],
    ['/home/me/My Apps/Portico.AppImage', '"/home/me/My Apps/Portico.AppImage"'],
    ['/tmp/a"b$c`d\\e', '"/tmp/a\\"b\\$c\\`d\\\\e"'],
  ])('quotes %s for Exec', (arg, quoted) => {
    expect(quoteExecArg(arg)).toBe(quoted);
  });

  it('on Linux writes and removes an XDG autostart entry that starts hidden, from the AppImage when there is one', async () => {
    await mkdir(join(home.dir, 'config'));
    const app = { getLoginItemSettings: vi.fn(), setLoginItemSettings: vi.fn() };
    const items = createLoginItems({ platform: 'linux', app, env: { XDG_CONFIG_HOME: join(home.dir, 'config'), APPIMAGE: '/home/me/Portico.AppImage' }, home: home.dir, execPath: '/tmp/.mount_x/portico' });
    expect(await items.state()).toEqual({ supported: true, openAtLogin: false });
    await items.set(true);
    const file = join(home.dir, 'config', 'autostart', 'dev.portico.app.desktop');
    const entry = await readFile(file, 'utf8');
    expect(entry).toBe(autostartEntry(['/home/me/Portico.AppImage', '--hidden']));
    expect(entry).toContain('Exec=/home/me/Portico.AppImage --hidden');
    expect(await items.state()).toEqual({ supported: true, openAtLogin: true });
    await items.set(false);
    expect(await items.state()).toEqual({ supported: true, openAtLogin: false });
    expect(app.setLoginItemSettings).not.toHaveBeenCalled();
  });

  it.each(['darwin', 'win32'] as const)('on %s uses app.setLoginItemSettings', async (platform) => {
    const app = { getLoginItemSettings: vi.fn(() => ({ openAtLogin: true }) as never), setLoginItemSettings: vi.fn() };
    const items = createLoginItems({ platform, app, env: {}, home: home.dir, execPath: '/x' });
    expect(await items.state()).toEqual({ supported: true, openAtLogin: true });
    await items.set(false);
    expect(app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: false, args: platform === 'win32' ? ['--hidden'] : [] });
  });

  it('elsewhere says it is not supported', async () => {
    const items = createLoginItems({ platform: 'aix', app: { getLoginItemSettings: vi.fn(), setLoginItemSettings: vi.fn() }, env: {}, home: home.dir, execPath: '/x' });
    expect(await items.state()).toEqual({ supported: false, openAtLogin: false });
  });

  it('launchedHidden: the --hidden flag, or a macOS login launch', () => {
    const app = { getLoginItemSettings: () => ({ wasOpenedAtLogin: true }) as never };
    expect(launchedHidden(['portico', '--hidden'], app, 'linux')).toBe(true);
    expect(launchedHidden(['portico'], app, 'darwin')).toBe(true);
    expect(launchedHidden(['portico'], app, 'linux')).toBe(false);
  });
});
