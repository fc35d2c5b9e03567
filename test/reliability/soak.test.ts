/**
 * A bounded soak of the real `portico serve` (issue 8): mixed traffic — HTTPS over HTTP/1.1 and
 * HTTP/2, plain-HTTP redirects, unknown hosts, websocket messages — while a project is added and
 * another removed every second through the control API. Afterwards:
 *  - the websocket to the unchanged project was never dropped and still echoes;
 *  - every answer was the expected one (the churning projects may also be mid-change);
 *  - open descriptors are back within FD_BOUND of the warm baseline, and resident memory never
 *    rose more than RSS_BOUND_MIB above it.
 * `PORTICO_SOAK_SECONDS` sets the length: 20 s in `npm test`; SECURITY.md gives the long form.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ClientHttp2Session } from 'node:http2';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createControlClient, readControlFile, type ControlClient } from '../../main/control';
import { tempHome } from '../helpers/portico-home';
import { h2Request, h2Session, openWebSocket, request, startUpstream, type Upstream } from '../helpers/proxy-harness';
import { startServe, type ServeProcess } from '../helpers/serve-process';

const SECONDS = Math.max(5, Number(process.env.PORTICO_SOAK_SECONDS ?? 20));
/** Descriptors the engine may hold beyond its warm baseline once traffic stops (pooled upstream sockets, watchers). */
const FD_BOUND = 40;
/** Resident memory the engine may gain over its warm baseline during the soak. */
const RSS_BOUND_MIB = 96;

let home: Awaited<ReturnType<typeof tempHome>>;
let serve: ServeProcess;
let upstream: Upstream;
let client: ControlClient;
let caPem: string;

beforeAll(async () => {
  home = await tempHome('portico-soak-');
  upstream = await startUpstream();
  serve = await startServe({ PORTICO_HOME: home.dir, HOME: home.dir });
  const record = await readControlFile(join(home.dir, 'control.json'));
  if (!record) throw new Error('portico serve published no control.json');
  client = createControlClient(record);
  caPem = await readFile(join(home.dir, 'ca', 'root.pem'), 'utf8');
  await client.call('projects.add', { name: 'stable', port: upstream.port });
}, 60_000);

afterAll(async () => {
  await serve?.stop();
  await upstream?.close();
  await home?.cleanup();
});

interface Sample {
  fds: number;
  rssKib: number;
}

function sample(pid: number): Sample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { fds: readdirSync(`/proc/${pid}/fd`).length, rssKib: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function untilServed(host: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const status = await request({ port: serve.httpsPort, host, path: '/ready', ca: caPem }).then((reply) => reply.status, () => 0);
    if (status === 200) return;
    await pause(50);
  }
  throw new Error(`${host} was never served`);
}

