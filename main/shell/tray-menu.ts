/**
 * The tray menu as data: a pure function of the engine's status, the CA's trust and the
 * desktop settings. Clicks are actions described as data — contract commands (the same ones the
 * dashboard and the CLI send), or shell actions — so every state is table-tested without
 * Electron, and `tray.ts` only translates the model into `Menu.buildFromTemplate`.
 */
import type { CommandInput, CommandName, TrustStateView } from '../../shared/contract';
import type { ProjectStatus, Status } from '../../shared/status';

/** The CA's trust across the stores that apply here. */
export type TrustSummary = 'trusted' | 'partial' | 'untrusted' | 'unknown';

/** The three tray icons. */
export type TrayIconState = 'ok' | 'attention' | 'stopped';

type CommandAction = { [N in CommandName]: { kind: 'command'; command: N; input: CommandInput<N> } }[CommandName];

export type MenuAction =
  | CommandAction
  | { kind: 'open-url'; url: string }
  | { kind: 'show-window' }
  | { kind: 'set-login-item'; openAtLogin: boolean }
  | { kind: 'set-notifications'; enabled: boolean }
  | { kind: 'quit' };

export interface MenuItemModel {
  /** Stable id, for tests and for `Menu.getMenuItemById`. */
  id: string;
  type: 'normal' | 'checkbox' | 'separator' | 'submenu';
  label?: string;
  checked?: boolean;
  enabled: boolean;
  action?: MenuAction;
  submenu?: MenuItemModel[];
}

export interface TrayModel {
  icon: TrayIconState;
  tooltip: string;
  items: MenuItemModel[];
}

export interface TrayInput {
  /** The engine's last status, or null when no engine answers. */
  status: Status | null;
  trust: TrustSummary;
  loginItem: { supported: boolean; openAtLogin: boolean };
  notificationsEnabled: boolean;
  /** Set when the CA key is NOT encrypted at rest although this is the desktop app (e.g. Linux without a keyring). */
  keyWarning?: string;
}

/** Trust over the stores that exist here (`unavailable` ones do not count). */
export function summarizeTrust(states: readonly TrustStateView[] | null): TrustSummary {
  if (states === null) return 'unknown';
  const relevant = states.filter((state) => state.status !== 'unavailable');
  if (relevant.length === 0) return 'unknown';
  const installed = relevant.filter((state) => state.status === 'installed').length;
  if (installed === relevant.length) return 'trusted';
  return installed === 0 ? 'untrusted' : 'partial';
}

const isRunning = (status: Status | null): status is Status => status?.engine.running === true;

const downProjects = (status: Status) => status.projects.filter((p) => p.project.enabled && p.health.state === 'down');

/** Why the tray asks for attention, most urgent first; empty when all is well or the engine is stopped. */
export function attentionReasons(input: Pick<TrayInput, 'status' | 'trust' | 'keyWarning'>): string[] {
  if (!isRunning(input.status)) return [];
  const reasons: string[] = [];
  const down = downProjects(input.status);
  if (down.length === 1) reasons.push(`${down[0]!.project.name}: dev server is not running`);
  else if (down.length > 1) reasons.push(`${down.length} dev servers are not running: ${down.map((p) => p.project.name).join(', ')}`);
  if (input.trust === 'untrusted') reasons.push('The Portico CA is not trusted yet');
  else if (input.trust === 'partial') reasons.push('The Portico CA is not trusted everywhere');
  const expired = input.status.projects.filter((p) => p.project.enabled && p.project.https && p.certificate !== null && p.certificate.daysLeft < 0);
  if (expired.length > 0) reasons.push(`Expired certificate: ${expired.map((p) => p.project.name).join(', ')}`);
  if (input.keyWarning) reasons.push(input.keyWarning);
  return reasons;
}

export function trayIconState(input: Pick<TrayInput, 'status' | 'trust' | 'keyWarning'>): TrayIconState {
  if (!isRunning(input.status)) return 'stopped';
  return attentionReasons(input).length > 0 ? 'attention' : 'ok';
}

