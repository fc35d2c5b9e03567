/**
 * Start-up and scale: `portico serve` with 100 projects (first start, when no certificate exists
 * yet, and later starts, when all are on disk), the memory 1000 projects cost, and route lookup
 * time against the number of projects.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { createEngineParts } from '../../main/engine/index';
import { generateLeafKeyPair, KeyPool, issueLeaf, writeProjectCert } from '../../main/engine/pki';
import { createRouteTable, type Route } from '../../main/engine/proxy/router';
import { rssBytes, sleep } from '../lib/procs';
import { startPortico, tempDir, writeConfig, type BenchProject } from '../lib/portico';
import { median } from '../lib/stats';

export interface StartupFigures {
  projects: number;
  /** First start: no project certificate on disk. */
  coldMs: number | null;
  /** From the cold start's listening line until every certificate was issued. */
  coldAllIssuedMs: number | null;
  /** A handshake for the last project right after the cold start listened (it waits for its certificate). */
  coldFirstHandshakeMs: number | null;
  warmMs: number[];
  scale: { projects: number; startupMs: number | null; rssBytes: number | null; oneProjectRssBytes: number | null; perProjectBytes: number | null };
  /** Nanoseconds per lookup, by table size. */
  lookupNs: Record<string, number>;
}

export function projects(count: number, upstreamPort: number): BenchProject[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `p${String(i).padStart(4, '0')}`;
    return { name, domains: [`${name}.localhost`], upstream: `http://localhost:${upstreamPort}` };
  });
}

function handshake(port: number, servername: string, ca: Buffer): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, ca, ALPNProtocols: ['h2'] }, () => {
      socket.destroy();
      resolve(performance.now() - started);
    });
    socket.setTimeout(30_000, () => socket.destroy(new Error('handshake timed out')));
    socket.on('error', reject);
  });
}

export async function homeWithCa(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const home = await tempDir('portico-bench-start-');
  await createEngineParts({ dataDir: home.dir }).ca.get();
  return home;
}

/** Certificates for many projects, fast: one key shared by all (fine for a bench, never for real). */
export async function issueMany(home: string, list: readonly BenchProject[]): Promise<void> {
  const parts = createEngineParts({ dataDir: home });
  const { ca } = await parts.ca.get();
  const key = await generateLeafKeyPair();
  const pool = new KeyPool({ generate: async () => key });
  for (const project of list) await writeProjectCert(parts.paths, project.name, await issueLeaf(ca, { domains: project.domains, keyPool: pool }));
}

function lookupNs(size: number): number {
  const routes: Route[] = Array.from({ length: size }, (_, i) => ({
    project: `p${i}`,
    domains: [`p${i}.localhost`, `*.p${i}.localhost`],
    upstream: 'http://localhost:5173',
    https: true,
    hsts: 'dev',
    secureCookies: true,
    hostHeader: 'preserve',
    enabled: true,
  }));
  const table = createRouteTable(routes);
  const hosts = Array.from({ length: 1024 }, (_, i) => (i % 2 === 0 ? `p${(i * 7919) % size}.localhost:8443` : `a.p${(i * 104729) % size}.localhost`));
  let found = 0;
  const rounds = 200_000;
  for (let i = 0; i < 20_000; i += 1) if (table.match(hosts[i & 1023])) found += 1;
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i += 1) if (table.match(hosts[i & 1023])) found += 1;
  const ns = Number(process.hrtime.bigint() - started) / rounds;
  if (found === 0) throw new Error('route lookups found nothing');
  return ns;
}

export async function runStartup(entry: string, upstreamPort: number, options: { projects: number; scaleProjects: number; warmRuns: number; log(line: string): void }): Promise<StartupFigures> {
  const { log } = options;
  const figures: StartupFigures = { projects: options.projects, coldMs: null, coldAllIssuedMs: null, coldFirstHandshakeMs: null, warmMs: [], scale: { projects: options.scaleProjects, startupMs: null, rssBytes: null, oneProjectRssBytes: null, perProjectBytes: null }, lookupNs: {} };

  const home = await homeWithCa();
  try {
    const list = projects(options.projects, upstreamPort);
    await writeConfig(home.dir, list);
    const ca = await readFile(join(home.dir, 'ca', 'root.pem'));
    const cold = await startPortico(entry, home.dir, 120_000);
    figures.coldMs = cold.startupMs;
    const last = list[list.length - 1] as BenchProject;
    figures.coldFirstHandshakeMs = await handshake(cold.httpsPort, last.domains[0] as string, ca).catch((error: unknown) => {
      log(`  cold start: handshake for ${last.name} failed: ${(error as Error).message}`);
      return null;
    });
    const listenedAt = performance.now();
    const deadline = listenedAt + 120_000;
    const issuedCount = () => (cold.child.stderr().match(/Issued a certificate for /g) ?? []).length;
    while (issuedCount() < options.projects && performance.now() < deadline) await sleep(100);
    if (issuedCount() >= options.projects) figures.coldAllIssuedMs = performance.now() - listenedAt;
    await cold.stop();
    log(`  ${options.projects} projects, first start: listening after ${cold.startupMs.toFixed(0)} ms; all certificates after ${figures.coldAllIssuedMs?.toFixed(0) ?? '-'} ms more; a handshake right away took ${figures.coldFirstHandshakeMs?.toFixed(0) ?? '-'} ms`);

    for (let i = 0; i < options.warmRuns; i += 1) {
      const warm = await startPortico(entry, home.dir);
      figures.warmMs.push(warm.startupMs);
      await warm.stop();
    }
    log(`  ${options.projects} projects, certificates on disk: listening after ${median(figures.warmMs).toFixed(0)} ms (median of ${options.warmRuns})`);
  } finally {
    await home.cleanup();
  }

  const one = await homeWithCa();
  const many = await homeWithCa();
  try {
    await writeConfig(one.dir, projects(1, upstreamPort));
    const manyList = projects(options.scaleProjects, upstreamPort);
    await writeConfig(many.dir, manyList);
    await issueMany(many.dir, manyList);
    await issueMany(one.dir, projects(1, upstreamPort));
    const measure = async (dir: string): Promise<{ startupMs: number; rss: number | null }> => {
      const running = await startPortico(entry, dir, 60_000);
      // Let start-up garbage be collected (V8's memory reducer acts after a few quiet seconds)
      // and the health probes settle into their rhythm.
      await sleep(10_000);
      const rss = await rssBytes(running.child.pid);
      await running.stop();
      return { startupMs: running.startupMs, rss };
    };
    const small = await measure(one.dir);
    const big = await measure(many.dir);
    figures.scale.startupMs = big.startupMs;
    figures.scale.rssBytes = big.rss;
    figures.scale.oneProjectRssBytes = small.rss;
    if (big.rss !== null && small.rss !== null) figures.scale.perProjectBytes = (big.rss - small.rss) / (options.scaleProjects - 1);
    log(`  ${options.scaleProjects} projects: listening after ${big.startupMs.toFixed(0)} ms, RSS ${((big.rss ?? 0) / 2 ** 20).toFixed(1)} MB vs ${((small.rss ?? 0) / 2 ** 20).toFixed(1)} MB for one: ${((figures.scale.perProjectBytes ?? 0) / 1024).toFixed(1)} KB per project`);
  } finally {
    await one.cleanup();
    await many.cleanup();
  }

  for (const size of [10, 1000, 10_000]) figures.lookupNs[String(size)] = lookupNs(size);
  log(`  route lookup: ${Object.entries(figures.lookupNs).map(([size, ns]) => `${size} projects ${ns.toFixed(0)} ns`).join(', ')}`);
  return figures;
}
