#!/usr/bin/env node
// Builds what runs: the Node entry points bundled into dist/ with esbuild (npm packages stay
// external), so `portico` starts without compiling TypeScript on every run, and the dashboard
// into dist/renderer/ with Vite. bin/portico.js falls back to the TypeScript sources through tsx
// whenever a source file is newer than the bundle. `--cli` builds only the bundle.
import { build } from 'esbuild';

await build({
  entryPoints: { portico: 'main/headless/cli.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

if (!process.argv.includes('--cli')) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: 'renderer/vite.config.ts', logLevel: 'warn' });
}
