/** Starting a bench server on loopback, and closing it with its keep-alive connections. */
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface ListeningServer<S extends HttpServer | HttpsServer = HttpsServer> {
  server: S;
  port: number;
  close(): Promise<void>;
}

/**
 * Listens on `host` (default 127.0.0.1), port 0, and resolves with the port the system chose.
 * `beforeClose` ends what the server's own close does not (websocket clients).
 */
export async function listenOnLoopback<S extends HttpServer | HttpsServer>(server: S, host = '127.0.0.1', beforeClose?: () => void): Promise<ListeningServer<S>> {
  await new Promise<void>((resolve) => server.listen({ host, port: 0 }, resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        beforeClose?.();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
