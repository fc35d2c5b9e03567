/**
 * The recent-requests log behind the dashboard's live view and `requests.recent`. It sits on the
 * hot path, so recording is a fixed-size ring write plus one callback per subscriber: no
 * allocation beyond the entry, no I/O, and a subscriber that throws cannot break a request.
 */
import type { RequestLogEntry } from '../../../shared/status';

/** An entry as the proxy records it; the log assigns the id. */
export type RequestRecord = Omit<RequestLogEntry, 'id'>;

export type RequestSubscriber = (entry: RequestLogEntry) => void;

export interface RequestLog {
  /** Appends an entry (overwriting the oldest once full) and tells subscribers. */
  record(entry: RequestRecord): RequestLogEntry;
  /** The newest entries, oldest first; optionally one project's only. */
  recent(options?: { limit?: number; project?: string }): RequestLogEntry[];
  /** Calls `subscriber` for every entry recorded from now on; returns the unsubscribe function. */
  subscribe(subscriber: RequestSubscriber): () => void;
  /** Entries currently held. */
  readonly size: number;
}

export const DEFAULT_REQUEST_LOG_CAPACITY = 1000;

export function createRequestLog(capacity = DEFAULT_REQUEST_LOG_CAPACITY): RequestLog {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`request log capacity must be a positive integer, got ${capacity}`);
  const ring: (RequestLogEntry | undefined)[] = new Array<RequestLogEntry | undefined>(capacity);
  let nextId = 1;
  let count = 0;
  const subscribers = new Set<RequestSubscriber>();

  return {
    record(record) {
      const entry: RequestLogEntry = { id: nextId, ...record };
      ring[(nextId - 1) % capacity] = entry;
      nextId += 1;
      if (count < capacity) count += 1;
      for (const subscriber of subscribers) {
        try {
          subscriber(entry);
        } catch {
          // A subscriber's bug must never fail the request that produced the entry.
        }
      }
      return entry;
    },
    recent({ limit = capacity, project } = {}) {
      const out: RequestLogEntry[] = [];
      // Walk newest → oldest so a limit keeps the newest, then flip to chronological order.
      for (let id = nextId - 1; id >= nextId - count && out.length < limit; id -= 1) {
        const entry = ring[(id - 1) % capacity];
        if (entry && (project === undefined || entry.project === project)) out.push(entry);
      }
      return out.reverse();
    },
    subscribe(subscriber) {
      subscribers.add(subscriber);
      return () => {
        subscribers.delete(subscriber);
      };
    },
    get size() {
      return count;
    },
  };
}
