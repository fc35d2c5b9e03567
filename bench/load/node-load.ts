/**
 * The bench's own load generator, for machines without wrk/h2load and for websockets (which
 * neither tool speaks). Runs in its own process (node-load-main.ts), never in the
 * orchestrator's. HTTP/1.1 goes over raw sockets with a
 * minimal response parser, so the generator costs far less per request than Node's http client;
 * TLS is verified against the bench's CA.
 */
import { readFileSync } from 'node:fs';
import { connect as http2Connect, type ClientHttp2Session } from 'node:http2';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { WebSocket } from 'ws';
import type { LoadResult, NodeLoadSpec, LoadTarget } from './types';

const HEADER_END = Buffer.from('\r\n\r\n');

interface Recorder {
  deadline: number;
  latencies: number[];
  errors: number;
}

function openSocket(target: LoadTarget, alpn: string, ca: Buffer | undefined): Socket {
  const url = new URL(target.url);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (url.protocol === 'https:') return tlsConnect({ host: target.connectHost, port, servername: url.hostname, ALPNProtocols: [alpn], ...(ca && { ca }) });
  return netConnect({ host: target.connectHost, port });
}

/** Sends one request on `socket` and waits for the whole response: true for a complete 2xx/3xx. */
function exchange(socket: Socket, request: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    let buffered: Buffer = Buffer.alloc(0);
    let expected = -1;
    const done = (ok: boolean) => {
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(ok);
    };
    const onClose = () => done(false);
    const onData = (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      if (expected < 0) {
        const end = buffered.indexOf(HEADER_END);
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const status = Number(head.slice(9, 12));
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        if (status < 200 || status >= 400 || !length?.[1]) return done(false);
        expected = end + HEADER_END.length + Number(length[1]);
      }
      if (buffered.length >= expected) done(true);
    };
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(request);
  });
}

/**
 * One HTTP/1.1 client issuing requests back to back until the deadline; with `fresh` every
 * request gets its own connection (`Connection: close`), as a client opening new TLS
 * connections does.
 */
async function h1Client(target: LoadTarget, fresh: boolean, ca: Buffer | undefined, recorder: Recorder): Promise<void> {
  const url = new URL(target.url);
  const request = Buffer.from(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n${fresh ? 'Connection: close\r\n' : ''}\r\n`);
  let socket: Socket | null = null;
  while (performance.now() < recorder.deadline) {
    if (socket === null) {
      socket = openSocket(target, 'http/1.1', ca);
      socket.on('error', () => undefined);
    }
    const started = performance.now();
    const ok = await exchange(socket, request);
    if (ok) recorder.latencies.push(performance.now() - started);
    else recorder.errors += 1;
    if (fresh || !ok) {
      socket.destroy();
      socket = null;
      if (!ok) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  socket?.destroy();
}

function h2Session(target: LoadTarget, streams: number, ca: Buffer | undefined, recorder: Recorder): Promise<void> {
  const url = new URL(target.url);
  const session: ClientHttp2Session = http2Connect(url.origin, { createConnection: () => openSocket(target, 'h2', ca) });
  session.on('error', () => undefined);
  const path = `${url.pathname}${url.search}`;
  const stream = () =>
    new Promise<void>((resolve) => {
      const loop = () => {
        if (performance.now() >= recorder.deadline || session.destroyed) {
          resolve();
          return;
        }
        const started = performance.now();
        const req = session.request({ ':path': path, ':authority': url.host });
        let ok = false;
        req.on('response', (headers) => {
          ok = Number(headers[':status']) < 400;
        });
        req.on('data', () => undefined);
        req.on('error', () => undefined);
        req.on('close', () => {
          if (ok) recorder.latencies.push(performance.now() - started);
          else recorder.errors += 1;
          loop();
        });
        req.end();
      };
      loop();
    });
  return Promise.all(Array.from({ length: streams }, stream)).then(() => {
    session.close();
  });
}

function wsClient(target: LoadTarget, ca: Buffer | undefined, recorder: Recorder): Promise<void> {
  const url = new URL(target.url);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const scheme = url.protocol === 'https:' ? 'wss' : 'ws';
  const payload = Buffer.alloc(32, 'w');
  return new Promise((resolve) => {
    const socket = new WebSocket(`${scheme}://${target.connectHost}:${port}${url.pathname}`, {
      headers: { host: url.host },
      ...(scheme === 'wss' && { servername: url.hostname, ...(ca && { ca }) }),
    });
    let started = 0;
    const send = () => {
      if (performance.now() >= recorder.deadline) {
        socket.close();
        return;
      }
      started = performance.now();
      socket.send(payload);
    };
    socket.on('open', send);
    socket.on('message', () => {
      recorder.latencies.push(performance.now() - started);
      send();
    });
    socket.on('error', () => {
      recorder.errors += 1;
    });
    socket.on('close', () => resolve());
  });
}

function summarize(recorder: Recorder, seconds: number, cpu: NodeJS.CpuUsage): LoadResult {
  const sorted = Float64Array.from(recorder.latencies).sort();
  const at = (q: number) => (sorted.length === 0 ? null : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number));
  const mean = sorted.length === 0 ? null : sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { tool: 'node', requests: sorted.length, errors: recorder.errors, seconds, rps: sorted.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99), meanMs: mean, generatorCpuMs: (cpu.user + cpu.system) / 1000 };
}

export async function runNodeLoad(spec: NodeLoadSpec): Promise<LoadResult> {
  const ca = spec.target.caFile ? readFileSync(spec.target.caFile) : undefined;
  const begin = performance.now();
  // Around the load only: tsx compiling this file at start-up is not the generator's cost.
  const cpuBefore = process.cpuUsage();
  const recorder: Recorder = { deadline: begin + spec.seconds * 1000, latencies: [], errors: 0 };
  const clients: Promise<void>[] = [];
  for (let i = 0; i < spec.connections; i += 1) {
    if (spec.mode === 'h1' || spec.mode === 'seq') clients.push(h1Client(spec.target, false, ca, recorder));
    else if (spec.mode === 'h1-new') clients.push(h1Client(spec.target, true, ca, recorder));
    else if (spec.mode === 'h2') clients.push(h2Session(spec.target, spec.streams ?? 10, ca, recorder));
    else clients.push(wsClient(spec.target, ca, recorder));
  }
  await Promise.all(clients);
  return summarize(recorder, (performance.now() - begin) / 1000, process.cpuUsage(cpuBefore));
}
