/**
 * The proxy's open client connections, for a graceful close: stop accepting, let requests in
 * flight finish, then cut what is left. Websockets are cut at once: they never finish on their
 * own, and HMR clients reconnect by themselves.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ConnectionTracker {
  /** A connection a listener accepted; forgotten when it closes. */
  add(socket: Socket): void;
  /** A connection that switched to a websocket. */
  upgraded(socket: Duplex): void;
  /** Cuts the websockets, waits up to `ms` for the rest to close, then destroys what remains. */
  drain(ms: number): Promise<void>;
  readonly size: number;
}

export function createConnectionTracker(): ConnectionTracker {
  const sockets = new Set<Socket>();
  const websockets = new Set<Duplex>();
  let onEmpty: (() => void) | null = null;

  return {
    add(socket) {
      sockets.add(socket);
      socket.once('close', () => {
        sockets.delete(socket);
        if (sockets.size === 0) onEmpty?.();
      });
    },
    upgraded(socket) {
      websockets.add(socket);
      socket.once('close', () => websockets.delete(socket));
    },
    async drain(ms) {
      for (const socket of websockets) socket.destroy();
      if (sockets.size > 0 && ms > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          onEmpty = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        onEmpty = null;
      }
      for (const socket of sockets) socket.destroy();
    },
    get size() {
      return sockets.size;
    },
  };
}
