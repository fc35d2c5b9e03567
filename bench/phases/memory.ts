/**
 * Memory of `portico serve` (issue #7), Portico alone: idle RSS (fresh data dir: the CA and the
 * project's certificate made by `serve` itself, one request; 2 s and 10 s after it, the load
 * phase's idle being the latter), the peak under each load the load phase runs, RSS after the
 * load (keep-alive connections idled out), and what a project costs at 1000 projects. RSS is
 * split into anonymous memory (V8's heap, OpenSSL's buffers) and file-backed pages (mostly the
 * node binary, which every node process maps: ~35 MB of a bare `node`'s RSS here).
 *
 *   npm run bench -- --only memory [--repeat 3] [--seconds 10] [--kinds ka,large,h2,new,ws,seq]
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { http1, http2, websocket, type Tools } from '../load/tools';
import type { LoadTarget } from '../load/types';
import { rssParts, sampleRss, sleep, startTs, type Child } from '../lib/procs';
import { startPortico, tempDir, writeConfig } from '../lib/portico';
import { httpsGet, BENCH_HOST } from './setup';
import { homeWithCa, issueMany, projects } from './startup';

export interface RssFigure {
  rss: number;
  anon: number;
  file: number;
}

export interface MemoryRun {
  /** 2 s after the first request, as the load phase's idle figure. */
  idle: RssFigure | null;
  /** 10 s after the first request. */
  idleSettled: RssFigure | null;
  /** Highest RSS (sampled every 100 ms) during each load. */
  peaks: Record<string, number | null>;
  /** RSS right before each load (after the previous one's pause). */
  before: Record<string, number | null>;
  peak: number | null;
  /** 8 s after the last load, as the load phase's figure, and 30 s after. */
  after: RssFigure | null;
  afterSettled: RssFigure | null;
}

export interface PerProjectRun {
  projects: number;
  one: RssFigure | null;
  many: RssFigure | null;
  perProjectBytes: number | null;
}

export interface MemoryFigures {
  runs: MemoryRun[];
  perProject: PerProjectRun[];
}

export interface MemoryOptions {
  seconds: number;
  connections: number;
  repeat: number;
  scaleProjects: number;
  /** Pause after each load. */
  pauseMs: number;
  kinds?: ReadonlySet<string>;
  log(line: string): void;
}

const MB = 2 ** 20;
const mb = (bytes: number | null | undefined) => (bytes == null ? '-' : (bytes / MB).toFixed(1));
const describe = (figure: RssFigure | null) => (figure ? `${mb(figure.rss)} MB (anon ${mb(figure.anon)}, file ${mb(figure.file)})` : '-');

async function upstream(): Promise<{ child: Child; port: number }> {
  const child = startTs('bench/servers/main.ts', ['upstream']);
  const line = await child.waitFor(/^\{"port":(\d+)\}$/m, 30_000);
  return { child, port: Number(line[1]) };
}

