/**
 * wrk (HTTP/1.1) and h2load (HTTP/2) when installed — `apt-get install wrk nghttp2-client` — as
 * the reference figures were taken with them; the bench's Node generator otherwise.
 * Neither tool verifies certificates; both are pointed at 127.0.0.1 while SNI and Host carry the
 * project's name (wrk through a resolve hook, h2load through `--connect-to`).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, startTs } from '../lib/procs';
import { runToEndTimed } from '../lib/timed-run';
import type { LoadResult, LoadTarget, NodeLoadMode } from './types';

export interface Tools {
  wrk: boolean;
  h2load: boolean;
}

export async function detectTools(forceNode: boolean): Promise<Tools> {
  if (forceNode) return { wrk: false, h2load: false };
  const [wrk, h2load] = await Promise.all([hasCommand('wrk'), hasCommand('h2load')]);
  return { wrk, h2load };
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** `1.23ms`, `870.00us`, `1.02s` in milliseconds. */
function durationMs(text: string | undefined): number | null {
  const match = text ? /^([\d.]+)(us|ms|s|m)$/.exec(text) : null;
  return match?.[1] && match[2] ? Number(match[1]) * (UNIT_MS[match[2]] ?? Number.NaN) : null;
}

export function parseWrk(output: string): LoadResult {
  const requests = Number(/(\d+) requests in ([\d.]+)(\w+)/.exec(output)?.[1] ?? 0);
  const seconds = (durationMs(/\d+ requests in ([\d.]+\w+)/.exec(output)?.[1]) ?? 0) / 1000;
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const errors = non2xx + (socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0);
  return {
    tool: 'wrk',
    requests,
    errors,
    seconds,
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? 0),
    p50Ms: durationMs(/^\s+50%\s+(\S+)/m.exec(output)?.[1]),
    p99Ms: durationMs(/^\s+99%\s+(\S+)/m.exec(output)?.[1]),
    meanMs: durationMs(/Latency\s+(\S+)/.exec(output)?.[1]),
    generatorCpuMs: null,
  };
}

export function parseH2load(output: string): LoadResult {
  const finished = /finished in ([\d.]+)(\w+), ([\d.]+) req\/s/.exec(output);
  const counts = /requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(output);
  const status = /status codes: \d+ 2xx, \d+ 3xx, (\d+) 4xx, (\d+) 5xx/.exec(output);
  const request = /time for request:\s+(\S+)\s+(\S+)\s+(\S+)/.exec(output);
  const bad = status ? Number(status[1]) + Number(status[2]) : 0;
  return {
    tool: 'h2load',
    requests: Number(counts?.[3] ?? 0) - bad,
    errors: Number(counts?.[4] ?? 0) + Number(counts?.[5] ?? 0) + Number(counts?.[6] ?? 0) + bad,
    seconds: (durationMs(finished ? `${finished[1]}${finished[2]}` : undefined) ?? 0) / 1000,
    rps: Number(finished?.[3] ?? 0),
    p50Ms: null,
    p99Ms: null,
    meanMs: durationMs(request?.[3]),
    generatorCpuMs: null,
  };
}

/** A Lua hook that connects to `host` whatever the URL names, keeping the URL's name for SNI and Host. */
async function wrkConnectScript(host: string): Promise<{ file: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-bench-wrk-'));
  const file = join(dir, 'connect.lua');
  await writeFile(file, `wrk.resolve = function(_, service)\n  wrk.addrs = wrk.lookup("${host}", service)\nend\n`);
  return { file, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface Http1Load {
  connections: number;
  threads: number;
  seconds: number;
  /** Every request on its own connection. */
  fresh?: boolean;
}

async function runNode(mode: NodeLoadMode, target: LoadTarget, connections: number, seconds: number, streams?: number): Promise<LoadResult> {
  const child = startTs('bench/load/node-load-main.ts', [JSON.stringify({ mode, target, connections, seconds, ...(streams !== undefined && { streams }) })]);
  const timer = setTimeout(() => void child.stop(1000), (seconds + 20) * 1000);
  const code = await child.exited;
  clearTimeout(timer);
  const line = child.stdout().trim().split('\n').pop() ?? '';
  if (code !== 0 || !line.startsWith('{')) throw new Error(`node load generator failed (${code}): ${child.stderr().slice(-2000)}`);
  return JSON.parse(line) as LoadResult;
}

export async function http1(tools: Tools, target: LoadTarget, load: Http1Load): Promise<LoadResult> {
  if (!tools.wrk) return runNode(load.fresh ? 'h1-new' : load.connections === 1 ? 'seq' : 'h1', target, load.connections, load.seconds);
  const script = await wrkConnectScript(target.connectHost);
  try {
    const args = ['-t', String(load.threads), '-c', String(load.connections), '-d', `${load.seconds}s`, '--latency', '--timeout', '5s', '-s', script.file];
    if (load.fresh) args.push('-H', 'Connection: close');
    const result = await runToEndTimed('wrk', [...args, target.url], (load.seconds + 20) * 1000);
    if (result.code !== 0) throw new Error(`wrk failed (${result.code}): ${result.stderr}${result.stdout}`);
    return { ...parseWrk(result.stdout), generatorCpuMs: result.cpuMs };
  } finally {
    await script.cleanup();
  }
}

export async function http2(tools: Tools, target: LoadTarget, load: { connections: number; streams: number; seconds: number }): Promise<LoadResult> {
  if (!tools.h2load) return runNode('h2', target, load.connections, load.seconds, load.streams);
  const url = new URL(target.url);
  // No `--warm-up-time`: h2load leaves the warm-up's requests out of its counts but not out of
  // anyone's CPU time, which would inflate every CPU figure per request (by a third with -D 3).
  // The load phase warms Portico up with HTTP/2 beforehand.
  const args = ['-c', String(load.connections), '-m', String(load.streams), '-t', '1', '-D', String(load.seconds), `--connect-to=${target.connectHost}:${url.port}`, target.url];
  const result = await runToEndTimed('h2load', args, (load.seconds + 20) * 1000);
  if (result.code !== 0) throw new Error(`h2load failed (${result.code}): ${result.stderr}${result.stdout}`);
  return { ...parseH2load(result.stdout), generatorCpuMs: result.cpuMs };
}

export function websocket(target: LoadTarget, load: { clients: number; seconds: number }): Promise<LoadResult> {
  return runNode('ws', target, load.clients, load.seconds);
}
