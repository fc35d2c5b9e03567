/**
 * `GET /api/events`: engine events as `text/event-stream` (WHATWG HTML §9.2). Clients read it
 * with `fetch` rather than `EventSource`, because `EventSource` cannot send the `Authorization`
 * header the stream is guarded by like every other API route.
 */
import type { ServerResponse } from 'node:http';
import { EVENT_NAMES, isEventName } from '../../shared/contract';
import type { EventName } from '../../shared/contract';
import type { EventBus } from '../engine/events';
import { securityHeaders } from './responses';

export const DEFAULT_HEARTBEAT_MS = 15_000;
/**
 * A client that stops reading would make us buffer every event for it forever. Past this many
 * unsent bytes it is dropped; the dashboard reconnects and gets a fresh `status.changed`.
 */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;
/** How long a client waits before reconnecting after the stream ends (SSE `retry:` field). */
const RETRY_MS = 2_000;

export type EventFilter = { ok: true; events: EventName[] } | { ok: false; unknown: string[] };

/** The `?events=a,b` filter; absent or empty means every event. */
export function parseEventFilter(param: string | null): EventFilter {
  const wanted = (param ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (wanted.length === 0) return { ok: true, events: [...EVENT_NAMES] };
  const unknown = wanted.filter((name) => !isEventName(name));
  if (unknown.length > 0) return { ok: false, unknown };
  return { ok: true, events: [...new Set(wanted as EventName[])] };
}

/** One SSE frame. JSON never contains a raw newline, so `data:` is always a single line. */
export function sseFrame(event: EventName, payload: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

export interface EventStreamOptions {
  events: readonly EventName[];
  heartbeatMs?: number;
}

/**
 * Streams the bus to `res` until either side closes. Listeners are attached before the headers
 * are sent, so a client that has seen the response cannot miss an event emitted afterwards.
 * Returns a function that ends the stream (used when the server shuts down).
 */
export function openEventStream(res: ServerResponse, bus: Pick<EventBus, 'on'>, options: EventStreamOptions): () => void {
  let closed = false;
  // A comment line keeps idle connections from being cut by proxies and NATs; clients ignore it.
  const heartbeat = setInterval(() => write(': ping\n\n'), options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  heartbeat.unref();
  const unsubscribes: Array<() => unknown> = [];
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const unsubscribe of unsubscribes) unsubscribe();
    unsubscribes.length = 0;
    if (!res.writableEnded) res.end();
  };
  const write = (text: string) => {
    if (closed) return;
    if (res.writableLength > MAX_PENDING_BYTES) return close();
    res.write(text);
  };

  for (const event of options.events) unsubscribes.push(bus.on(event, (payload) => write(sseFrame(event, payload))));
  // The response's 'close' fires when the client goes away; the request's may fire as soon as its
  // (empty) body has been read, so it says nothing about the connection.
  res.once('close', close);

  res.writeHead(
    200,
    securityHeaders({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // Tells buffering reverse proxies (nginx) to pass frames through as they come.
      'x-accel-buffering': 'no',
    }),
  );
  res.write(`retry: ${RETRY_MS}\n: connected\n\n`);
  return close;
}
