/**
 * The CA key protector across the process boundary. `safeStorage` exists only in Electron's main
 * process, while the engine (and so the CA manager that seals and unseals the key) runs in the
 * utility process: the host gets a KeyProtector whose calls are answered by the main process.
 * The key crosses only this private channel between our two processes — never the renderer,
 * never a log (security-requirements CA-6).
 */
import { isErrorCode } from '../../shared/errors';
import { PorticoError, toErrorShape } from '../engine/errors';
import type { KeyProtector } from '../engine/pki';
import type { HostEndpoint, ParentEndpoint } from './engine-messages';
import { isHostMessage, isParentMessage } from './engine-messages';

/** Host side: a KeyProtector that asks the main process. */
export function relayedKeyProtector(endpoint: HostEndpoint): KeyProtector & { dispose(): void } {
  let nextId = 1;
  const pending = new Map<number, { resolve(value: string): void; reject(error: unknown): void }>();
  const stop = endpoint.onMessage((message) => {
    if (!isParentMessage(message) || message.type !== 'key.result') return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new PorticoError(isErrorCode(message.error.code) ? message.error.code : 'E_INTERNAL', message.error.message));
  });
  const ask = (build: (id: number) => Parameters<HostEndpoint['post']>[0]) =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      endpoint.post(build(id));
    });
  return {
    // Sealed bytes travel as base64, so a binary format would survive the string channel too.
    seal: async (keyPem) => Buffer.from(await ask((id) => ({ type: 'key.seal', id, keyPem })), 'base64'),
    unseal: (stored) => ask((id) => ({ type: 'key.unseal', id, stored: stored.toString('base64') })),
    dispose() {
      stop();
      for (const waiter of pending.values()) waiter.reject(new PorticoError('E_CA_LOCKED', 'the desktop app stopped before the CA key could be opened. Start Portico again.'));
      pending.clear();
    },
  };
}

/** Main side: answers the host's key requests with the real protector (safeStorage). */
export function serveKeyRequests(endpoint: ParentEndpoint, protector: KeyProtector): () => void {
  return endpoint.onMessage((message) => {
    if (!isHostMessage(message) || (message.type !== 'key.seal' && message.type !== 'key.unseal')) return;
    const work =
      message.type === 'key.seal'
        ? protector.seal(message.keyPem).then((sealed) => Buffer.from(sealed).toString('base64'))
        : protector.unseal(Buffer.from(message.stored, 'base64'));
    work.then(
      (value) => endpoint.post({ type: 'key.result', id: message.id, ok: true, value }),
      (error: unknown) => endpoint.post({ type: 'key.result', id: message.id, ok: false, error: toErrorShape(error) }),
    );
  });
}
