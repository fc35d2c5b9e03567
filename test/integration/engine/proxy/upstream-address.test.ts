import { afterEach, describe, expect, it } from 'vitest';
import { createUpstreamResolver } from '../../../../main/engine/proxy/upstream-address';
import { reservePort, startUpstream, type Upstream } from '../../../helpers/proxy-harness';

const started: Upstream[] = [];
async function listenOn(host: string, port = 0): Promise<Upstream> {
  const upstream = await startUpstream(host, port);
  started.push(upstream);
  return upstream;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((upstream) => upstream.close()));
});

describe('upstream address resolution', () => {
  it('localhost means ::1 when only ::1 answers', async () => {
    const v6 = await listenOn('::1');
    const resolved = await createUpstreamResolver().resolve(`http://localhost:${v6.port}`);
    expect(resolved).toMatchObject({ address: '::1', port: v6.port, target: `http://[::1]:${v6.port}`, hostHeader: `localhost:${v6.port}`, protocol: 'http:' });
  });

  it('localhost means 127.0.0.1 when only 127.0.0.1 answers', async () => {
    const v4 = await listenOn('127.0.0.1');
    const resolved = await createUpstreamResolver().resolve(`http://localhost:${v4.port}`);
    expect(resolved).toMatchObject({ address: '127.0.0.1', target: `http://127.0.0.1:${v4.port}` });
  });

  it('a *.localhost upstream is loopback too (RFC 6761)', async () => {
    const v4 = await listenOn('127.0.0.1');
    expect((await createUpstreamResolver().resolve(`http://api.localhost:${v4.port}`)).address).toBe('127.0.0.1');
  });

  it('other hosts are used as given, without probing', async () => {
    const resolver = createUpstreamResolver();
    expect(await resolver.resolve('http://127.0.0.2:9')).toMatchObject({ address: '127.0.0.2', port: 9, target: 'http://127.0.0.2:9' });
    expect(await resolver.resolve('https://[::1]:8443')).toMatchObject({ address: '::1', protocol: 'https:', target: 'https://[::1]:8443' });
    expect(await resolver.resolve('http://example.internal')).toMatchObject({ address: 'example.internal', port: 80 });
  });

  it('caches the answer, and looks again after forget (the dev server moved to the other family)', async () => {
    const port = await reservePort('127.0.0.1');
    const resolver = createUpstreamResolver();
    const v4 = await listenOn('127.0.0.1', port);
    expect((await resolver.resolve(`http://localhost:${port}`)).address).toBe('127.0.0.1');

    await v4.close();
    started.splice(started.indexOf(v4), 1);
    let v6: Upstream;
    try {
      v6 = await listenOn('::1', port);
    } catch {
      return; // the port is taken on ::1 by someone else: nothing left to show
    }
    // Still the cached answer, although only ::1 listens now.
    expect((await resolver.resolve(`http://localhost:${port}`)).address).toBe('127.0.0.1');
    resolver.forget(`http://localhost:${port}`);
    expect((await resolver.resolve(`http://localhost:${port}`)).address).toBe('::1');
    expect(v6.port).toBe(port);
  });

  it('answers 127.0.0.1 uncached while nothing listens, so the next request looks again', async () => {
    const port = await reservePort('127.0.0.1');
    const resolver = createUpstreamResolver();
    expect((await resolver.resolve(`http://localhost:${port}`)).address).toBe('127.0.0.1');
    try {
      await listenOn('::1', port);
    } catch {
      return; // the port is taken on ::1 by someone else: nothing left to show
    }
    expect((await resolver.resolve(`http://localhost:${port}`)).address).toBe('::1');
  });

  it('shares one lookup between concurrent requests', async () => {
    const v4 = await listenOn('127.0.0.1');
    const resolver = createUpstreamResolver();
    const all = await Promise.all(Array.from({ length: 10 }, () => resolver.resolve(`http://localhost:${v4.port}`)));
    // One object for all: one lookup answered them.
    expect(new Set(all).size).toBe(1);
  });
});
