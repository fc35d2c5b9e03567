/**
 * The real `portico serve`, as users run it: the CLI bundled the way scripts/build.js bundles it
 * (esbuild, npm packages external), so the bench never touches dist/ and never measures
 * TypeScript compilation at start-up. The bundle goes to node_modules/.cache/portico-bench/:
 * inside node_modules so its external imports resolve, and out of reach of the linter and the
 * type checker. Each run gets its own PORTICO_HOME (and HOME, so no trust store of the machine
 * is looked at).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT, startChild, type Child } from './procs';

export const BUILD_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'portico-bench');

/** Bundles the CLI; returns the entry script to run with `node`. */
export async function buildPortico(): Promise<string> {
  await mkdir(BUILD_DIR, { recursive: true });
  await build({
    entryPoints: { portico: join(REPO_ROOT, 'main/headless/cli.ts') },
    outdir: BUILD_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  const entry = join(BUILD_DIR, 'run.mjs');
  await writeFile(entry, "import { main } from './portico.mjs';\nprocess.exitCode = await main(process.argv.slice(2));\n");
  return entry;
}

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
