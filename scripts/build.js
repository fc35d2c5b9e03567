#!/usr/bin/env node
// Bundles the Node entry points into dist/ with esbuild (npm packages stay external), so the
// `portico` command starts without compiling TypeScript on every run. bin/portico.js falls back
// to running the sources through tsx whenever a source file is newer than the bundle.
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
