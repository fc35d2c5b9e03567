/**
 * The yardstick the issue names: a plain `node:https` server in front of http-proxy-3 with its
 * defaults (no keep-alive agent, no header passes, HTTP/1.1 only), as a hand-written dev proxy
 * would be. Portico's websocket round trips must be no lower than this one's in the same run.
 */
import { createServer } from 'node:https';
import { createProxyServer } from 'http-proxy-3';
import { listenOnLoopback, type ListeningServer } from './listening';

export type BaselineProxy = ListeningServer;

export async function startBaselineProxy(options: { upstreamPort: number; cert: string; key: string; host?: string }): Promise<BaselineProxy> {
  const target = `http://127.0.0.1:${options.upstreamPort}`;
  const proxy = createProxyServer({ target });
  proxy.on('error', (_error, _req, res) => {
    // A ServerResponse for web requests, a socket for websockets.
    if ('writeHead' in res && !res.headersSent) {
      res.writeHead(502);
      res.end();
    } else {
      res.destroy();
    }
  });
  const server = createServer({ cert: options.cert, key: options.key }, (req, res) => proxy.web(req, res));
  server.on('upgrade', (req, socket, head) => proxy.ws(req, socket, head));
  return listenOnLoopback(server, options.host);
}