function statusLine(status: Status | null): string {
  if (!isRunning(status)) return 'Portico is stopped';
  const https = status.listeners.find((l) => l.role === 'https');
  return https ? `Portico is running (HTTPS on port ${https.port})` : 'Portico is running';
}

function projectLabel(p: ProjectStatus): string {
  if (!p.project.enabled) return `${p.project.name} — disabled`;
  if (p.health.state === 'down') return `${p.project.name} — dev server not running`;
  if (p.health.state === 'unknown') return `${p.project.name} — not checked yet`;
  return p.project.name;
}

function projectItem(p: ProjectStatus, running: boolean): MenuItemModel {
  const { name } = p.project;
  const url = p.urls[0];
  const submenu: MenuItemModel[] = [
    { id: `project:${name}:https`, type: 'checkbox', label: 'HTTPS', checked: p.project.https, enabled: running, action: { kind: 'command', command: 'projects.setHttps', input: { name, enabled: !p.project.https } } },
    { id: `project:${name}:enabled`, type: 'checkbox', label: 'Enabled', checked: p.project.enabled, enabled: running, action: { kind: 'command', command: 'projects.setEnabled', input: { name, enabled: !p.project.enabled } } },
  ];
  if (url !== undefined) {
    submenu.push({ id: `project:${name}:open`, type: 'normal', label: `Open ${url}`, enabled: running && p.project.enabled, action: { kind: 'open-url', url } });
  }
  return { id: `project:${name}`, type: 'submenu', label: projectLabel(p), enabled: true, submenu };
}

export function buildTrayModel(input: TrayInput): TrayModel {
  const running = isRunning(input.status);
  const reasons = attentionReasons(input);
  const icon = trayIconState(input);
  const items: MenuItemModel[] = [{ id: 'status', type: 'normal', label: statusLine(input.status), enabled: false }];
  reasons.forEach((reason, index) => items.push({ id: `attention:${index}`, type: 'normal', label: reason, enabled: false }));
  items.push({ id: 'separator:projects', type: 'separator', enabled: true });

  if (running) {
    const projects = input.status!.projects;
    if (projects.length === 0) items.push({ id: 'no-projects', type: 'normal', label: 'No projects yet — add one in Portico', enabled: false });
    for (const project of projects) items.push(projectItem(project, true));
    items.push({ id: 'separator:app', type: 'separator', enabled: true });
  }

  items.push({ id: 'open-window', type: 'normal', label: 'Open Portico', enabled: true, action: { kind: 'show-window' } });
  if (running && (input.trust === 'untrusted' || input.trust === 'partial')) {
    items.push({ id: 'trust-ca', type: 'normal', label: 'Trust the Portico CA…', enabled: true, action: { kind: 'command', command: 'trust.install', input: {} } });
  }
  items.push({ id: 'separator:settings', type: 'separator', enabled: true });
  items.push({
    id: 'login-item',
    type: 'checkbox',
    label: input.loginItem.supported ? 'Start at login' : 'Start at login (not supported here)',
    checked: input.loginItem.supported && input.loginItem.openAtLogin,
    enabled: input.loginItem.supported,
    action: { kind: 'set-login-item', openAtLogin: !input.loginItem.openAtLogin },
  });
  items.push({ id: 'notifications', type: 'checkbox', label: 'Notifications', checked: input.notificationsEnabled, enabled: true, action: { kind: 'set-notifications', enabled: !input.notificationsEnabled } });
  items.push({ id: 'separator:quit', type: 'separator', enabled: true });
  items.push({ id: 'quit', type: 'normal', label: 'Quit Portico', enabled: true, action: { kind: 'quit' } });

  const tooltip = icon === 'stopped' ? 'Portico: stopped' : icon === 'attention' ? `Portico: ${reasons[0]}` : 'Portico: all good';
  return { icon, tooltip, items };
}
