import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { h2Request, h2Session, openWebSocket, request } from '../../../helpers/proxy-harness';
import { startProxyStack } from '../../../helpers/proxy-stack';

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('closing the proxy', () => {
  it('lets a request in flight finish, cuts websockets at once, and refuses new connections', async () => {
    const stack = await startProxyStack({ projects: [{ project: 'web', domains: ['web.localhost'] }] });
    try {
      const ws = await openWebSocket(`wss://web.localhost:${stack.httpsPort}/hmr`, stack.ca.caPem);
      const wsClosed = once(ws.socket, 'close');
      const inFlight = request({ port: stack.httpsPort, host: 'web.localhost', path: '/hold', ca: stack.ca.caPem });
      await stack.upstream.held();

      const closed = stack.proxy.close({ drainMs: 30_000 });
      await wsClosed;
      expect(await refused(stack.httpsPort)).toBe(true);
      expect(await refused(stack.httpPort)).toBe(true);

      stack.upstream.release();
      const reply = await inFlight;
      expect(reply.status).toBe(200);
      expect(reply.body).toBe('released');
      // Resolves once the finished connection is closed, long before the 30 s drain limit.
      await closed;
    } finally {
      await stack.upstream.close();
    }
  });

  it('lets an HTTP/2 stream in flight finish before the session goes', async () => {
    const stack = await startProxyStack({ projects: [{ project: 'web', domains: ['web.localhost'] }] });
    try {
      const session = await h2Session(stack.httpsPort, 'web.localhost', stack.ca.caPem);
      const sessionClosed = once(session, 'close');
      const inFlight = h2Request(session, '/hold');
      await stack.upstream.held();
      const closed = stack.proxy.close({ drainMs: 30_000 });
      stack.upstream.release();
      expect(await inFlight).toMatchObject({ status: 200, body: 'released' });
      await closed;
      await sessionClosed;
    } finally {
      await stack.upstream.close();
    }
  });

  it('cuts a stream that outlives the drain limit', async () => {
    const stack = await startProxyStack({ projects: [{ project: 'web', domains: ['web.localhost'] }] });
    try {
      const inFlight = request({ port: stack.httpsPort, host: 'web.localhost', path: '/hold', ca: stack.ca.caPem });
      await stack.upstream.held();
      await stack.proxy.close({ drainMs: 50 });
      await expect(inFlight).rejects.toThrow();
    } finally {
      await stack.upstream.close();
    }
  });
});
