/**
 * The shape of `window.portico`, exposed by the Electron preload through `contextBridge`
 * (named functions over validated IPC, security-requirements EL-5). The preload owns the
 * implementation; the dashboard only relies on this shape.
 */
import type { Result } from '../../shared/contract';

export interface PorticoBridge {
  /** Runs a contract command; failures come back as `{ok: false, error}`, never as a rejection. */
  call(name: string, input: unknown): Promise<Result<unknown>>;
  /** Listens to a contract event; returns the function that stops listening. */
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    /** Present only inside the Electron window. */
    portico?: PorticoBridge;
  }
}
