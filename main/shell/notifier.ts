/**
 * Shows what notifications.ts decided, through Electron's `Notification` (injected). Keeps the
 * previous status and the rate-limit history between status changes.
 */
import type { NotificationConstructorOptions } from 'electron';
import type { Status } from '../../shared/status';
import { decideNotifications, EMPTY_HISTORY } from './notifications';
import type { NotificationHistory, NotificationModel, NotificationSettings, RateLimits } from './notifications';

export interface ShownNotification {
  on(event: 'click', listener: () => void): unknown;
  show(): void;
}

export interface NotificationFactory {
  isSupported(): boolean;
  create(options: NotificationConstructorOptions): ShownNotification;
}

export interface NotifierDeps {
  factory: NotificationFactory;
  settings(): NotificationSettings;
  now(): number;
  /** A click on a notification opens the dashboard. */
  onClick(model: NotificationModel): void;
  limits?: RateLimits;
}

export function createNotifier(deps: NotifierDeps) {
  let previous: Status | null = null;
  let history: NotificationHistory = EMPTY_HISTORY;
  return {
    /** Feed every status; `null` when the engine went away (the next status is a new baseline). */
    onStatus(next: Status | null): NotificationModel[] {
      if (next === null) {
        previous = null;
        return [];
      }
      const decided = decideNotifications(previous, next, deps.now(), deps.settings(), history, deps.limits);
      previous = next;
      history = decided.history;
      if (!deps.factory.isSupported()) return [];
      for (const model of decided.show) {
        const notification = deps.factory.create({ title: model.title, body: model.body, silent: model.kind === 'certificate-renewed' });
        notification.on('click', () => deps.onClick(model));
        notification.show();
      }
      return decided.show;
    },
  };
}
