/**
 * The floor: what Node's own HTTPS stack costs with no proxying at all. A bare `https.createServer`
 * with the baseline's certificate and key and Node's default TLS options, answering `/small` itself
 * with the upstream's 1 KiB body and headers; keep-alive as Node's default (5 s). Portico's figures
 * for keep-alive and new TLS connections are read against this one: no Node proxy can beat it.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:https';
import { SMALL_HEADERS, smallBody } from './small-response';

export interface FloorServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startFloor(options: { cert: string; key: string; host?: string }): Promise<FloorServer> {
  const small = smallBody();
  const server = createServer({ cert: options.cert, key: options.key }, (req, res) => {
    if (req.url === '/small') {
      res.writeHead(200, SMALL_HEADERS);
      res.end(small);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 9 });
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen({ host: options.host ?? '127.0.0.1', port: 0 }, resolve));
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
