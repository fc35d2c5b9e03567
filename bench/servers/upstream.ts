/**
 * The dev server stand-in: plain HTTP/1.1 on loopback, answering from memory so its own cost is
 * as small as Node allows. `/small` (1 KiB) and `/large` (256 KiB) for throughput, `/ws` a
 * websocket echo, `/graph/` the module-graph page. Headers are the ones Vite sends for modules
 * (`Cache-Control: no-cache`, an ETag), so the browser behaves as it would on a dev server.
 */
import { createServer, type Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { listenOnLoopback, type ListeningServer } from './listening';
import { moduleGraphFiles } from './module-graph';
import { SMALL_HEADERS, smallBody } from './small-response';

export const LARGE_BYTES = 256 * 1024;

export type Upstream = ListeningServer<Server>;

export async function startUpstream(host = '127.0.0.1'): Promise<Upstream> {
  const small = smallBody();
  const large = Buffer.alloc(LARGE_BYTES, 'b');
  const graph = moduleGraphFiles('/graph/');
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/small') {
      res.writeHead(200, SMALL_HEADERS);
      res.end(small);
      return;
    }
    if (url === '/large') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': LARGE_BYTES });
      res.end(large);
      return;
    }
    const file = graph.get(url);
    if (file) {
      res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length, 'cache-control': 'no-cache', etag: `"${file.body.length}"` });
      res.end(file.body);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 9 });
    res.end('not found');
  });
  // Node's default keep-alive timeout (5 s) stays, as a dev server's does (Vite does not change it).
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (socket) => socket.on('message', (data, binary) => socket.send(data, { binary })));
  return listenOnLoopback(server, host, () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
  });
}
