/**
 * Gathers what the tray shows — the engine's status, the CA's trust, the login item, the
 * notification switch — and re-renders the pure tray model whenever one of them changes. Trust
 * is asked for (`trust.status` runs store checks) only when the engine (re)connects, when the CA
 * changes, or after the user acted on it; never on every status push.
 */
import type { TrustStateView } from '../../shared/contract';
import type { Dispatcher } from '../control';
import type { ConnectionSnapshot } from './engine-connection';
import type { LoginItemState, LoginItems } from './login-item';
import { buildTrayModel, summarizeTrust } from './tray-menu';
import type { TrayModel, TrustSummary } from './tray-menu';

export interface TrayStateDeps {
  dispatcher: Dispatcher;
  loginItems: LoginItems;
  notificationsEnabled(): boolean;
  /** Set when the CA key stays a plain file in the desktop app (no usable keyring). */
  keyWarning?: string;
  render(model: TrayModel): void;
}

export function createTrayState(deps: TrayStateDeps) {
  let snapshot: ConnectionSnapshot = { mode: null, status: null, problem: null };
  let trust: TrustSummary = 'unknown';
  let loginItem: LoginItemState = { supported: false, openAtLogin: false };
  let trustKey = '';

  const render = () =>
    deps.render(
      buildTrayModel({
        status: snapshot.status,
        trust,
        loginItem,
        notificationsEnabled: deps.notificationsEnabled(),
        ...(deps.keyWarning !== undefined && { keyWarning: deps.keyWarning }),
      }),
    );

  const loadTrust = async () => {
    const result = await deps.dispatcher.dispatch('trust.status', {});
    trust = result.ok ? summarizeTrust(result.value as TrustStateView[]) : 'unknown';
  };

  return {
    render,
    /** Every connection change and status push. */
    setSnapshot(next: ConnectionSnapshot): void {
      snapshot = next;
      const key = next.status?.engine.running ? `${next.mode}:${next.status.ca.fingerprint256 ?? 'none'}` : '';
      if (key !== '' && key !== trustKey) {
        trustKey = key;
        void loadTrust().then(render, render);
      }
      render();
    },
    /** After a tray action that changes no engine state the tray hears about (trust, settings). */
    async refresh(): Promise<void> {
      [loginItem] = await Promise.all([deps.loginItems.state().catch(() => loginItem), snapshot.status?.engine.running ? loadTrust() : Promise.resolve()]);
      render();
    },
  };
}
