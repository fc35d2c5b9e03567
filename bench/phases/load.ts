/**
 * Throughput and latency, direct vs. through Portico vs. through the plain http-proxy-3 baseline,
 * and for keep-alive and new connections also against the floor (a bare `node:https` server
 * answering itself: Node's TLS and HTTP cost with no proxying), in the same run and interleaved
 * (each target in turn for each load) so a noisy neighbour hurts all alike. Every figure comes with
 * the CPU the serving processes and the load generator spent on it. Portico's RSS, the baseline's
 * and the floor's are sampled throughout.
 */
import { http1, http2, websocket, type Tools } from '../load/tools';
import type { LoadResult, LoadTarget } from '../load/types';
import { cpuMs, rssBytes, sampleRss, sleep } from '../lib/procs';
import { round } from '../lib/stats';
import { BENCH_HOST, type BenchServers } from './setup';

/** A load's result and the CPU the serving processes spent on it (Linux only). */
export interface Measured extends LoadResult {
  /**
   * CPU time of the process the client talks TLS to (Portico, the baseline, or the floor server,
   * which answers itself) during the load; null for direct.
   */
  proxyCpuMs: number | null;
  /** CPU time of the upstream during the load (the floor's load does not reach it: ~0). */
  upstreamCpuMs: number | null;
  /** That process's RSS right after the load (bytes); null for direct. */
  proxyRssAfter: number | null;
  /** CPU µs per request (or round trip) of each process: the above and `generatorCpuMs` over `requests`. */
  cpuUsPerRequest: { proxy: number | null; upstream: number | null; generator: number | null };
}

/** One load against each target; null where the target was not measured for it. */
export interface PerTarget {
  direct: Measured | null;
  portico: Measured | null;
  baseline: Measured | null;
  /** The floor: a bare `node:https` server answering itself (keep-alive and new connections only). */
  floor: Measured | null;
}

type Target = keyof PerTarget;
/**
 * The order within each load. Portico and the baseline swap places every other repetition: the
 * one measured right after direct meets an upstream still collecting direct's garbage, and
 * with one fixed order that handicap always fell on the same side.
 */
const ORDERS: readonly (readonly Target[])[] = [
  ['direct', 'floor', 'portico', 'baseline'],
  ['direct', 'floor', 'baseline', 'portico'],
];

export interface LoadFigures {
  keepAliveSmall: PerTarget;
  keepAliveLarge: PerTarget;
  http2Small: PerTarget;
  newConnections: PerTarget;
  websocket: PerTarget;
  sequential: PerTarget;
  rss: {
    idle: number | null;
    peak: number | null;
    afterLoad: number | null;
    baselineIdle: number | null;
    baselinePeak: number | null;
    baselineAfterLoad: number | null;
    floorIdle: number | null;
    floorPeak: number | null;
    floorAfterLoad: number | null;
  };
}

export interface LoadOptions {
  /** Seconds of each main load (keep-alive, new connections, HTTP/2, websockets). */
  seconds: number;
  /** Concurrent connections of the main loads (the issue's reference: 50). */
  connections: number;
  /** Which loads to run (all when omitted): ka, large, h2, new, ws, seq. */
  kinds?: ReadonlySet<string>;
  /** 0-based repetition: odd ones measure the baseline before Portico (see ORDERS). */
  repetition?: number;
  log(line: string): void;
}

export const LOAD_KINDS = ['ka', 'large', 'h2', 'new', 'ws', 'seq'] as const;