it.skipIf(process.platform !== 'linux')(`${SECONDS} s of mixed load with projects churning: no dropped websocket, bounded descriptors and memory`, async () => {
  const pid = serve.child.pid!;
  await untilServed('stable.localhost');
  const ws = await openWebSocket(`wss://stable.localhost:${serve.httpsPort}/hmr`, caPem);
  let dropped = false;
  ws.socket.once('close', () => (dropped = true));

  const unexpected: string[] = [];
  const counts = { h1: 0, h2: 0, redirect: 0, unknown: 0, ws: 0, churn: 0, changes: 0 };
  const deadline = Date.now() + SECONDS * 1000;
  const running = () => Date.now() < deadline;
  const note = (what: string) => unexpected.length < 20 && unexpected.push(what);

  async function http1(): Promise<void> {
    while (running()) {
      const reply = await request({ port: serve.httpsPort, host: 'stable.localhost', path: `/h1-${counts.h1}`, ca: caPem }).catch((error: Error) => ({ status: 0, body: error.message }));
      if (reply.status !== 200) note(`h1 ${reply.status} ${reply.body.slice(0, 60)}`);
      counts.h1 += 1;
      const redirect = await request({ port: serve.httpPort, host: 'stable.localhost', path: '/r' }).catch(() => ({ status: 0 }));
      if (redirect.status !== 307) note(`redirect ${redirect.status}`);
      counts.redirect += 1;
      const unknown = await request({ port: serve.httpPort, host: 'nobody.localhost', path: '/' }).catch(() => ({ status: 0 }));
      if (unknown.status !== 404) note(`unknown ${unknown.status}`);
      counts.unknown += 1;
    }
  }

  async function http2(): Promise<void> {
    let session: ClientHttp2Session | undefined;
    while (running()) {
      // A fresh session now and then, as browsers open new ones.
      if (!session || counts.h2 % 50 === 0) {
        session?.close();
        session = await h2Session(serve.httpsPort, 'stable.localhost', caPem);
      }
      const batch = await Promise.all(Array.from({ length: 5 }, (_, i) => h2Request(session!, `/h2-${counts.h2}-${i}`).catch((error: Error) => ({ status: 0, body: error.message }))));
      for (const reply of batch) if (reply.status !== 200) note(`h2 ${reply.status} ${reply.body.slice(0, 60)}`);
      counts.h2 += batch.length;
    }
    session?.close();
  }

  async function websocket(): Promise<void> {
    while (running()) {
      ws.socket.send(`m${counts.ws}`);
      const echo = await ws.next();
      if (echo !== `echo:m${counts.ws}`) note(`ws ${echo}`);
      counts.ws += 1;
      await pause(20);
    }
  }

  async function churn(): Promise<void> {
    const probes: Promise<void>[] = [];
    let tick = Date.now();
    for (let generation = 0; running(); generation += 1) {
      const name = `churn-${generation}`;
      await client.call('projects.add', { name, port: upstream.port });
      if (generation > 0) await client.call('projects.remove', { name: `churn-${generation - 1}` });
      counts.changes += 1;
      // A churning project is mid-change: served, not yet (404, or a failed handshake), or gone.
      probes.push(
        request({ port: serve.httpsPort, host: `${name}.localhost`, path: '/', ca: caPem }).then(
          (reply) => {
            if (![200, 404].includes(reply.status)) note(`churn ${reply.status}`);
            counts.churn += 1;
          },
          () => undefined,
        ),
      );
      // One change a second, on a schedule: the time a change takes is not added to the pause.
      tick += 1000;
      await pause(Math.max(0, tick - Date.now()));
    }
    await Promise.all(probes);
  }

  const samples: Sample[] = [];
  async function monitor(): Promise<void> {
    while (running()) {
      samples.push(sample(pid));
      await pause(500);
    }
  }

  await Promise.all([http1(), http2(), websocket(), churn(), monitor()]);

  // The websocket of the unchanged project lived through all of it.
  expect(dropped).toBe(false);
  ws.socket.send('still there');
  expect(await ws.next()).toBe('echo:still there');
  expect(unexpected).toEqual([]);
  expect(counts.changes).toBeGreaterThanOrEqual(Math.floor(SECONDS * 0.6));
  expect(counts.h1 + counts.h2).toBeGreaterThan(SECONDS * 10);

  // Warm baseline: the first quarter has the CA loaded, key pool filled and first certificates issued.
  const warm = samples.slice(Math.floor(samples.length / 4));
  const baseline = warm[0]!;
  const peakRss = Math.max(...warm.map((s) => s.rssKib));
  expect((peakRss - baseline.rssKib) / 1024, `RSS ${baseline.rssKib} → peak ${peakRss} KiB`).toBeLessThanOrEqual(RSS_BOUND_MIB);

  // Once the traffic stops (keep-alive and idle timeouts run out), descriptors come back down.
  ws.socket.close();
  let settled = sample(pid);
  for (let attempt = 0; attempt < 40 && settled.fds > baseline.fds + FD_BOUND; attempt += 1) {
    await pause(250);
    settled = sample(pid);
  }
  expect(settled.fds, `fds: warm ${baseline.fds}, after ${settled.fds}`).toBeLessThanOrEqual(baseline.fds + FD_BOUND);
  console.log(`soak ${SECONDS} s: ${JSON.stringify(counts)}; fds ${baseline.fds} → ${settled.fds}; RSS ${Math.round(baseline.rssKib / 1024)} → peak ${Math.round(peakRss / 1024)} MiB`);
}, (SECONDS + 90) * 1000);
