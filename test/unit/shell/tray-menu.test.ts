import { describe, expect, it } from 'vitest';
import type { TrustStateView } from '../../../shared/contract';
import { attentionReasons, buildTrayModel, summarizeTrust, trayIconState } from '../../../main/shell/tray-menu';
import type { MenuItemModel, TrayInput } from '../../../main/shell/tray-menu';
import { projectStatus, status } from './fixtures';

const base: TrayInput = { status: status(), trust: 'trusted', loginItem: { supported: true, openAtLogin: false }, notificationsEnabled: true };

const find = (items: readonly MenuItemModel[], id: string): MenuItemModel | undefined => {
  for (const item of items) {
    if (item.id === id) return item;
    const inner = item.submenu && find(item.submenu, id);
    if (inner) return inner;
  }
  return undefined;
};
const ids = (items: readonly MenuItemModel[]) => items.filter((i) => i.type !== 'separator').map((i) => i.id);

describe('summarizeTrust', () => {
  const store = (status: TrustStateView['status'], id: string = status): TrustStateView => ({ store: id, label: id, status, detail: '' });
  const cases: Array<[string, TrustStateView[] | null, string]> = [
    ['not asked yet', null, 'unknown'],
    ['no store applies here', [store('unavailable')], 'unknown'],
    ['every store that applies has the root', [store('installed', 'system'), store('installed', 'nss'), store('unavailable', 'java')], 'trusted'],
    ['some stores have it', [store('installed', 'system'), store('not-installed', 'nss')], 'partial'],
    ['no store has it', [store('not-installed', 'system'), store('error', 'nss')], 'untrusted'],
  ];
  it.each(cases)('%s', (_name, states, expected) => expect(summarizeTrust(states)).toBe(expected));
});

