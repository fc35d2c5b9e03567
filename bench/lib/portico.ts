/**
 * The real `portico serve`, as users run it: the CLI bundled by scripts/build.js itself (its
 * `--cli --outdir` build), so the bench measures exactly what dist/portico.mjs holds, never touches
 * dist/, and never measures TypeScript compilation at start-up. The bundle goes to
 * node_modules/.cache/portico-bench/, out of reach of the linter and the type checker. Each run
 * gets its own PORTICO_HOME (and HOME, so no trust store of the machine is looked at).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runToEnd, startChild, type Child } from './procs';

export const BUILD_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'portico-bench');

/** Bundles the CLI; returns the entry script to run with `node`. */
export async function buildPortico(): Promise<string> {
  await mkdir(BUILD_DIR, { recursive: true });
  const built = await runToEnd(process.execPath, ['scripts/build.js', '--cli', `--outdir=${BUILD_DIR}`], 120_000);
  if (built.code !== 0) throw new Error(`scripts/build.js failed (${built.code}): ${built.stderr}${built.stdout}`);
  const entry = join(BUILD_DIR, 'run.mjs');
  await writeFile(entry, `${process.env.BENCH_PORTICO_TRACE ? TRACE : ''}import { main } from './portico.mjs';\nprocess.exitCode = await main(process.argv.slice(2));\n`);
  return entry;
}

/**
 * `BENCH_PORTICO_TRACE=1`: every Portico process the bench starts appends its memory, once a
 * second, to bench/results/trace-<pid>.jsonl (RSS, V8's heap by space, external memory), to see
 * where RSS goes during a load. Off by default: it is one more timer in the measured process.
 */
const TRACE = `import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
const traceFile = ${JSON.stringify(join(REPO_ROOT, 'bench', 'results'))} + '/trace-' + process.pid + '.jsonl';
mkdirSync(${JSON.stringify(join(REPO_ROOT, 'bench', 'results'))}, { recursive: true });
const traceStart = Date.now();
const mb = (bytes) => Math.round(bytes / 2 ** 20 * 10) / 10;
setInterval(() => {
  const memory = process.memoryUsage();
  const rss = Number(/VmRSS:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
  const spaces = Object.fromEntries(getHeapSpaceStatistics().filter((s) => s.space_size > 0).map((s) => [s.space_name, [mb(s.space_size), mb(s.space_used_size)]]));
  appendFileSync(traceFile, JSON.stringify({ s: Math.round((Date.now() - traceStart) / 1000), rss: mb(rss), heapTotal: mb(memory.heapTotal), heapUsed: mb(memory.heapUsed), external: mb(memory.external), arrayBuffers: mb(memory.arrayBuffers), spaces }) + '\\n');
}, 1000).unref();
`;

export interface BenchProject {
  name: string;
  domains: string[];
  upstream: string;
}

export async function tempDir(prefix: string): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a config with `projects` (every other field at its default) as a user's file would be. */
export async function writeConfig(home: string, projects: readonly BenchProject[]): Promise<void> {
  const at = new Date().toISOString();
  const config = {
    version: 1,
    projects: projects.map((p) => ({ ...p, enabled: true, https: true, hsts: 'dev', secureCookies: true, hostHeader: 'preserve', createdAt: at, updatedAt: at })),
  };
  await mkdir(home, { recursive: true, mode: 0o700 });
  await writeFile(join(home, 'config.json'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}

export interface RunningPortico {
  child: Child;
  httpsPort: number;
  httpPort: number;
  /** From spawn to the "Listening" line (the proxy accepts connections by then). */
  startupMs: number;
  stop(): Promise<void>;
}

/**
 * Extra Node flags for the Portico process, e.g. `BENCH_PORTICO_NODE_ARGS='--cpu-prof
 * --cpu-prof-dir=bench/results/profiles'` to profile it under the bench's load.
 */
function extraNodeArgs(): string[] {
  return (process.env.BENCH_PORTICO_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
}

export async function startPortico(entry: string, home: string, timeoutMs = 30_000): Promise<RunningPortico> {
  const started = performance.now();
  const child = startChild(process.execPath, [...extraNodeArgs(), entry, 'serve', '--https-port', '0', '--http-port', '0'], {
    env: { ...process.env, PORTICO_HOME: home, HOME: home, NODE_ENV: 'production' },
  });
  try {
    const listening = await child.waitFor(/HTTPS on port (\d+), HTTP on port (\d+)/, timeoutMs);
    const startupMs = performance.now() - started;
    await child.waitFor(/Dashboard: /, timeoutMs);
    return { child, httpsPort: Number(listening[1]), httpPort: Number(listening[2]), startupMs, stop: () => child.stop() };
  } catch (error) {
    await child.stop();
    throw error;
  }
}
