/**
 * The live request log: `requests.recent` to start (and after every reconnect, since events were
 * missed), then each `request.logged` event, merged by id and bounded.
 */
import type { RequestLogEntry } from '../../shared/status';
import type { ApiClient, ApiError } from '../api/client';
import { toApiError } from '../api/client';
import { mergeEntries, REQUEST_LOG_LIMIT } from './request-log';
import type { Store } from './store';
import { createStore } from './store';

export interface RequestSnapshot {
  /** Newest first, at most `REQUEST_LOG_LIMIT`. */
  entries: RequestLogEntry[];
  /** Why the last `requests.recent` failed; live events still arrive. */
  error: ApiError | null;
}

export interface RequestStore extends Store<RequestSnapshot> {
  start(): () => void;
}

export function createRequestStore(client: ApiClient, limit = REQUEST_LOG_LIMIT): RequestStore {
  const store = createStore<RequestSnapshot>({ entries: [], error: null });
  // Events heard while a `requests.recent` is in flight, to lay over its answer.
  let sinceLoad: RequestLogEntry[] | null = null;
  let running = false;

  const load = async () => {
    const buffered: RequestLogEntry[] = [];
    sinceLoad = buffered;
    try {
      const recent = await client.call('requests.recent', { limit });
      // A reconnect may follow an engine restart whose ids start over: replace, don't merge with the old list.
      if (running && sinceLoad === buffered) store.set({ entries: mergeEntries(recent, buffered, limit), error: null });
    } catch (error) {
      if (running && sinceLoad === buffered) store.set({ error: toApiError(error) });
    } finally {
      if (sinceLoad === buffered) sinceLoad = null;
    }
  };

  return {
    getSnapshot: store.getSnapshot,
    subscribe: store.subscribe,
    start() {
      running = true;
      const offLogged = client.subscribe('request.logged', (entry) => {
        sinceLoad?.push(entry);
        store.set({ entries: mergeEntries(store.getSnapshot().entries, [entry], limit) });
      });
      let connection = client.connection();
      const offConnection = client.onConnection((next) => {
        if (next === 'open' && connection !== 'open') void load();
        connection = next;
      });
      void load();
      return () => {
        running = false;
        offLogged();
        offConnection();
      };
    },
  };
}
