import { readFile, stat } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../main/engine/system/atomic-file';
import { tempHome } from '../../helpers/portico-home';
import { runCli, runCliJson } from '../../helpers/run-cli';
import { startServe, type ServeProcess } from '../../helpers/serve-process';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(url: string, ca?: Buffer): Promise<Answer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        host: '127.0.0.1',
        port: Number(target.port),
        path: `${target.pathname}${target.search}`,
        headers: { host: target.host },
        ...(target.protocol === 'https:' && { servername: target.hostname, ca }),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Retries `check` (each attempt awaited) until it passes or `attempts` run out: changes apply asynchronously. */
async function eventually<T>(attempt: () => Promise<T>, check: (value: T) => boolean, attempts = 50): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < attempts; i++) {
    last = await attempt().catch(() => undefined as T);
    if (last !== undefined && check(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return last as T;
}

describe('portico serve', () => {
  let home: Awaited<ReturnType<typeof tempHome>>;
  let env: NodeJS.ProcessEnv;
  let serve: ServeProcess;
  let upstream: Server;
  let upstreamPort: number;
  let ca: Buffer;

  beforeAll(async () => {
    home = await tempHome();
    env = { PORTICO_HOME: home.dir, HOME: home.dir };
    upstream = createServer((req, res) => res.end(`upstream saw ${req.headers.host} ${req.url}`));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamPort = (upstream.address() as { port: number }).port;
    serve = await startServe(env);
    ca = await readFile(join(home.dir, 'ca', 'root.pem'));
  });

  afterAll(async () => {
    await serve?.stop();
    await new Promise((resolve) => upstream?.close(resolve));
    await home?.cleanup();
  });

  it('prints its ports, the CA and the dashboard URL', () => {
    expect(serve.stdout()).toMatch(/Root CA: .*ca\/root\.pem/);
    expect(serve.dashboardUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{32}$/);
  });

  it('applies `portico add` at once and serves the project over trusted HTTPS', async () => {
    const added = await runCli(['add', 'web', '--port', String(upstreamPort)], env);
    expect(added.code, added.stderr).toBe(0);
    const answer = await eventually(() => get(`https://web.localhost:${serve.httpsPort}/hello`, ca), (a) => a.status === 200);
    expect(answer.body).toBe(`upstream saw web.localhost:${serve.httpsPort} /hello`);
    expect(answer.headers['strict-transport-security']).toBe('max-age=3600');
  });

  it('redirects plain HTTP to HTTPS with 307 and no-store, keeping path and query', async () => {
    const answer = await eventually(() => get(`http://web.localhost:${serve.httpPort}/a?b=1`), (a) => a.status === 307);
    expect(answer.headers.location).toBe(`https://web.localhost:${serve.httpsPort}/a?b=1`);
    expect(answer.headers['cache-control']).toContain('no-store');
  });

  it('answers an unknown dev name with a certificate minted in memory and a page listing the projects', async () => {
    const answer = await get(`https://nope.localhost:${serve.httpsPort}/`, ca);
    expect(answer.status).toBe(404);
    expect(answer.body).toContain('nope.localhost');
    expect(answer.body).toContain('web.localhost');
    await expect(stat(join(home.dir, 'certs', 'nope'))).rejects.toThrow();
  });

  it('fails the handshake for a name outside the CA suffixes', async () => {
    await expect(get(`https://example.com:${serve.httpsPort}/`, ca)).rejects.toThrow(/alert|unrecognized|handshake|socket/i);
  });

  it('applies a config file edited by another program within the watcher poll', async () => {
    const configPath = join(home.dir, 'config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8')) as { projects: Array<Record<string, unknown>> };
    const stamp = new Date().toISOString();
    config.projects.push({ name: 'api', upstream: `http://localhost:${upstreamPort}`, domains: ['api.test'], createdAt: stamp, updatedAt: stamp });
    await writeFileAtomic(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
    const answer = await eventually(() => get(`https://api.test:${serve.httpsPort}/`, ca), (a) => a.status === 200);
    expect(answer.body).toContain('upstream saw api.test');
  });

  it('reports itself and each upstream in `portico status --json`', async () => {
    const status = await runCliJson<{ engine: { running: boolean; pid: number }; projects: Array<{ project: { name: string }; health: { state: string } }> }>(['status'], env);
    expect(status.engine.running).toBe(true);
    expect(status.engine.pid).toBe(serve.child.pid);
    const web = await eventually(
      () => runCliJson<typeof status>(['status'], env),
      (s) => s.projects.find((p) => p.project.name === 'web')?.health.state === 'up',
    );
    expect(web.projects.find((p) => p.project.name === 'web')?.health.state).toBe('up');
  });

  it('refuses a second engine on the same data dir, naming the running one', async () => {
    const second = await runCli(['serve', '--https-port', '0', '--http-port', '0'], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('E_ENGINE_RUNNING');
    expect(second.stderr).toContain(`pid ${serve.child.pid}`);
  });

  it('stops gracefully on SIGTERM and gives the data dir up', async () => {
    expect(await serve.stop()).toBe(0);
    await expect(stat(join(home.dir, 'engine.json'))).rejects.toThrow();
    await expect(stat(join(home.dir, 'control.json'))).rejects.toThrow();
    // With no engine, the CLI edits the files itself again.
    expect((await runCli(['list'], env)).code).toBe(0);
  });
});
