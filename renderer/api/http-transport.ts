/**
 * The dashboard in a browser, talking to `portico serve`'s control API: `POST /api/<command>`
 * with a bearer token and a JSON body (the API refuses other content types, security-requirements
 * API-6), and one `GET /api/events` event stream read through `fetch`, reconnected with backoff.
 */
import type { Result } from '../../shared/contract';
import { isErrorCode } from '../../shared/errors';
import { ApiError } from './client';
import { ENGINE_UNREACHABLE, TOKEN_REFUSED } from './messages';
import { createSseParser } from '../../shared/sse';
import type { ConnectionState, Transport } from './transport';

export interface HttpTransportOptions {
  /** The control API token, or null when the page was opened without one. */
  token: string | null;
  /** Origin (and path prefix) of the control API; empty for the page's own origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Waits before a reconnect and rejects when `signal` aborts; tests pass one that does not sleep. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface HttpTransport extends Transport {
  /** Uses a new token (e.g. pasted `#token=…` URL) and reconnects if the old one was refused. */
  setToken(token: string | null): void;
  /** Stops the event stream for good. */
  close(): void;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 15_000;

/** Delay before reconnect attempt `attempt` (0-based): doubling from `base`, capped. */
export function backoffMs(attempt: number, base = FIRST_RETRY_MS): number {
  return Math.min(base * 2 ** Math.min(attempt, 16), MAX_RETRY_MS);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

/** The engine's answer when it has the contract's shape; unknown codes become E_INTERNAL. */
function asResult(body: unknown): Result<unknown> | null {
  if (typeof body !== 'object' || body === null) return null;
  const answer = body as { ok?: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } };
  if (answer.ok === true) return { ok: true, value: answer.value };
  if (answer.ok !== false || typeof answer.error?.message !== 'string') return null;
  const code = isErrorCode(answer.error.code) ? answer.error.code : 'E_INTERNAL';
  return { ok: false, error: { code, message: answer.error.message } };
}

type StreamOutcome = 'aborted' | 'failed' | 'ended' | 'unauthorized';

export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const wait = options.wait ?? sleep;
  const base = options.baseUrl ?? '';
  let token = options.token;
  let state: ConnectionState = 'connecting';
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  let stream: AbortController | null = null;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const listener of [...stateListeners]) listener(next);
  };

  const authorization = () => ({ Authorization: `Bearer ${token ?? ''}` });

  const deliver = (event: string, data: string) => {
    const listeners = eventListeners.get(event);
    if (!listeners || listeners.size === 0) return;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return; // A frame that is not JSON is not part of the contract.
    }
    for (const listener of [...listeners]) listener(payload);
  };

  const readOnce = async (signal: AbortSignal, onRetryHint: (ms: number) => void): Promise<StreamOutcome> => {
    if (token === null) return 'unauthorized';
    let response: Response;
    try {
      response = await fetchImpl(`${base}/api/events`, { headers: { ...authorization(), Accept: 'text/event-stream' }, cache: 'no-store', signal });
    } catch {
      return signal.aborted ? 'aborted' : 'failed';
    }
    if (response.status === 401) return 'unauthorized';
    if (!response.ok || response.body === null) {
      void response.body?.cancel().catch(() => undefined);
      return 'failed';
    }
    setState('open');
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const parser = createSseParser();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const frame of parser.push(decoder.decode(value, { stream: true }))) deliver(frame.event, frame.data);
        const hint = parser.retryMs();
        if (hint !== undefined) onRetryHint(hint);
      }
    } catch {
      // A reset connection ends the stream like a clean close does.
    }
    return signal.aborted ? 'aborted' : 'ended';
  };

  const run = async (controller: AbortController) => {
    const { signal } = controller;
    let attempt = 0;
    let retryBase = FIRST_RETRY_MS;
    while (!signal.aborted) {
      const outcome = await readOnce(signal, (ms) => (retryBase = ms));
      if (outcome === 'aborted') return;
      if (outcome === 'unauthorized') {
        if (stream === controller) stream = null;
        setState('unauthorized');
        return;
      }
      // A stream that opened and then ended starts the backoff over: the engine was up.
      if (outcome === 'ended') attempt = 0;
      setState('closed');
      try {
        await wait(backoffMs(attempt++, retryBase), signal);
      } catch {
        return;
      }
    }
  };

  const startStream = () => {
    if (stream !== null || state === 'unauthorized') return;
    const hasListeners = [...eventListeners.values()].some((set) => set.size > 0);
    if (!hasListeners) return;
    const controller = new AbortController();
    stream = controller;
    void run(controller);
  };

  const stopStream = () => {
    stream?.abort();
    stream = null;
  };

  return {
    async call(name, input) {
      if (token === null) {
        setState('unauthorized');
        throw new ApiError('E_UNAUTHORIZED', TOKEN_REFUSED);
      }
      let response: Response;
      try {
        response = await fetchImpl(`${base}/api/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { ...authorization(), 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify(input ?? {}),
          cache: 'no-store',
        });
      } catch {
        throw new ApiError('E_ENGINE_NOT_RUNNING', ENGINE_UNREACHABLE);
      }
      if (response.status === 401) {
        stopStream();
        setState('unauthorized');
        throw new ApiError('E_UNAUTHORIZED', TOKEN_REFUSED);
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        throw new ApiError('E_INTERNAL', `Portico answered "${name}" with HTTP ${response.status} and no readable JSON. Check the terminal running \`portico serve\`.`);
      }
      const result = asResult(body);
      if (result === null) throw new ApiError('E_INTERNAL', `Portico answered "${name}" with HTTP ${response.status} in an unexpected shape.`);
      return result;
    },
    subscribe(event, listener) {
      const set = eventListeners.get(event) ?? new Set();
      eventListeners.set(event, set);
      set.add(listener);
      startStream();
      return () => {
        set.delete(listener);
        if (![...eventListeners.values()].some((s) => s.size > 0)) stopStream();
      };
    },
    connection: () => state,
    onConnection(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    setToken(next) {
      token = next;
      stopStream();
      if (state === 'unauthorized') setState('connecting');
      startStream();
    },
    close() {
      stopStream();
      eventListeners.clear();
    },
  };
}
