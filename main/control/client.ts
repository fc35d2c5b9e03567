/**
 * A typed client for a running engine's control API, for the CLI (`portico status` while
 * `portico serve` runs, `portico logs -f`). Uses Node's global `fetch`; the event stream is read
 * from the response body because it is authenticated like every other route.
 */
import { isEventName } from '../../shared/contract';
import type { CommandInput, CommandName, CommandOutput, EventName, EventPayload } from '../../shared/contract';
import { isErrorCode } from '../../shared/errors';
import { PorticoError } from '../engine/errors';
import { createSseParser } from '../../shared/sse';

export interface ControlClientOptions {
  /** The engine's control URL, e.g. from `readControlFile`. */
  url: string;
  token: string;
  fetch?: typeof fetch;
}

/** One event from the stream, discriminated by name. */
export type ControlEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];

/** How a subscription ended: closed by us, ended by the engine (it stopped), or failed. */
export interface SubscriptionEnd {
  reason: 'closed' | 'ended' | 'failed';
  error?: PorticoError;
}

export interface Subscription {
  /** Resolves once the engine accepted the stream (events emitted after this are delivered); rejects with the refusal. */
  ready: Promise<void>;
  /** Resolves when the stream is over; never rejects. */
  done: Promise<SubscriptionEnd>;
  close(): void;
}

export interface ControlClient {
  /** Runs a command; throws PorticoError with the engine's code and message when it fails. */
  call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutput<N>>;
  subscribe(events: readonly EventName[], onEvent: (event: ControlEvent) => void): Subscription;
}

function notRunning(url: string, error: unknown): PorticoError {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const why = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
  return new PorticoError('E_ENGINE_NOT_RUNNING', `no Portico engine answers at ${url}${why}. Start one with \`portico serve\` or check \`portico status\`.`, { cause: error });
}

type Answer = { ok?: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } } | null;

const readAnswer = (response: Response): Promise<Answer> => response.json().then((body: unknown) => (typeof body === 'object' ? (body as Answer) : null)).catch(() => null);

/** The engine's error from a Result-shaped body, or a generic one built from the HTTP status. */
function failureOf(answer: Answer, status: number, what: string): PorticoError {
  const error = answer?.ok === false ? answer.error : undefined;
  if (error && isErrorCode(error.code) && typeof error.message === 'string') return new PorticoError(error.code, error.message);
  return new PorticoError('E_INTERNAL', `the engine answered ${what} with HTTP ${status} and no readable result. Check the terminal running \`portico serve\`.`);
}

export function createControlClient(options: ControlClientOptions): ControlClient {
  const base = options.url.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const authorization = `Bearer ${options.token}`;

  return {
    async call(name, input) {
      let response: Response;
      try {
        response = await fetchImpl(`${base}/api/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(input ?? {}),
        });
      } catch (error) {
        throw notRunning(base, error);
      }
      const answer = await readAnswer(response);
      if (answer?.ok === true) return answer.value as CommandOutput<typeof name>;
      throw failureOf(answer, response.status, `"${name}"`);
    },

    subscribe(events, onEvent) {
      const controller = new AbortController();
      let markReady!: () => void;
      let refuse!: (error: PorticoError) => void;
      const ready = new Promise<void>((resolve, reject) => ((markReady = resolve), (refuse = reject)));
      // The caller may only care about `done`; a refusal must not become an unhandled rejection.
      ready.catch(() => undefined);

      const read = async (): Promise<SubscriptionEnd> => {
        const query = events.length > 0 ? `?events=${events.map(encodeURIComponent).join(',')}` : '';
        let response: Response;
        try {
          response = await fetchImpl(`${base}/api/events${query}`, { headers: { authorization, accept: 'text/event-stream' }, signal: controller.signal });
        } catch (error) {
          if (controller.signal.aborted) return { reason: 'closed' };
          throw notRunning(base, error);
        }
        if (!response.ok || response.body === null) throw failureOf(await readAnswer(response), response.status, 'the event stream');
        markReady();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        const sse = createSseParser();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return { reason: 'ended' };
            for (const message of sse.push(value)) {
              if (!isEventName(message.event)) continue;
              let payload: unknown;
              try {
                payload = JSON.parse(message.data);
              } catch {
                continue; // not part of the contract
              }
              onEvent({ event: message.event, payload } as ControlEvent);
            }
          }
        } catch (error) {
          if (controller.signal.aborted) return { reason: 'closed' };
          return { reason: 'failed', error: new PorticoError('E_ENGINE_NOT_RUNNING', `the event stream from ${base} broke off. Is the engine still running?`, { cause: error }) };
        }
      };

      const done = read().then(
        (end) => {
          // A no-op once the stream opened; settles `ready` when close() came first.
          refuse(new PorticoError('E_ENGINE_NOT_RUNNING', 'the subscription was closed before the stream opened.'));
          return end;
        },
        (error: unknown) => {
          const failure = error instanceof PorticoError ? error : new PorticoError('E_INTERNAL', 'the event stream failed unexpectedly.', { cause: error });
          refuse(failure);
          return { reason: 'failed' as const, error: failure };
        },
      );

      return { ready, done, close: () => controller.abort() };
    },
  };
}
