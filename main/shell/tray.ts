/**
 * The tray: the pure model (tray-menu.ts) turned into Electron menus, and menu actions carried
 * out. Command actions go through the same dispatcher as the window's IPC, so a tray click and a
 * dashboard click are the same contract command (`projects.setHttps`, `trust.install`, …).
 */
import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import type { Result } from '../../shared/contract';
import type { Dispatcher } from '../control';
import { externalUrl } from './external-links';
import type { MenuAction, MenuItemModel, TrayIconState, TrayModel } from './tray-menu';

export function toMenuTemplate(items: readonly MenuItemModel[], run: (action: MenuAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.type === 'separator') return { id: item.id, type: 'separator' };
    const action = item.action;
    return {
      id: item.id,
      type: item.type,
      ...(item.label !== undefined && { label: item.label }),
      enabled: item.enabled,
      ...(item.type === 'checkbox' && { checked: item.checked === true }),
      ...(item.submenu !== undefined && { submenu: toMenuTemplate(item.submenu, run) }),
      ...(action !== undefined && { click: () => run(action) }),
    };
  });
}

export interface TrayPresenterDeps {
  tray: Pick<Tray, 'setContextMenu' | 'setToolTip' | 'setImage'>;
  buildMenu(template: MenuItemConstructorOptions[]): Menu;
  icons: Record<TrayIconState, NativeImage | string>;
  run(action: MenuAction): void;
}

export function createTrayPresenter(deps: TrayPresenterDeps) {
  let shownIcon: TrayIconState | null = null;
  return {
    render(model: TrayModel): void {
      deps.tray.setContextMenu(deps.buildMenu(toMenuTemplate(model.items, deps.run)));
      deps.tray.setToolTip(model.tooltip);
      if (model.icon !== shownIcon) {
        deps.tray.setImage(deps.icons[model.icon]);
        shownIcon = model.icon;
      }
    },
  };
}

export interface MenuActionDeps {
  dispatcher: Dispatcher;
  suffixes(): readonly string[];
  openExternal(url: string): Promise<void>;
  showWindow(): void;
  setLoginItem(openAtLogin: boolean): Promise<void>;
  setNotifications(enabled: boolean): Promise<void>;
  quit(): void;
  /** Tells the user a click failed (a notification or a dialog). */
  report(title: string, message: string): void;
  /** Re-renders the tray after a change that emits no engine event (trust, settings). */
  refresh(): void;
}

const failed = (result: Result<unknown>): result is Extract<Result<unknown>, { ok: false }> => !result.ok;

export async function runMenuAction(action: MenuAction, deps: MenuActionDeps): Promise<void> {
  try {
    switch (action.kind) {
      case 'command': {
        const result = await deps.dispatcher.dispatch(action.command, action.input);
        if (failed(result)) deps.report('Portico could not do that', `${result.error.message} (${result.error.code})`);
        if (action.command === 'trust.install') deps.refresh();
        return;
      }
      case 'open-url': {
        const url = externalUrl(action.url, deps.suffixes());
        if (url === null) return deps.report('Portico will not open that link', `${action.url} is not a project address.`);
        return await deps.openExternal(url.href);
      }
      case 'show-window':
        return deps.showWindow();
      case 'set-login-item':
        await deps.setLoginItem(action.openAtLogin);
        return deps.refresh();
      case 'set-notifications':
        await deps.setNotifications(action.enabled);
        return deps.refresh();
      case 'quit':
        return deps.quit();
    }
  } catch (error) {
    deps.report('Portico could not do that', error instanceof Error ? error.message : String(error));
  }
}
