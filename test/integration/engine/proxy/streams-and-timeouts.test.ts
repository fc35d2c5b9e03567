import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouteTable } from '../../../../main/engine/proxy/router';
import { h2Session, loopbackLookup, openWebSocket, request } from '../../../helpers/proxy-harness';
import { startProxyStack, type ProjectSpec, type ProxyStack } from '../../../helpers/proxy-stack';

let stack: ProxyStack;
const web: ProjectSpec = { project: 'web', domains: ['web.localhost'] };
const plain: ProjectSpec = { project: 'plain', domains: ['plain.localhost'], https: false };

beforeAll(async () => {
  // Short limits, so a quiet period longer than each of them is quick to arrange.
  stack = await startProxyStack({
    projects: [web, plain, { project: 'extra', domains: ['extra.localhost'] }],
    timeouts: { keepAliveMs: 150, headersMs: 200, requestMs: 300, connectionsCheckingIntervalMs: 50, h2IdleSessionMs: 200, handshakeMs: 200, firstByteMs: 200 },
  });
  stack.proxy.setRoutes(createRouteTable([stack.route(web), stack.route(plain)]));
});

afterAll(async () => {
  await stack?.close();
});

/**
 * A control connection: one keep-alive request over TLS, then silence. Resolves when the server
 * closes it, i.e. once its keep-alive timeout has run: proof that a quiet period longer than
 * that timeout has passed, without measuring time.
 */
function idleKeepAliveClosed(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: stack.httpsPort, servername: 'web.localhost', ca: stack.ca.caPem, ALPNProtocols: ['http/1.1'] });
    socket.once('secureConnect', () => socket.write('GET /control HTTP/1.1\r\nHost: web.localhost\r\n\r\n'));
    socket.on('data', () => {});
    socket.once('close', () => resolve());
    socket.once('error', reject);
  });
}

/** A control HTTP/2 session with no stream: resolves when the server closes it for being idle. */
async function idleH2SessionClosed(): Promise<void> {
  const session = await h2Session(stack.httpsPort, 'web.localhost', stack.ca.caPem);
  await once(session, 'close');
}

/** A connection that sends half a request head and stalls: resolves with what the server said before closing. */
function slowHeadersAnswer(overTls = false): Promise<string> {
  return new Promise((resolve) => {
    const socket = overTls
      ? tlsConnect({ host: '127.0.0.1', port: stack.httpsPort, servername: 'web.localhost', ca: stack.ca.caPem, ALPNProtocols: ['http/1.1'] })
      : netConnect({ host: '127.0.0.1', port: stack.httpPort });
    let text = '';
    socket.setEncoding('latin1');
    socket.once(overTls ? 'secureConnect' : 'connect', () => socket.write('GET / HTTP/1.1\r\nHost: web.localhost\r\nX-Slow: '));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.once('close', () => resolve(text));
    socket.once('error', () => resolve(text));
  });
}

