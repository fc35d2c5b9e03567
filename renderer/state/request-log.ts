/** Pure helpers for the live request log: a bounded newest-first list, filters and TLS summaries. */
import type { RequestLogEntry } from '../../shared/status';

/** How many requests the dashboard keeps. */
export const REQUEST_LOG_LIMIT = 500;

/**
 * Merges entries by id (ids are the engine's monotonic counter), newest first, keeping `limit`.
 * Merging by id makes a `requests.recent` answer and live events safe to combine in any order.
 */
export function mergeEntries(current: readonly RequestLogEntry[], incoming: readonly RequestLogEntry[], limit = REQUEST_LOG_LIMIT): RequestLogEntry[] {
  const byId = new Map<number, RequestLogEntry>();
  for (const entry of current) byId.set(entry.id, entry);
  for (const entry of incoming) byId.set(entry.id, entry);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, limit);
}

/** The log filter: every request, one project's, or those for hosts no project serves. */
export type RequestFilter = { kind: 'all' } | { kind: 'project'; name: string } | { kind: 'unknown-host' };

export function filterEntries(entries: readonly RequestLogEntry[], filter: RequestFilter): readonly RequestLogEntry[] {
  switch (filter.kind) {
    case 'all':
      return entries;
    case 'project':
      return entries.filter((entry) => entry.project === filter.name);
    case 'unknown-host':
      return entries.filter((entry) => entry.project === null);
  }
}

/** One negotiated combination seen on a project's recent requests. */
export interface ConnectionSummary {
  protocol: string;
  /** Null over plain HTTP. */
  tlsVersion: string | null;
  cipher: string | null;
  count: number;
}

/** The protocol / TLS version / cipher combinations of a project's recent requests, most used first. */
export function summarizeConnections(entries: readonly RequestLogEntry[], project: string): ConnectionSummary[] {
  const groups = new Map<string, ConnectionSummary>();
  for (const entry of entries) {
    if (entry.project !== project) continue;
    const key = JSON.stringify([entry.protocol, entry.tlsVersion, entry.cipher]);
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { protocol: entry.protocol, tlsVersion: entry.tlsVersion, cipher: entry.cipher, count: 1 });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}
