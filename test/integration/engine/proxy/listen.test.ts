import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isPorticoError } from '../../../../main/engine/errors';
import { bindError, bindLoopback, closeBound, type BoundPort } from '../../../../main/engine/proxy/listen';
import { createProxyServer } from '../../../../main/engine/proxy/server';
import { createRouteTable } from '../../../../main/engine/proxy/router';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function bound(port: number, hosts: string[]): Promise<BoundPort> {
  const result = await bindLoopback(() => createServer(), port, hosts, 'HTTPS');
  cleanup.push(() => closeBound(result));
  return result;
}

async function holder(host: string): Promise<{ server: Server; port: number }> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  cleanup.push(() => new Promise((resolve) => server.close(() => resolve())));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

describe('binding the loopback addresses', () => {
  it('binds 127.0.0.1 and ::1 on the same port, and nothing else', async () => {
    const result = await bound(0, ['127.0.0.1', '::1']);
    expect(result.hosts).toEqual(['127.0.0.1', '::1']);
    expect(result.servers.map((server) => server.address())).toEqual([
      expect.objectContaining({ address: '127.0.0.1', port: result.port }),
      expect.objectContaining({ address: '::1', port: result.port }),
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('skips an IPv6 loopback the machine does not have, with a warning, never binding ::', async () => {
    // ::2 is not configured on any interface: binding it fails like a missing ::1 does.
    const result = await bound(0, ['127.0.0.1', '::2']);
    expect(result.hosts).toEqual(['127.0.0.1']);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain('::2');
  });

  it('reports a port held by another process as E_PORT_IN_USE naming host:port', async () => {
    const taken = await holder('127.0.0.1');
    const error = await bindLoopback(() => createServer(), taken.port, ['127.0.0.1', '::1'], 'HTTPS').catch((caught: unknown) => caught);
    expect(isPorticoError(error, 'E_PORT_IN_USE')).toBe(true);
    expect((error as Error).message).toContain(`127.0.0.1:${taken.port}`);
  });

  it('with port 0, starts over on a new port when the one chosen on 127.0.0.1 is taken on ::1', async () => {
    let made = 0;
    const make = () => {
      const server = createServer();
      made += 1;
      // The second server (::1, first attempt) finds the port taken, as another process could.
      if (made === 2) server.listen = (() => (process.nextTick(() => server.emit('error', Object.assign(new Error('in use'), { code: 'EADDRINUSE' }))), server)) as typeof server.listen;
      return server;
    };
    const result = await bindLoopback(make, 0, ['127.0.0.1', '::1'], 'HTTPS');
    cleanup.push(() => closeBound(result));
    expect(made).toBe(4);
    expect(result.hosts).toEqual(['127.0.0.1', '::1']);
  });
});

describe('bind errors', () => {
  const errno = (code: string) => Object.assign(new Error(`listen ${code}`), { code });
  const cases: [code: string, expected: string, says: RegExp][] = [
    ['EADDRINUSE', 'E_PORT_IN_USE', /127\.0\.0\.1:443.*another process/],
    ['EACCES', 'E_PORT_PRIVILEGED', /127\.0\.0\.1:443.*1024.*setcap/],
    ['EPERM', 'E_PORT_PRIVILEGED', /privilege/],
    ['EMFILE', 'E_INTERNAL', /127\.0\.0\.1:443 failed/],
  ];
  it.each(cases)('%s → %s', (code, expected, says) => {
    const error = bindError(errno(code), '127.0.0.1', 443, 'HTTPS');
    expect(error.code).toBe(expected);
    expect(error.message).toMatch(says);
  });

  it('writes IPv6 addresses in brackets', () => {
    expect(bindError(errno('EADDRINUSE'), '::1', 8443, 'HTTP').message).toContain('[::1]:8443');
  });
});

describe('proxy listen', () => {
  it('binds both ports on both loopbacks and closes cleanly', async () => {
    const proxy = createProxyServer({ certificates: { secureContextFor: async () => null }, routes: createRouteTable([]) });
    const info = await proxy.listen({ httpsPort: 0, httpPort: 0 });
    expect(info.hosts).toEqual(['127.0.0.1', '::1']);
    expect(info.httpsPort).not.toBe(info.httpPort);
    await proxy.close({ drainMs: 0 });
  });

  it('fails with E_PORT_IN_USE and leaves nothing bound when the HTTP port is taken', async () => {
    const taken = await holder('127.0.0.1');
    const proxy = createProxyServer({ certificates: { secureContextFor: async () => null }, routes: createRouteTable([]) });
    const error = await proxy.listen({ httpsPort: 0, httpPort: taken.port, hosts: ['127.0.0.1'] }).catch((caught: unknown) => caught);
    expect(isPorticoError(error, 'E_PORT_IN_USE')).toBe(true);
    expect((error as Error).message).toMatch(/HTTP listener/);
    await proxy.close({ drainMs: 0 });
  });
});
