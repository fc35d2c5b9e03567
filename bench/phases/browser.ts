/**
 * The module-graph page in Chromium, cold (a fresh browser context each time: empty cache, new
 * connections): directly over HTTP/1.1 (6 connections per host) vs. through Portico over HTTP/2.
 * The root is trusted the way a user's browser trusts it, through an NSS database in a
 * throwaway HOME (certutil, Debian's libnss3-tools), never by ignoring certificate errors.
 * The figure is the time from navigation start until the root module ran, which is after every
 * module of the graph was fetched and evaluated.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { hasCommand, runToEnd } from '../lib/procs';
import { tempDir } from '../lib/portico';
import { median } from '../lib/stats';
import { BENCH_HOST, type BenchServers } from './setup';

export interface BrowserFigures {
  directMs: number[];
  porticoMs: number[];
  protocol: { direct: string | null; portico: string | null };
  skipped?: string;
}

const CHROMIUM_CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome'];

async function findChromium(): Promise<string | null> {
  for (const name of CHROMIUM_CANDIDATES) {
    const found = await runToEnd('sh', ['-c', `command -v ${name}`], 5000);
    if (found.code === 0) return found.stdout.trim();
  }
  return null;
}

export async function runBrowser(servers: BenchServers, options: { loads: number; log(line: string): void }): Promise<BrowserFigures> {
  const none = (skipped: string): BrowserFigures => ({ directMs: [], porticoMs: [], protocol: { direct: null, portico: null }, skipped });
  const executable = await findChromium();
  if (!executable) return none('no Chromium on PATH (apt-get install chromium)');
  if (!(await hasCommand('certutil'))) return none('no certutil to trust the root in Chromium (apt-get install libnss3-tools)');

  const home = await tempDir('portico-bench-chromium-');
  try {
    const nssdb = join(home.dir, '.pki', 'nssdb');
    await mkdir(nssdb, { recursive: true });
    await runToEnd('certutil', ['-d', `sql:${nssdb}`, '-N', '--empty-password'], 10_000);
    const added = await runToEnd('certutil', ['-d', `sql:${nssdb}`, '-A', '-t', 'C,,', '-n', 'portico-bench', '-i', servers.caFile], 10_000);
    if (added.code !== 0) return none(`certutil could not add the root: ${added.stderr}`);

    const browser = await chromium.launch({ executablePath: executable, env: { ...process.env, HOME: home.dir }, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const urls = {
        direct: `http://127.0.0.1:${servers.upstreamPort}/graph/`,
        portico: `https://${BENCH_HOST}:${servers.portico.httpsPort}/graph/`,
      };
      const figures: BrowserFigures = { directMs: [], porticoMs: [], protocol: { direct: null, portico: null } };
      const load = async (who: 'direct' | 'portico'): Promise<void> => {
        const context = await browser.newContext();
        try {
          const page = await context.newPage();
          const response = await page.goto(urls[who], { waitUntil: 'load', timeout: 30_000 });
          if (!response?.ok()) throw new Error(`${who} answered ${response?.status()}`);
          // Strings, not functions: they run in the page, whose DOM types this Node project does not load.
          await page.waitForFunction("typeof window.__graphLoaded === 'number'", undefined, { timeout: 30_000 });
          const ms = (await page.evaluate('window.__graphLoaded')) as number;
          const protocol = (await page.evaluate("performance.getEntriesByType('navigation')[0]?.nextHopProtocol ?? null")) as string | null;
          figures.protocol[who] = protocol;
          (who === 'direct' ? figures.directMs : figures.porticoMs).push(ms);
        } finally {
          await context.close();
        }
      };
      // One warm-up each (the proxy's upstream pool, Chromium's own start-up), then alternate.
      await load('direct');
      await load('portico');
      figures.directMs.length = 0;
      figures.porticoMs.length = 0;
      for (let i = 0; i < options.loads; i += 1) {
        await load('direct');
        await load('portico');
      }
      options.log(`  module graph: direct ${median(figures.directMs).toFixed(0)} ms (${figures.protocol.direct}), Portico ${median(figures.porticoMs).toFixed(0)} ms (${figures.protocol.portico})`);
      return figures;
    } finally {
      await browser.close();
    }
  } finally {
    await home.cleanup();
  }
}
