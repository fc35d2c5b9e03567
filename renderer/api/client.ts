/**
 * The dashboard's typed handle on the engine: command names, inputs and outputs come from the
 * contract in `shared/contract.ts`, whatever transport carries them.
 */
import type { CommandInput, CommandName, CommandOutput, EventName, EventPayload } from '../../shared/contract';
import type { ErrorCode } from '../../shared/errors';
import type { ConnectionState, Transport } from './transport';

/** A command that failed: the contract's stable code and a sentence that says what to do. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiClient {
  /** Runs one command; rejects with an `ApiError` when the engine answers `ok: false` or cannot be reached. */
  call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutput<N>>;
  /** Listens to one event; returns the function that stops listening. */
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** The line's state now. */
  connection(): ConnectionState;
  /** Hears every change of the line's state; returns the function that stops listening. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

/** Turns anything a transport threw into an `ApiError`, keeping one that already is. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError('E_INTERNAL', `Unexpected failure talking to Portico: ${message}`);
}

export function createApiClient(transport: Transport): ApiClient {
  return {
    async call(name, input) {
      let result;
      try {
        result = await transport.call(name, input);
      } catch (error) {
        throw toApiError(error);
      }
      if (result.ok) return result.value as never;
      throw new ApiError(result.error.code, result.error.message);
    },
    subscribe(event, listener) {
      return transport.subscribe(event, listener as (payload: unknown) => void);
    },
    connection: () => transport.connection(),
    onConnection: (listener) => transport.onConnection(listener),
  };
}
