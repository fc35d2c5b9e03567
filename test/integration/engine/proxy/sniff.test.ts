import { once } from 'node:events';
import { connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSniffingServer, type SniffHandlers } from '../../../../main/engine/proxy/sniff';

type Outcome = { route: 'tls' | 'plain'; firstBytes: string } | { route: 'dropped'; reason: string };

let server: Server | undefined;

afterEach(async () => {
  if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  server = undefined;
});

/** A sniffing server whose handlers report where each connection went, and what it can still read. */
async function sniffing(idleMs = 60_000): Promise<{ port: number; next: Promise<Outcome> }> {
  let report!: (outcome: Outcome) => void;
  const next = new Promise<Outcome>((resolve) => (report = resolve));
  const readRest = (route: 'tls' | 'plain') => (socket: Socket) => {
    socket.once('readable', () => {
      report({ route, firstBytes: (socket.read() as Buffer).toString('latin1') });
      socket.destroy();
    });
  };
  const handlers: SniffHandlers = { tls: readRest('tls'), plain: readRest('plain'), dropped: (_socket, reason) => report({ route: 'dropped', reason }) };
  server = createSniffingServer(handlers, { idleMs });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, next };
}

function client(port: number, send?: Buffer | string, end = false): Socket {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  socket.on('connect', () => {
    if (send !== undefined) socket.write(send);
    if (end) socket.end();
  });
  return socket;
}

describe('first-byte routing', () => {
  const cases: [name: string, bytes: Buffer, route: 'tls' | 'plain'][] = [
    ['a TLS handshake record goes to TLS', Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]), 'tls'],
    ['an HTTP request goes to plain', Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), 'plain'],
    ['an HTTP/2 prior-knowledge preface goes to plain (the HTTP/1.1 server refuses it)', Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), 'plain'],
    ['a TLS alert record (0x15) is not a handshake', Buffer.from([0x15, 0x03, 0x03]), 'plain'],
  ];
  it.each(cases)('%s, with every byte still readable', async (_name, bytes, route) => {
    const { port, next } = await sniffing();
    const socket = client(port, bytes);
    expect(await next).toEqual({ route, firstBytes: bytes.toString('latin1') });
    socket.destroy();
  });

  it('drops a connection that stays silent past idleMs', async () => {
    const { port, next } = await sniffing(50);
    const socket = client(port);
    expect(await next).toEqual({ route: 'dropped', reason: 'idle' });
    await once(socket, 'close');
  });

  it('drops a connection that closes before sending anything', async () => {
    const { port, next } = await sniffing();
    client(port, undefined, true);
    expect(await next).toEqual({ route: 'dropped', reason: 'closed' });
  });
});
