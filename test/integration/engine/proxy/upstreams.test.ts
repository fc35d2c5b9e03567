import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamFailure } from '../../../../main/engine/proxy/forward';
import { createRouteTable } from '../../../../main/engine/proxy/router';
import { h2Request, h2Session, loopbackLookup, request, reservePort, startUpstream, type Echo, type Upstream } from '../../../helpers/proxy-harness';
import { startProxyStack, type ProjectSpec, type ProxyStack } from '../../../helpers/proxy-stack';

let stack: ProxyStack;
let v6only: Upstream;
let latePort: number;
const failures: { project: string; kind: UpstreamFailure['kind'] }[] = [];

const projects = (): ProjectSpec[] => [
  { project: 'web', domains: ['web.localhost'] },
  { project: 'late', domains: ['late.localhost'], upstream: `http://localhost:${latePort}` },
  { project: 'six', domains: ['six.localhost'], upstream: `http://localhost:${v6only.port}` },
];

beforeAll(async () => {
  v6only = await startUpstream('::1');
  latePort = await reservePort();
  stack = await startProxyStack({
    projects: projects(),
    timeouts: { upstreamResponseMs: 300 },
    hooks: { onUpstreamFailure: (route, failure) => failures.push({ project: route.project, kind: failure.kind }) },
  });
});

afterAll(async () => {
  await stack?.close();
  await v6only?.close();
});

const get = (host: string, path = '/', headers: Record<string, string> = {}) => request({ port: stack.httpsPort, host, path, ca: stack.ca.caPem, headers });

describe('upstream addresses', () => {
  it('reaches a dev server that listens on ::1 only through http://localhost:<port>', async () => {
    const reply = await get('six.localhost', '/v6');
    expect(reply.status).toBe(200);
    expect((JSON.parse(reply.body) as Echo).url).toBe('/v6');
  });
});

describe('upstream failures', () => {
  it('answers 502 while the dev server is down, then 200 once it listens on its port again', async () => {
    const down = await get('late.localhost', '/app');
    expect(down.status).toBe(502);
    expect(failures).toContainEqual({ project: 'late', kind: 'refused' });
    expect(stack.proxy.stats.project('late').upstreamErrors).toBeGreaterThanOrEqual(1);

    const json = await get('late.localhost', '/app', { accept: 'application/json' });
    expect(json.status).toBe(502);
    expect(json.headers['content-type']).toContain('json');
    expect(() => JSON.parse(json.body) as unknown).not.toThrow();

    const late = await startUpstream('127.0.0.1', latePort);
    try {
      const up = await get('late.localhost', '/app');
      expect(up.status).toBe(200);
      expect((JSON.parse(up.body) as Echo).url).toBe('/app');
    } finally {
      await late.close();
    }
  });

  it('answers 504 when the dev server accepts but never answers', async () => {
    const reply = await get('web.localhost', '/slow');
    expect(reply.status).toBe(504);
    expect(failures).toContainEqual({ project: 'web', kind: 'timeout' });
  });

  it('cuts an HTTP/1.1 response the upstream abandons mid-body, and keeps serving', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = httpsRequest({ host: 'web.localhost', port: stack.httpsPort, path: '/reset', ca: stack.ca.caPem, lookup: loopbackLookup, agent: false }, (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve('complete'));
        res.on('error', () => resolve('cut'));
        res.on('aborted', () => resolve('cut'));
      });
      req.on('error', () => resolve('cut'));
      req.end();
    });
    expect(outcome).toBe('cut');
    expect(failures).toContainEqual({ project: 'web', kind: 'reset' });
    expect((await get('web.localhost', '/after-reset')).status).toBe(200);
  });

  it('resets an HTTP/2 stream whose upstream abandons the body, and keeps the session usable', async () => {
    const session = await h2Session(stack.httpsPort, 'web.localhost', stack.ca.caPem);
    try {
      await expect(h2Request(session, '/reset')).rejects.toThrow();
      expect((await h2Request(session, '/after-reset')).status).toBe(200);
    } finally {
      session.close();
    }
  });

  it('keeps working after a route to a dead upstream is swapped for a live one', async () => {
    // Plain HTTP: the test's certificate provider only knows the projects it started with.
    const dead: ProjectSpec = { project: 'dead', domains: ['dead.localhost'], https: false, upstream: `http://127.0.0.1:${await reservePort()}` };
    stack.proxy.setRoutes(createRouteTable([...projects(), dead].map(stack.route)));
    expect((await request({ port: stack.httpPort, host: 'dead.localhost' })).status).toBe(502);
    stack.proxy.setRoutes(createRouteTable([...projects(), { ...dead, upstream: stack.upstream.origin }].map(stack.route)));
    expect((await request({ port: stack.httpPort, host: 'dead.localhost' })).status).toBe(200);
  });
});
