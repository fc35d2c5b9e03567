/**
 * The servers every load phase talks to: the upstream, `portico serve` in front of it, the plain
 * http-proxy-3 baseline, and the floor (a bare `node:https` server answering itself), the last two
 * with Portico's certificate. All on 127.0.0.1 (Portico also on ::1).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'node:https';
import { startChild, type Child } from '../lib/procs';
import { buildBenchServers } from '../lib/server-bundle';
import { startPortico, tempDir, writeConfig, type RunningPortico } from '../lib/portico';

export const BENCH_HOST = 'bench.localhost';

export interface BenchServers {
  upstream: Child;
  upstreamPort: number;
  portico: RunningPortico;
  baseline: Child;
  baselinePort: number;
  floor: Child;
  floorPort: number;
  home: string;
  caFile: string;
  close(): Promise<void>;
}

async function startServer(entry: string, args: string[]): Promise<{ child: Child; port: number }> {
  const child = startChild(process.execPath, [entry, ...args]);
  const line = await child.waitFor(/^\{"port":(\d+)\}$/m, 30_000);
  return { child, port: Number(line[1]) };
}

/** One verified HTTPS request: the certificate exists and the route works before any load starts. */
export function httpsGet(port: number, path: string, ca: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, servername: BENCH_HOST, headers: { host: `${BENCH_HOST}:${port}` }, ca, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

export async function startBenchServers(entry: string): Promise<BenchServers> {
  const home = await tempDir('portico-bench-home-');
  const closers: Array<() => Promise<unknown>> = [home.cleanup];
  try {
    const servers = await buildBenchServers();
    const upstream = await startServer(servers, ['upstream']);
    closers.unshift(() => upstream.child.stop());
    await writeConfig(home.dir, [{ name: 'bench', domains: [BENCH_HOST], upstream: `http://localhost:${upstream.port}` }]);
    const portico = await startPortico(entry, home.dir);
    closers.unshift(() => portico.stop());
    const caFile = join(home.dir, 'ca', 'root.pem');
    const ca = await readFile(caFile);
    const status = await httpsGet(portico.httpsPort, '/small', ca);
    if (status !== 200) throw new Error(`Portico answered ${status} for the bench project`);
    const certDir = join(home.dir, 'certs', 'bench');
    const baseline = await startServer(servers, ['baseline', String(upstream.port), join(certDir, 'cert.pem'), join(certDir, 'key.pem')]);
    closers.unshift(() => baseline.child.stop());
    const floor = await startServer(servers, ['floor', join(certDir, 'cert.pem'), join(certDir, 'key.pem')]);
    closers.unshift(() => floor.child.stop());
    return {
      upstream: upstream.child,
      upstreamPort: upstream.port,
      portico,
      baseline: baseline.child,
      baselinePort: baseline.port,
      floor: floor.child,
      floorPort: floor.port,
      home: home.dir,
      caFile,
      async close() {
        for (const close of closers) await close().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const close of closers) await close().catch(() => undefined);
    throw error;
  }
}