describe('buildTrayModel', () => {
  it('engine stopped (no status): stopped icon and status line, no project items, no trust item', () => {
    const model = buildTrayModel({ ...base, status: null, trust: 'untrusted' });
    expect(model.icon).toBe('stopped');
    expect(model.tooltip).toBe('Portico: stopped');
    expect(find(model.items, 'status')).toMatchObject({ label: 'Portico is stopped', enabled: false });
    expect(ids(model.items)).toEqual(['status', 'open-window', 'login-item', 'notifications', 'quit']);
  });

  it('engine reported not running: same as stopped', () => {
    const model = buildTrayModel({ ...base, status: status([projectStatus({ name: 'web' })], { running: false }) });
    expect(model.icon).toBe('stopped');
    expect(find(model.items, 'project:web')).toBeUndefined();
  });

  it('running with no projects: all good and an empty-state line', () => {
    const model = buildTrayModel(base);
    expect(model.icon).toBe('ok');
    expect(model.tooltip).toBe('Portico: all good');
    expect(find(model.items, 'status')?.label).toBe('Portico is running (HTTPS on port 443)');
    expect(find(model.items, 'no-projects')).toMatchObject({ enabled: false });
    expect(find(model.items, 'trust-ca')).toBeUndefined();
  });

  it('names a fallback HTTPS port in the status line', () => {
    expect(find(buildTrayModel({ ...base, status: status([], { httpsPort: 8443 }) }).items, 'status')?.label).toBe('Portico is running (HTTPS on port 8443)');
  });

  it('a project that is up, HTTPS on: checked HTTPS box toggling it off, and an Open item for its URL', () => {
    const model = buildTrayModel({ ...base, status: status([projectStatus({ name: 'web' })]) });
    expect(model.icon).toBe('ok');
    expect(find(model.items, 'project:web')).toMatchObject({ type: 'submenu', label: 'web' });
    expect(find(model.items, 'project:web:https')).toMatchObject({
      type: 'checkbox',
      label: 'HTTPS',
      checked: true,
      enabled: true,
      action: { kind: 'command', command: 'projects.setHttps', input: { name: 'web', enabled: false } },
    });
    expect(find(model.items, 'project:web:open')).toMatchObject({ label: 'Open https://web.localhost', enabled: true, action: { kind: 'open-url', url: 'https://web.localhost' } });
  });

  it('HTTPS off: unchecked box toggling it on, Open names the http URL', () => {
    const model = buildTrayModel({ ...base, status: status([projectStatus({ name: 'api', https: false })]) });
    expect(find(model.items, 'project:api:https')).toMatchObject({ checked: false, action: { kind: 'command', command: 'projects.setHttps', input: { name: 'api', enabled: true } } });
    expect(find(model.items, 'project:api:open')?.label).toBe('Open http://api.localhost');
  });

  it('a project whose dev server is down: attention icon, labelled, named in the tooltip', () => {
    const model = buildTrayModel({ ...base, status: status([projectStatus({ name: 'web', health: 'down' })]) });
    expect(model.icon).toBe('attention');
    expect(find(model.items, 'project:web')?.label).toBe('web — dev server not running');
    expect(model.tooltip).toBe('Portico: web: dev server is not running');
    expect(find(model.items, 'attention:0')).toMatchObject({ enabled: false, label: 'web: dev server is not running' });
  });

  it('several dev servers down are summed up in one line', () => {
    const model = buildTrayModel({ ...base, status: status([projectStatus({ name: 'a', health: 'down' }), projectStatus({ name: 'b', health: 'down' })]) });
    expect(find(model.items, 'attention:0')?.label).toBe('2 dev servers are not running: a, b');
  });

  it('a disabled project: no attention even when down, Open disabled, Enabled box toggles it back on', () => {
    const model = buildTrayModel({ ...base, status: status([projectStatus({ name: 'old', enabled: false, health: 'down' })]) });
    expect(model.icon).toBe('ok');
    expect(find(model.items, 'project:old')?.label).toBe('old — disabled');
    expect(find(model.items, 'project:old:open')?.enabled).toBe(false);
    expect(find(model.items, 'project:old:enabled')).toMatchObject({ checked: false, action: { kind: 'command', command: 'projects.setEnabled', input: { name: 'old', enabled: true } } });
  });

  it('a project not probed yet says so without raising attention', () => {
    const model = buildTrayModel({ ...base, status: status([projectStatus({ name: 'new', health: 'unknown' })]) });
    expect(model.icon).toBe('ok');
    expect(find(model.items, 'project:new')?.label).toBe('new — not checked yet');
  });

  it.each([
    ['untrusted', 'The Portico CA is not trusted yet'],
    ['partial', 'The Portico CA is not trusted everywhere'],
  ] as const)('CA %s: "Trust the Portico CA…" runs trust.install, attention icon', (trust, reason) => {
    const model = buildTrayModel({ ...base, trust });
    expect(model.icon).toBe('attention');
    expect(find(model.items, 'trust-ca')).toMatchObject({ label: 'Trust the Portico CA…', enabled: true, action: { kind: 'command', command: 'trust.install', input: {} } });
    expect(find(model.items, 'attention:0')?.label).toBe(reason);
  });

  it('trust not known yet: no trust item and no attention', () => {
    const model = buildTrayModel({ ...base, trust: 'unknown' });
    expect(model.icon).toBe('ok');
    expect(find(model.items, 'trust-ca')).toBeUndefined();
  });

  it('an expired certificate raises attention', () => {
    expect(attentionReasons({ ...base, status: status([projectStatus({ name: 'web', daysLeft: -1 })]) })).toEqual(['Expired certificate: web']);
  });

  it('an unprotected CA key is a warning while running', () => {
    const model = buildTrayModel({ ...base, keyWarning: 'CA key: 0600 file, not encrypted' });
    expect(model.icon).toBe('attention');
    expect(find(model.items, 'attention:0')?.label).toBe('CA key: 0600 file, not encrypted');
  });

  it.each([
    ['supported, off', { supported: true, openAtLogin: false }, { label: 'Start at login', checked: false, enabled: true, action: { kind: 'set-login-item', openAtLogin: true } }],
    ['supported, on', { supported: true, openAtLogin: true }, { checked: true, enabled: true, action: { kind: 'set-login-item', openAtLogin: false } }],
    ['not supported', { supported: false, openAtLogin: false }, { label: 'Start at login (not supported here)', checked: false, enabled: false }],
  ])('Start at login: %s', (_name, loginItem, expected) => {
    expect(find(buildTrayModel({ ...base, loginItem }).items, 'login-item')).toMatchObject({ type: 'checkbox', ...expected });
  });

  it.each([true, false])('Notifications checkbox reflects %s and toggles it', (enabled) => {
    expect(find(buildTrayModel({ ...base, notificationsEnabled: enabled }).items, 'notifications')).toMatchObject({ checked: enabled, action: { kind: 'set-notifications', enabled: !enabled } });
  });

  it('always ends with Quit, and Open Portico shows the window', () => {
    const model = buildTrayModel(base);
    expect(model.items.at(-1)).toMatchObject({ id: 'quit', label: 'Quit Portico', action: { kind: 'quit' } });
    expect(find(model.items, 'open-window')).toMatchObject({ label: 'Open Portico', action: { kind: 'show-window' } });
  });

  it('projects keep config order and every id is unique', () => {
    const model = buildTrayModel({ ...base, status: status(['b', 'a', 'c'].map((name) => projectStatus({ name }))) });
    expect(model.items.filter((i) => i.id.startsWith('project:')).map((i) => i.id)).toEqual(['project:b', 'project:a', 'project:c']);
    const all: string[] = [];
    const walk = (items: readonly MenuItemModel[]) => items.forEach((i) => (all.push(i.id), i.submenu && walk(i.submenu)));
    walk(model.items);
    expect(new Set(all).size).toBe(all.length);
  });

  it('trayIconState: stopped beats attention', () => {
    expect(trayIconState({ status: null, trust: 'untrusted' })).toBe('stopped');
  });
});
