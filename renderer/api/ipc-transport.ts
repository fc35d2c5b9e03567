/**
 * The dashboard inside the Electron window: the preload exposes `window.portico` (named
 * functions over validated IPC, security-requirements EL-5). The line is up for as long as the
 * window exists, because the engine lives in the same app.
 */
import type { PorticoBridge } from './bridge';
import { ApiError } from './client';
import type { Transport } from './transport';

export function createIpcTransport(bridge: PorticoBridge): Transport {
  return {
    async call(name, input) {
      try {
        return await bridge.call(name, input);
      } catch (error) {
        // The bridge answers failures as `{ok:false}`; a rejection means the IPC channel itself broke.
        const detail = error instanceof Error ? error.message : String(error);
        throw new ApiError('E_INTERNAL', `The Portico window lost its link to the engine (${detail}). Restart Portico.`);
      }
    },
    subscribe: (event, listener) => bridge.subscribe(event, listener),
    connection: () => 'open',
    onConnection: () => () => undefined,
  };
}
