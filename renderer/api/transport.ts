/**
 * What the dashboard needs from a way of reaching the engine: send a command, hear events, and
 * know whether the line is up. HTTP (`portico serve`) and Electron IPC both implement it, so the
 * views never know which one they run on (ARCHITECTURE.md: one contract over any transport).
 */
import type { Result } from '../../shared/contract';

/**
 * - `connecting`: nothing heard yet;
 * - `open`: events flow;
 * - `closed`: the engine went away; the transport keeps retrying;
 * - `unauthorized`: the engine refused the token; retrying cannot help until a new token arrives.
 */
export type ConnectionState = 'connecting' | 'open' | 'closed' | 'unauthorized';

export interface Transport {
  /** Sends one command. Resolves with the engine's answer; rejects with an `ApiError` when the engine could not be reached. */
  call(name: string, input: unknown): Promise<Result<unknown>>;
  /** Listens to one event; returns the function that stops listening. */
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
  /** The line's state now. */
  connection(): ConnectionState;
  /** Hears every change of the line's state; returns the function that stops listening. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
}
