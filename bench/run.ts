/**
 * `npm run bench`: Portico against talking to the dev server directly, against a plain
 * http-proxy-3 proxy, and against a bare `node:https` server (no proxy), on this machine, in one
 * run. See bench/README.md for what each figure is and how to read it. Loopback only; every
 * phase is bounded in time.
 *
 *   npm run bench -- [--seconds 10] [--connections 50] [--repeat 1] [--loads 5]
 *                    [--only load,browser,certificates,startup,memory] [--kinds ka,large,h2,new,ws,seq] [--node]
 *                    [--scale 1000] [--pause 10]   (memory: projects of the per-project figure, 0 skips
 *                    it; seconds of quiet after each load)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { detectTools } from './load/tools';
import { buildPortico } from './lib/portico';
import { REPO_ROOT } from './lib/procs';
import { runBrowser } from './phases/browser';
import { runCertificates } from './phases/certificates';
import { runLoads } from './phases/load';
import { runMemory } from './phases/memory';
import { startBenchServers } from './phases/setup';
import { runStartup } from './phases/startup';
import { renderReport, verdicts, type BenchFigures } from './report';

// The default run. `--only memory` (phases/memory.ts) is not in it, the load phase measuring
// memory too: it is Portico's memory alone, each figure per repetition.
const PHASES = ['load', 'browser', 'certificates', 'startup'] as const;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    repeat: { type: 'string', default: '1' },
    loads: { type: 'string', default: '5' },
    only: { type: 'string', default: PHASES.join(',') },
    node: { type: 'boolean', default: false },
    kinds: { type: 'string' },
    scale: { type: 'string', default: '1000' },
    pause: { type: 'string', default: '10' },
  },
});

const seconds = Number(values.seconds);
const connections = Number(values.connections);
const repeat = Number(values.repeat);
const only = new Set(values.only.split(','));
const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const started = Date.now();
  const tools = await detectTools(values.node);
  log(`load generators: HTTP/1.1 ${tools.wrk ? 'wrk' : 'node'}, HTTP/2 ${tools.h2load ? 'h2load' : 'node'}, websockets node; load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  log('building the portico bundle…');
  const entry = await buildPortico();
  const figures: BenchFigures = { loads: [], browser: null, certificates: null, startup: null, memory: null };

  if (only.has('load') || only.has('browser') || only.has('startup')) {
    const servers = await startBenchServers(entry);
    try {
      log(`upstream :${servers.upstreamPort}, Portico :${servers.portico.httpsPort} (listening ${servers.portico.startupMs.toFixed(0)} ms after spawn), baseline :${servers.baselinePort}, Node https (no proxy) :${servers.floorPort}`);
      if (only.has('load')) {
        for (let i = 0; i < repeat; i += 1) {
          log(`load phases${repeat > 1 ? `, repetition ${i + 1}/${repeat}` : ''} (${seconds} s each, ${connections} connections):`);
          figures.loads.push(await runLoads(servers, tools, { seconds, connections, log, repetition: i, ...(values.kinds !== undefined && { kinds: new Set(values.kinds.split(',')) }) }));
        }
      }
      if (only.has('browser')) {
        log('300-module page in Chromium:');
        figures.browser = await runBrowser(servers, { loads: Number(values.loads), log });
      }
      if (only.has('startup')) {
        log('start-up and scale:');
        figures.startup = await runStartup(entry, servers.upstreamPort, { projects: 100, scaleProjects: 1000, warmRuns: 3, log });
      }
    } finally {
      await servers.close();
    }
  }
  if (only.has('memory')) {
    figures.memory = await runMemory(entry, tools, { seconds, connections, repeat, scaleProjects: Number(values.scale), pauseMs: Number(values.pause) * 1000, log, ...(values.kinds !== undefined && { kinds: new Set(values.kinds.split(',')) }) });
  }
  if (only.has('certificates')) {
    log('certificate issuance:');
    figures.certificates = await runCertificates({ caRuns: 5, leafRuns: 15, log });
  }

  const checks = verdicts(figures);
  const report = renderReport(figures, checks);
  process.stdout.write(`\n${report}\n`);
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryBytes: totalmem(), node: process.version, loadAverageAtEnd: loadavg() };
  const resultsDir = join(REPO_ROOT, 'bench', 'results');
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, 'latest.json');
  await writeFile(file, `${JSON.stringify({ at: new Date().toISOString(), seconds: (Date.now() - started) / 1000, options: { seconds, connections, repeat, only: [...only] }, tools, machine, figures, verdicts: checks }, null, 2)}\n`);
  log(`\nwritten ${file} (${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
}

await main();
