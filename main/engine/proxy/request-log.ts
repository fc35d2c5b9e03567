/**
 * The recent-requests log behind the dashboard's live view and `requests.recent`. It sits on the
 * hot path, so recording is a fixed-size ring write plus one callback per subscriber: no I/O,
 * and a subscriber that throws cannot break a request.
 *
 * The ring holds columns (numbers in typed arrays, strings by reference), not one entry object
 * per request, and builds entries only when they are read or sent to a subscriber. Whatever the
 * ring holds lives for its next thousand requests: under load long enough to survive V8's young
 * generation, so it is copied into the old generation and stays there, dead, until a full
 * collection. An entry object with its time string came to ~230 bytes of that per request, most
 * of what the proxy promoted: 27 MB over a 13-second keep-alive load, 5 MB with a ten-entry ring
 * (issue #7, bench/README.md "Memory"). Now a request leaves its path string behind, and its host
 * and method only when they are not among the few the log has seen lately.
 */
import type { RequestLogEntry } from '../../../shared/status';

/** A request as the proxy records it: the log assigns the id and formats the time. */
export type RequestRecord = Omit<RequestLogEntry, 'id' | 'time'> & {
  /** When it started, in milliseconds since the epoch. */
  startedAt: number;
};

export type RequestSubscriber = (entry: RequestLogEntry) => void;

export interface RequestLog {
  /** Appends an entry (overwriting the oldest once full) and tells subscribers. */
  record(entry: RequestRecord): void;
  /** The newest entries, oldest first; optionally one project's only. */
  recent(options?: { limit?: number; project?: string }): RequestLogEntry[];
  /** Calls `subscriber` for every entry recorded from now on; returns the unsubscribe function. */
  subscribe(subscriber: RequestSubscriber): () => void;
  /** Entries currently held. */
  readonly size: number;
}

export const DEFAULT_REQUEST_LOG_CAPACITY = 1000;

/** Distinct hosts and methods kept as one shared string each: a dev machine has a handful. */
const INTERNED_LIMIT = 256;

function interner(): (value: string) => string {
  const seen = new Map<string, string>();
  return (value) => {
    const known = seen.get(value);
    if (known !== undefined) return known;
    if (seen.size >= INTERNED_LIMIT) seen.clear();
    seen.set(value, value);
    return value;
  };
}

export function createRequestLog(capacity = DEFAULT_REQUEST_LOG_CAPACITY): RequestLog {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`request log capacity must be a positive integer, got ${capacity}`);
  const startedAt = new Float64Array(capacity);
  const durationMs = new Float64Array(capacity);
  const status = new Uint16Array(capacity);
  const project = new Array<string | null>(capacity).fill(null);
  const host = new Array<string>(capacity).fill('');
  const method = new Array<string>(capacity).fill('');
  const path = new Array<string>(capacity).fill('');
  const protocol = new Array<string>(capacity).fill('');
  const tlsVersion = new Array<string | null>(capacity).fill(null);
  const cipher = new Array<string | null>(capacity).fill(null);
  const intern = interner();
  let nextId = 1;
  let count = 0;
  const subscribers = new Set<RequestSubscriber>();

  function entryAt(id: number): RequestLogEntry {
    const slot = (id - 1) % capacity;
    return {
      id,
      time: new Date(startedAt[slot] as number).toISOString(),
      project: project[slot] as string | null,
      host: host[slot] as string,
      method: method[slot] as string,
      path: path[slot] as string,
      status: status[slot] as number,
      durationMs: durationMs[slot] as number,
      protocol: protocol[slot] as string,
      tlsVersion: tlsVersion[slot] as string | null,
      cipher: cipher[slot] as string | null,
    };
  }

  return {
    record(record) {
      const id = nextId;
      const slot = (id - 1) % capacity;
      startedAt[slot] = record.startedAt;
      durationMs[slot] = record.durationMs;
      status[slot] = record.status;
      project[slot] = record.project;
      host[slot] = intern(record.host);
      method[slot] = intern(record.method);
      path[slot] = record.path;
      protocol[slot] = record.protocol;
      tlsVersion[slot] = record.tlsVersion;
      cipher[slot] = record.cipher;
      nextId += 1;
      if (count < capacity) count += 1;
      if (subscribers.size === 0) return;
      const entry = entryAt(id);
      for (const subscriber of subscribers) {
        try {
          subscriber(entry);
        } catch {
          // A subscriber's bug must never fail the request that produced the entry.
        }
      }
    },
    recent({ limit = capacity, project: only } = {}) {
      const out: RequestLogEntry[] = [];
      // Walk newest → oldest so a limit keeps the newest, then flip to chronological order.
      for (let id = nextId - 1; id >= nextId - count && out.length < limit; id -= 1) {
        if (only === undefined || project[(id - 1) % capacity] === only) out.push(entryAt(id));
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
