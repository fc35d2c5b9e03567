/**
 * The bench's server processes (servers/main.ts: upstream, baseline, floor) run from an esbuild
 * bundle with plain `node`, not through tsx: tsx's loader stays resident and took a bare
 * `node:https` server from 45 to 81 MB of RSS here, which would hide what the floor and the
 * baseline themselves cost beside Portico (itself bundled, lib/portico.ts). Code splitting keeps
 * each role in its own chunk, so a process loads only its own packages (npm packages stay external
 * and resolve from the repository's node_modules).
 */
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILD_DIR } from './portico';
import { REPO_ROOT } from './procs';

const SERVERS_DIR = join(BUILD_DIR, 'servers');

/** Bundles servers/main.ts; returns the entry script to run with `node`. */
export async function buildBenchServers(): Promise<string> {
  // Chunk names carry a content hash: clear the previous build's.
  await rm(SERVERS_DIR, { recursive: true, force: true });
  await build({
    entryPoints: { main: join(REPO_ROOT, 'bench', 'servers', 'main.ts') },
    outdir: SERVERS_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  return join(SERVERS_DIR, 'main.mjs');
}
