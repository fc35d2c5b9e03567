/**
 * A fake `ApiClient` for component tests: each command answers from a handler the test sets (or
 * fails with E_UNKNOWN_COMMAND like an engine that lacks it), calls are recorded, and the test
 * emits events and connection changes by hand. The real transports have their own tests.
 */
import type { CommandInput, CommandName, CommandOutput, EventName, EventPayload } from '../../../shared/contract';
import type { ApiClient } from '../../../renderer/api/client';
import { ApiError } from '../../../renderer/api/client';
import type { ConnectionState } from '../../../renderer/api/transport';

type Handler<N extends CommandName> = (input: CommandInput<N>) => CommandOutput<N> | Promise<CommandOutput<N>>;
type Handlers = { [N in CommandName]?: Handler<N> };

export interface Call {
  name: CommandName;
  input: unknown;
}

export interface FakeClient extends ApiClient {
  calls: Call[];
  /** Sets (or replaces) what a command answers. */
  on<N extends CommandName>(name: N, handler: Handler<N>): void;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  setConnection(state: ConnectionState): void;
  /** The inputs of every call of one command. */
  inputsOf(name: CommandName): unknown[];
}

/** A promise the test settles when it wants, to observe pending states. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export function createFakeClient(handlers: Handlers = {}): FakeClient {
  const table: Handlers = { ...handlers };
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let connection: ConnectionState = 'open';
  const calls: Call[] = [];

  return {
    calls,
    on(name, handler) {
      (table as Record<string, unknown>)[name] = handler;
    },
    async call(name, input) {
      calls.push({ name, input });
      const handler = table[name] as Handler<typeof name> | undefined;
      if (handler === undefined) throw new ApiError('E_UNKNOWN_COMMAND', `This engine does not know "${name}".`);
      return handler(input);
    },
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    emit(event, payload) {
      for (const listener of [...(listeners.get(event) ?? [])]) (listener as (payload: EventPayload<typeof event>) => void)(payload);
    },
    connection: () => connection,
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    setConnection(state) {
      connection = state;
      for (const listener of [...connectionListeners]) listener(state);
    },
    inputsOf: (name) => calls.filter((call) => call.name === name).map((call) => call.input),
  };
}
