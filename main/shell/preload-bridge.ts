/**
 * `window.portico` as the preload builds it: `call(name, input)` and `subscribe(event, cb)`,
 * nothing else (security-requirements EL-5: named functions only, no generic `invoke`).
 *
 * Names are checked here too, against the contract, so a compromised page cannot even reach the
 * main process with an unknown channel argument; the main side checks again. The renderer never
 * sees an `IpcRendererEvent` (it would expose `sender`), only payloads. Failures are `Result`s:
 * a broken channel becomes `{ok: false}` rather than a rejection.
 */
import type { ContextBridge, IpcRenderer } from 'electron';
import { isCommandName, isEventName } from '../../shared/contract';
import type { EventName, Result } from '../../shared/contract';
import { IPC_CHANNELS } from './ipc-channels';

/** The shape the dashboard relies on (renderer/api/bridge.d.ts). */
export interface PorticoBridge {
  call(name: string, input: unknown): Promise<Result<unknown>>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

export type IpcRendererLike = Pick<IpcRenderer, 'invoke' | 'send' | 'on'>;

const LINK_BROKEN = 'The Portico window lost its link to the engine. Restart Portico.';

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (candidate.ok === true) return 'value' in candidate;
  return candidate.ok === false && typeof candidate.error?.code === 'string' && typeof candidate.error.message === 'string';
}

export function createPorticoBridge(ipcRenderer: IpcRendererLike): PorticoBridge {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let receiving = false;

  const receive = () => {
    if (receiving) return;
    receiving = true;
    ipcRenderer.on(IPC_CHANNELS.event, (_event, name: unknown, payload: unknown) => {
      if (!isEventName(name)) return;
      for (const listener of [...(listeners.get(name) ?? [])]) {
        try {
          listener(payload);
        } catch {
          // One listener's bug must not stop the others.
        }
      }
    });
  };

  return Object.freeze({
    async call(name: string, input: unknown): Promise<Result<unknown>> {
      if (!isCommandName(name)) {
        return { ok: false, error: { code: 'E_UNKNOWN_COMMAND', message: `unknown command ${JSON.stringify(String(name).slice(0, 64))}.` } };
      }
      try {
        const answer: unknown = await ipcRenderer.invoke(IPC_CHANNELS.call, name, input ?? {});
        return isResult(answer) ? answer : { ok: false, error: { code: 'E_INTERNAL', message: LINK_BROKEN } };
      } catch {
        return { ok: false, error: { code: 'E_INTERNAL', message: LINK_BROKEN } };
      }
    },

    subscribe(event: string, listener: (payload: unknown) => void): () => void {
      if (!isEventName(event)) throw new TypeError(`unknown event ${JSON.stringify(String(event).slice(0, 64))}.`);
      if (typeof listener !== 'function') throw new TypeError('subscribe needs a listener function.');
      receive();
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      // A wrapper per subscription, so subscribing the same function twice needs two unsubscribes.
      const entry = (payload: unknown) => listener(payload);
      set.add(entry);
      if (set.size === 1) ipcRenderer.send(IPC_CHANNELS.watch, event, true);
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        set.delete(entry);
        if (set.size === 0) ipcRenderer.send(IPC_CHANNELS.watch, event, false);
      };
    },
  });
}

/** What the preload entry runs: `window.portico`, and nothing else, in the page's world. */
export function exposePorticoBridge(contextBridge: Pick<ContextBridge, 'exposeInMainWorld'>, ipcRenderer: IpcRendererLike): void {
  contextBridge.exposeInMainWorld('portico', createPorticoBridge(ipcRenderer));
}
