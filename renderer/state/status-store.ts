/**
 * The engine's state as the dashboard knows it: one `status.get` to start, then every
 * `status.changed` event replaces it (the single source of truth; no optimistic copies). When
 * the line comes back after a drop, the status is fetched again, since events were missed.
 */
import type { Status } from '../../shared/status';
import type { ApiClient, ApiError } from '../api/client';
import { toApiError } from '../api/client';
import type { ConnectionState } from '../api/transport';
import type { Store } from './store';
import { createStore } from './store';

export interface StatusSnapshot {
  /** The last status heard, or null before the first one. */
  status: Status | null;
  connection: ConnectionState;
  /** Why the last `status.get` failed, cleared by the next status. */
  error: ApiError | null;
}

/**
 * What the page shows:
 * - `loading`: nothing heard yet ("Connecting…");
 * - `ready`: a status and a live line;
 * - `stale`: a status, but the line dropped (reconnecting);
 * - `disconnected`: no engine answers;
 * - `unauthorized`: the token was refused;
 * - `error`: the engine answered with a failure.
 */
export type StatusPhase = 'loading' | 'ready' | 'stale' | 'disconnected' | 'unauthorized' | 'error';

export function statusPhase(snapshot: StatusSnapshot): StatusPhase {
  const { status, connection, error } = snapshot;
  if (connection === 'unauthorized' || error?.code === 'E_UNAUTHORIZED') return 'unauthorized';
  if (status === null) {
    if (error?.code === 'E_ENGINE_NOT_RUNNING' || connection === 'closed') return 'disconnected';
    return error === null ? 'loading' : 'error';
  }
  return connection === 'closed' ? 'stale' : 'ready';
}

export interface StatusStore extends Store<StatusSnapshot> {
  /** Subscribes and fetches; returns the function that stops. */
  start(): () => void;
  /** Fetches the status again (the "Retry" button). */
  refresh(): Promise<void>;
}

export function createStatusStore(client: ApiClient): StatusStore {
  const store = createStore<StatusSnapshot>({ status: null, connection: client.connection(), error: null });
  // Counts events, so a `status.get` answer older than an event that overtook it is dropped.
  let eventsSeen = 0;
  let running = false;

  const refresh = async () => {
    const seen = eventsSeen;
    try {
      const status = await client.call('status.get', {});
      if (running && seen === eventsSeen) store.set({ status, error: null });
    } catch (error) {
      if (running) store.set({ error: toApiError(error) });
    }
  };

  return {
    getSnapshot: store.getSnapshot,
    subscribe: store.subscribe,
    refresh,
    start() {
      running = true;
      const offStatus = client.subscribe('status.changed', (status) => {
        eventsSeen++;
        store.set({ status, error: null });
      });
      const offConnection = client.onConnection((connection) => {
        const was = store.getSnapshot().connection;
        store.set({ connection });
        if (connection === 'open' && was !== 'open') void refresh();
      });
      store.set({ connection: client.connection() });
      void refresh();
      return () => {
        running = false;
        offStatus();
        offConnection();
      };
    },
  };
}
