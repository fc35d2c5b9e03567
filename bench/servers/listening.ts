/** Starting a bench HTTPS server on loopback, and closing it with its keep-alive connections. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:https';

export interface ListeningServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Listens on `host` (default 127.0.0.1), port 0, and resolves with the port the system chose. */
export async function listenOnLoopback(server: Server, host = '127.0.0.1'): Promise<ListeningServer> {
  await new Promise<void>((resolve) => server.listen({ host, port: 0 }, resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
