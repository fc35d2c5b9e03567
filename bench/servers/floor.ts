/**
 * The floor: what Node's own HTTPS stack costs with no proxying at all. A bare `https.createServer`
 * with the baseline's certificate and key and Node's default TLS options, answering `/small` itself
 * with the upstream's 1 KiB body and headers; keep-alive as Node's default (5 s). Portico's figures
 * for keep-alive and new TLS connections are read against this one: no Node proxy can beat it.
 */
import { createServer } from 'node:https';
import { SMALL_HEADERS, smallBody } from './small-response';
import { listenOnLoopback, type ListeningServer } from './listening';

export type FloorServer = ListeningServer;

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
  return listenOnLoopback(server, options.host);
}