export async function runLoads(servers: BenchServers, tools: Tools, options: LoadOptions): Promise<LoadFigures> {
  const { seconds, connections, log } = options;
  const short = Math.max(2, Math.round(seconds / 2));
  const targets = (path: string): Record<Target, LoadTarget> => ({
    direct: { url: `http://127.0.0.1:${servers.upstreamPort}${path}`, connectHost: '127.0.0.1' },
    portico: { url: `https://${BENCH_HOST}:${servers.portico.httpsPort}${path}`, connectHost: '127.0.0.1', caFile: servers.caFile },
    baseline: { url: `https://${BENCH_HOST}:${servers.baselinePort}${path}`, connectHost: '127.0.0.1', caFile: servers.caFile },
    floor: { url: `https://${BENCH_HOST}:${servers.floorPort}${path}`, connectHost: '127.0.0.1', caFile: servers.caFile },
  });

  // Idle means idle: ten seconds after start-up and the first request, by which time Portico has
  // given start-up's garbage back (proxy/idle-collector.ts). `--only memory` also reports the
  // figure two seconds after the first request.
  await sleep(10_000);
  const porticoPeak = sampleRss(servers.portico.child.pid);
  const baselinePeak = sampleRss(servers.baseline.pid);
  const floorPeak = sampleRss(servers.floor.pid);
  const idle = await rssBytes(servers.portico.child.pid);
  const baselineIdle = await rssBytes(servers.baseline.pid);
  const floorIdle = await rssBytes(servers.floor.pid);

  const proxyPid: Record<Target, number | null> = { direct: null, portico: servers.portico.child.pid, baseline: servers.baseline.pid, floor: servers.floor.pid };
  const cpuDelta = async (pid: number | null, before: number | null): Promise<number | null> => {
    if (pid === null || before === null) return null;
    const after = await cpuMs(pid);
    return after === null ? null : after - before;
  };

  // The floor only where it answers the question it is there for: what Node's TLS and HTTP cost
  // per 1 KiB request and per new connection, with nothing proxied.
  const withFloor = new Set<string>(['ka', 'new']);

  async function measure(kind: (typeof LOAD_KINDS)[number], name: string, run: (target: LoadTarget, who: Target) => Promise<LoadResult> | null, path: string): Promise<PerTarget> {
    const out: PerTarget = { direct: null, portico: null, baseline: null, floor: null };
    if (options.kinds && !options.kinds.has(kind)) return out;
    const all = targets(path);
    for (const who of ORDERS[(options.repetition ?? 0) % ORDERS.length] as readonly Target[]) {
      if (who === 'floor' && !withFloor.has(kind)) continue;
      const proxyBefore = proxyPid[who] === null ? null : await cpuMs(proxyPid[who]);
      const upstreamBefore = await cpuMs(servers.upstream.pid);
      const pending = run(all[who], who);
      if (!pending) continue;
      try {
        const result = await pending;
        const pid = proxyPid[who];
        const proxyCpuMs = await cpuDelta(pid, proxyBefore);
        const upstreamCpuMs = await cpuDelta(servers.upstream.pid, upstreamBefore);
        const perRequest = (ms: number | null) => (ms === null || result.requests === 0 ? null : round((ms * 1000) / result.requests, 1));
        const r: Measured = {
          ...result,
          proxyCpuMs,
          upstreamCpuMs,
          proxyRssAfter: pid === null ? null : await rssBytes(pid),
          cpuUsPerRequest: { proxy: perRequest(proxyCpuMs), upstream: perRequest(upstreamCpuMs), generator: perRequest(result.generatorCpuMs) },
        };
        out[who] = r;
        const us = (value: number | null) => (value === null ? '-' : value.toFixed(0));
        log(
          `  ${name.padEnd(22)} ${who.padEnd(8)} ${r.rps.toFixed(0).padStart(8)}/s  p50 ${r.p50Ms?.toFixed(2) ?? '-'} ms  p99 ${r.p99Ms?.toFixed(2) ?? '-'} ms  errors ${r.errors}  CPU µs/req ${who === 'floor' ? 'server' : 'proxy'} ${us(r.cpuUsPerRequest.proxy)} upstream ${us(r.cpuUsPerRequest.upstream)} generator ${us(r.cpuUsPerRequest.generator)}${r.proxyRssAfter === null ? '' : `  RSS ${(r.proxyRssAfter / 2 ** 20).toFixed(0)} MB`} (${r.tool})`,
        );
      } catch (error) {
        log(`  ${name} ${who}: failed: ${(error as Error).message.split('\n')[0]}`);
      }
      await sleep(500);
    }
    return out;
  }

  // JIT warm-up: a process's first seconds run unoptimized code; none of that is measured.
  log('  warming up (not measured)');
  const warm = targets('/small');
  for (const who of ORDERS[0] as readonly Target[]) {
    await http1(tools, warm[who], { connections, threads: 2, seconds: 3 }).catch(() => null);
    if (who === 'floor') continue;
    await websocket({ ...warm[who], url: warm[who].url.replace('/small', '/ws') }, { clients: 10, seconds: 1 }).catch(() => null);
  }
  await http2(tools, warm.portico, { connections: 5, streams: 10, seconds: 2 }).catch(() => null);

  const keepAliveSmall = await measure('ka', 'keep-alive 1 KiB', (target) => http1(tools, target, { connections, threads: 2, seconds }), '/small');
  const keepAliveLarge = await measure('large', 'keep-alive 256 KiB', (target) => http1(tools, target, { connections: Math.min(connections, 10), threads: 2, seconds: short }), '/large');
  const http2Small = await measure(
    'h2',
    'HTTP/2 1 KiB',
    (target, who) => (who === 'portico' ? http2(tools, target, { connections: 5, streams: Math.max(1, Math.round(connections / 5)), seconds }) : null),
    '/small',
  );
  const newConnections = await measure('new', 'new connections 1 KiB', (target) => http1(tools, target, { connections, threads: 2, seconds, fresh: true }), '/small');
  const ws = await measure('ws', 'websocket round trips', (target) => websocket({ ...target, url: target.url.replace('/small', '/ws') }, { clients: connections, seconds }), '/small');
  const sequential = await measure('seq', 'one sequential client', (target) => http1(tools, target, { connections: 1, threads: 1, seconds: short }), '/small');

  // Keep-alive connections idle out (5 s on the proxy's client side), then memory should settle.
  log('  waiting for connections to idle out before measuring memory after the load');
  await sleep(options.kinds ? 0 : 8000);
  const afterLoad = await rssBytes(servers.portico.child.pid);
  const baselineAfterLoad = await rssBytes(servers.baseline.pid);
  const floorAfterLoad = await rssBytes(servers.floor.pid);
  return {
    keepAliveSmall,
    keepAliveLarge,
    http2Small,
    newConnections,
    websocket: ws,
    sequential,
    rss: {
      idle,
      peak: await porticoPeak.stop(),
      afterLoad,
      baselineIdle,
      baselinePeak: await baselinePeak.stop(),
      baselineAfterLoad,
      floorIdle,
      floorPeak: await floorPeak.stop(),
      floorAfterLoad,
    },
  };
}
