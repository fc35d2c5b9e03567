import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealthMonitor, type HealthMonitor } from '../../../../main/engine/health/monitor';
import { probeUpstream } from '../../../../main/engine/health/probe';

function listen(host: string, port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.end());
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
const portOf = (server: Server) => (server.address() as { port: number }).port;
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('upstream probe', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(close));
  });

  it('finds an upstream listening on 127.0.0.1 only through localhost', async () => {
    const server = await listen('127.0.0.1');
    servers.push(server);
    expect(await probeUpstream(`http://localhost:${portOf(server)}`)).toMatchObject({ up: true, address: '127.0.0.1' });
  });

  it('finds an upstream listening on ::1 only through localhost', async () => {
    const server = await listen('::1');
    servers.push(server);
    expect(await probeUpstream(`http://localhost:${portOf(server)}`)).toMatchObject({ up: true, address: '::1' });
  });

  it('reports a closed port as refused', async () => {
    const server = await listen('127.0.0.1');
    const port = portOf(server);
    await close(server);
    expect(await probeUpstream(`http://127.0.0.1:${port}`)).toMatchObject({ up: false, reason: 'connection refused' });
  });
});

describe('health monitor', () => {
  let monitor: HealthMonitor | undefined;
  afterEach(() => monitor?.stop());

  it('flips down → up → down as the upstream stops and starts, and reports each change', async () => {
    const reserved = await listen('127.0.0.1');
    const port = portOf(reserved);
    await close(reserved);
    const changes: string[] = [];
    monitor = createHealthMonitor({ onChange: (health) => changes.push(`${health.project}:${health.state}`) });
    monitor.setTargets(new Map([['web', `http://localhost:${port}`]]));
    expect((await monitor.probeNow('web'))?.state).toBe('down');

    const upstream = await listen('127.0.0.1', port);
    expect((await monitor.probeNow('web'))?.state).toBe('up');
    expect(monitor.get('web')?.address).toBe('127.0.0.1');
    await close(upstream);
    expect((await monitor.probeNow('web'))?.state).toBe('down');
    expect(changes).toEqual(['web:down', 'web:up', 'web:down']);
  });

  it('forgets projects that are no longer targets', async () => {
    monitor = createHealthMonitor({ probe: async () => ({ up: true, address: '127.0.0.1', latencyMs: 1 }) });
    monitor.setTargets(new Map([['a', 'http://localhost:1'], ['b', 'http://localhost:2']]));
    monitor.setTargets(new Map([['b', 'http://localhost:2']]));
    expect(monitor.all().map((h) => h.project)).toEqual(['b']);
    expect(await monitor.probeNow('a')).toBeUndefined();
  });

  it('probes an upstream once for all the projects that share it', async () => {
    const probed: string[] = [];
    monitor = createHealthMonitor({ probe: async (upstream) => (probed.push(upstream), { up: true, address: '127.0.0.1', latencyMs: 1 }) });
    monitor.setTargets(new Map([['a', 'http://localhost:1'], ['b', 'http://localhost:1'], ['c', 'http://localhost:2']]));
    expect(probed).toEqual(['http://localhost:1', 'http://localhost:2']);
    expect((await monitor.probeNow('a'))?.state).toBe('up');
    expect((await monitor.probeNow('c'))?.state).toBe('up');
    expect(monitor.get('b')).toMatchObject({ project: 'b', upstream: 'http://localhost:1', state: 'up' });
    expect(monitor.all().map((h) => h.project).sort()).toEqual(['a', 'b', 'c']);
  });

  it('keeps probing a shared upstream while one of its projects remains, and reports a joining project at once', async () => {
    let calls = 0;
    const changes: string[] = [];
    monitor = createHealthMonitor({ probe: async () => (calls++, { up: true }), onChange: (health) => changes.push(`${health.project}:${health.state}`) });
    monitor.setTargets(new Map([['a', 'http://localhost:1'], ['b', 'http://localhost:1']]));
    await monitor.probeNow('a');
    monitor.setTargets(new Map([['b', 'http://localhost:1']]));
    expect(monitor.get('a')).toBeUndefined();
    expect((await monitor.probeNow('b'))?.state).toBe('up');
    const before = calls;
    monitor.setTargets(new Map([['b', 'http://localhost:1'], ['c', 'http://localhost:1']]));
    expect(calls).toBe(before);
    expect(monitor.get('c')?.state).toBe('up');
    expect(changes).toEqual(['a:up', 'b:up', 'c:up']);
  });

  it('restarts from unknown when a project moves to another upstream', async () => {
    monitor = createHealthMonitor({ probe: async (upstream) => ({ up: upstream.endsWith(':1') }) });
    monitor.setTargets(new Map([['a', 'http://localhost:1']]));
    expect((await monitor.probeNow('a'))?.state).toBe('up');
    monitor.setTargets(new Map([['a', 'http://localhost:2']]));
    expect(monitor.get('a')).toMatchObject({ upstream: 'http://localhost:2', state: 'unknown' });
    expect((await monitor.probeNow('a'))?.state).toBe('down');
  });
});