async function oneRun(entry: string, upstreamPort: number, tools: Tools, options: MemoryOptions): Promise<MemoryRun> {
  const { seconds, connections, log } = options;
  const short = Math.max(2, Math.round(seconds / 2));
  const home = await tempDir('portico-bench-memory-');
  try {
    await writeConfig(home.dir, [{ name: 'bench', domains: [BENCH_HOST], upstream: `http://localhost:${upstreamPort}` }]);
    const portico = await startPortico(entry, home.dir);
    try {
      const caFile = join(home.dir, 'ca', 'root.pem');
      const status = await httpsGet(portico.httpsPort, '/small', await readFile(caFile));
      if (status !== 200) throw new Error(`Portico answered ${status} for the bench project`);
      const pid = portico.child.pid;
      await sleep(2000);
      const idle = await rssParts(pid);
      await sleep(8000);
      const idleSettled = await rssParts(pid);
      const target = (path: string): LoadTarget => ({ url: `https://${BENCH_HOST}:${portico.httpsPort}${path}`, connectHost: '127.0.0.1', caFile });
      const loads: Array<[string, () => Promise<unknown>]> = [
        ['warm-up', () => http1(tools, target('/small'), { connections, threads: 2, seconds: 3 })],
        ['ka', () => http1(tools, target('/small'), { connections, threads: 2, seconds })],
        ['large', () => http1(tools, target('/large'), { connections: Math.min(connections, 10), threads: 2, seconds: short })],
        ['h2', () => http2(tools, target('/small'), { connections: 5, streams: Math.max(1, Math.round(connections / 5)), seconds })],
        ['new', () => http1(tools, target('/small'), { connections, threads: 2, seconds, fresh: true })],
        ['ws', () => websocket(target('/ws'), { clients: connections, seconds })],
        ['seq', () => http1(tools, target('/small'), { connections: 1, threads: 1, seconds: short })],
      ];
      const peaks: Record<string, number | null> = {};
      const before: Record<string, number | null> = {};
      for (const [kind, run] of loads) {
        if (options.kinds && kind !== 'warm-up' && !options.kinds.has(kind)) continue;
        before[kind] = (await rssParts(pid))?.rss ?? null;
        const sampler = sampleRss(pid);
        await run().catch((error: unknown) => log(`  ${kind}: failed: ${(error as Error).message.split('\n')[0]}`));
        peaks[kind] = await sampler.stop();
        // In the load phase Portico idles while direct and the baseline take their turns (~20 s).
        await sleep(options.pauseMs);
      }
      const measured = Object.values(peaks).filter((v): v is number => v !== null);
      const peak = measured.length === 0 ? null : Math.max(...measured);
      await sleep(8000);
      const after = await rssParts(pid);
      await sleep(22_000);
      const afterSettled = await rssParts(pid);
      log(`  idle ${describe(idle)}, 10 s: ${describe(idleSettled)}`);
      log(`  peak ${mb(peak)} MB (${Object.entries(peaks).map(([kind, value]) => `${kind} ${mb(before[kind])}→${mb(value)}`).join(', ')})`);
      log(`  after the load ${describe(after)}, 30 s: ${describe(afterSettled)}`);
      return { idle, idleSettled, peaks, before, peak, after, afterSettled };
    } finally {
      await portico.stop();
    }
  } finally {
    await home.cleanup();
  }
}

async function perProject(entry: string, upstreamPort: number, count: number, log: (line: string) => void): Promise<PerProjectRun> {
  const one = await homeWithCa();
  const many = await homeWithCa();
  try {
    await writeConfig(one.dir, projects(1, upstreamPort));
    const list = projects(count, upstreamPort);
    await writeConfig(many.dir, list);
    await issueMany(many.dir, list);
    await issueMany(one.dir, projects(1, upstreamPort));
    const measure = async (dir: string): Promise<RssFigure | null> => {
      const running = await startPortico(entry, dir, 60_000);
      await sleep(10_000);
      const figure = await rssParts(running.child.pid);
      await running.stop();
      return figure;
    };
    const small = await measure(one.dir);
    const big = await measure(many.dir);
    const perProjectBytes = small && big ? (big.rss - small.rss) / (count - 1) : null;
    log(`  ${count} projects: ${describe(big)}; one project: ${describe(small)}: ${perProjectBytes === null ? '-' : (perProjectBytes / 1024).toFixed(1)} KB per project`);
    return { projects: count, one: small, many: big, perProjectBytes };
  } finally {
    await one.cleanup();
    await many.cleanup();
  }
}

export async function runMemory(entry: string, tools: Tools, options: MemoryOptions): Promise<MemoryFigures> {
  const figures: MemoryFigures = { runs: [], perProject: [] };
  const server = await upstream();
  try {
    for (let i = 0; i < options.repeat; i += 1) {
      options.log(`memory${options.repeat > 1 ? `, repetition ${i + 1}/${options.repeat}` : ''}:`);
      figures.runs.push(await oneRun(entry, server.port, tools, options));
      if (options.scaleProjects > 1) figures.perProject.push(await perProject(entry, server.port, options.scaleProjects, options.log));
    }
  } finally {
    await server.child.stop();
  }
  return figures;
}