describe('websockets through the proxy', () => {
  it('echoes over TLS (HTTP/1.1 upgrade) with Origin and Host unchanged and forwarding headers set', async () => {
    const ws = await openWebSocket(`wss://web.localhost:${stack.httpsPort}/hmr?token=1`, stack.ca.caPem, { origin: 'https://web.localhost', 'x-forwarded-for': '6.6.6.6' });
    try {
      expect(ws.greeting.url).toBe('/hmr?token=1');
      expect(ws.greeting.headers.origin).toBe('https://web.localhost');
      expect(ws.greeting.headers.host).toBe(`web.localhost:${stack.httpsPort}`);
      expect(ws.greeting.headers['x-forwarded-for']).toBe('127.0.0.1');
      expect(ws.greeting.headers['x-forwarded-proto']).toBe('https');
      ws.socket.send('ping');
      expect(await ws.next()).toBe('echo:ping');
      expect(stack.proxy.log.recent({ project: 'web' }).find((entry) => entry.path === '/hmr?token=1')).toMatchObject({ status: 101, protocol: 'http/1.1', method: 'GET' });
    } finally {
      ws.socket.close();
    }
  });

  it('echoes over plain HTTP for a project with HTTPS off', async () => {
    const ws = await openWebSocket(`ws://plain.localhost:${stack.httpPort}/socket`);
    try {
      ws.socket.send('hello');
      expect(await ws.next()).toBe('echo:hello');
    } finally {
      ws.socket.close();
    }
  });

  it('refuses a plain websocket to a project with HTTPS on, and one to an unknown host, without opening an upstream', async () => {
    const before = stack.upstream.connections;
    await expect(openWebSocket(`ws://web.localhost:${stack.httpPort}/to-https`)).rejects.toThrow(/307/);
    expect(stack.proxy.log.recent().find((entry) => entry.path === '/to-https')).toMatchObject({ status: 307, tlsVersion: null });
    await expect(openWebSocket(`wss://web.localhost:${stack.httpsPort}/`, stack.ca.caPem, { host: 'nobody.localhost' })).rejects.toThrow(/404/);
    expect(stack.upstream.connections).toBe(before);
  });

  it('stays open and echoing across a quiet period longer than every server timeout', async () => {
    const ws = await openWebSocket(`wss://web.localhost:${stack.httpsPort}/quiet`, stack.ca.caPem);
    let closed = false;
    ws.socket.once('close', () => (closed = true));
    try {
      await Promise.all([idleKeepAliveClosed(), idleH2SessionClosed(), slowHeadersAnswer()]);
      expect(closed).toBe(false);
      ws.socket.send('still here');
      expect(await ws.next()).toBe('echo:still here');
    } finally {
      ws.socket.close();
    }
  });

  it('keeps a websocket to one project open while routes are swapped with another project added and removed', async () => {
    const ws = await openWebSocket(`wss://web.localhost:${stack.httpsPort}/swap`, stack.ca.caPem);
    try {
      stack.proxy.setRoutes(createRouteTable([stack.route(web), stack.route(plain), stack.route({ project: 'extra', domains: ['extra.localhost'] })]));
      expect((await request({ port: stack.httpsPort, host: 'extra.localhost', path: '/', ca: stack.ca.caPem })).status).toBe(200);
      ws.socket.send('after add');
      expect(await ws.next()).toBe('echo:after add');
      stack.proxy.setRoutes(createRouteTable([stack.route(web), stack.route(plain)]));
      expect((await request({ port: stack.httpPort, host: 'extra.localhost', path: '/' })).status).toBe(404);
      ws.socket.send('after remove');
      expect(await ws.next()).toBe('echo:after remove');
      expect(ws.socket.readyState).toBe(ws.socket.OPEN);
    } finally {
      ws.socket.close();
    }
  });

  it('closes the client side when the upstream goes away', async () => {
    const ws = await openWebSocket(`wss://web.localhost:${stack.httpsPort}/bye`, stack.ca.caPem);
    const closed = once(ws.socket, 'close');
    stack.upstream.dropWebSockets();
    await closed;
    expect(ws.socket.readyState).toBe(ws.socket.CLOSED);
  });
});

describe('server-sent events', () => {
  it('cuts a client that stalls in the middle of its request head (slowloris) with 408, on plain HTTP and over TLS', async () => {
    expect(await slowHeadersAnswer()).toMatch(/^HTTP\/1\.1 408 /);
    expect(await slowHeadersAnswer(true)).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection that starts a TLS handshake and stalls, and one that sends nothing', async () => {
    for (const first of [Buffer.from([0x16, 0x03, 0x01]), null]) {
      const socket = netConnect({ host: '127.0.0.1', port: stack.httpsPort });
      socket.on('error', () => {});
      if (first) socket.once('connect', () => socket.write(first));
      await once(socket, 'close');
    }
  });

  it('keep streaming across a quiet period longer than the keep-alive, request and head timeouts', async () => {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpsRequest({ host: 'web.localhost', port: stack.httpsPort, path: '/sse', ca: stack.ca.caPem, lookup: loopbackLookup, agent: false }, resolve);
      req.on('error', reject);
      req.end();
    });
    res.setEncoding('utf8');
    const events: string[] = [];
    let waiting: (() => void) | null = null;
    res.on('data', (chunk: string) => {
      events.push(chunk);
      waiting?.();
    });
    const nextEvent = () => new Promise<void>((resolve) => (waiting = resolve));
    if (events.length === 0) await nextEvent();
    expect(events.join('')).toContain('data: open');
    await Promise.all([idleKeepAliveClosed(), idleH2SessionClosed(), slowHeadersAnswer()]);
    const arrived = nextEvent();
    stack.upstream.pushSse('later');
    await arrived;
    expect(events.join('')).toContain('data: later');
    res.destroy();
  });

  it('keep streaming over HTTP/2 while the session has no other stream for longer than its idle timeout', async () => {
    const session = await h2Session(stack.httpsPort, 'web.localhost', stack.ca.caPem);
    try {
      const stream = session.request({ ':path': '/sse' });
      stream.setEncoding('utf8');
      let text = '';
      let waiting: (() => void) | null = null;
      stream.on('data', (chunk: string) => {
        text += chunk;
        waiting?.();
      });
      const nextEvent = () => new Promise<void>((resolve) => (waiting = resolve));
      if (text === '') await nextEvent();
      await Promise.all([idleH2SessionClosed(), idleKeepAliveClosed()]);
      const arrived = nextEvent();
      stack.upstream.pushSse('h2-later');
      await arrived;
      expect(text).toContain('data: h2-later');
      expect(session.closed).toBe(false);
      stream.close();
    } finally {
      session.close();
    }
  });
});
