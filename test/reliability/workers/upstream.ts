/**
 * A dev server in its own process, so a test can SIGKILL it like a crashing `vite`: prints
 * "listening <port>" once up. `/partial` sends its head and half a body, then "streaming" on
 * stdout, and never finishes; anything else answers `pid <pid> <url>`. Exits after 2 minutes in
 * case a test forgets it.
 */
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const server = createServer((req, res) => {
  if (req.url === '/partial') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 100_000 });
    res.write('x'.repeat(1000), () => console.log('streaming'));
    return;
  }
  res.end(`pid ${process.pid} ${req.url}`);
});
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : port}`);
});
setTimeout(() => process.exit(0), 120_000).unref();
