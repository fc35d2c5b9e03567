#!/usr/bin/env node
// Builds what runs: the Node entry points bundled into dist/ with esbuild (npm packages stay
// external), so `portico` starts without compiling TypeScript on every run, and the dashboard
// into dist/renderer/ with Vite. bin/portico.js falls back to the TypeScript sources through tsx
// whenever a source file is newer than the bundle. The desktop shell's bundles go to dist/shell/.
// `--cli` builds only the CLI bundle.
import { build } from 'esbuild';
import { shellBundles } from '../build/shell-bundles.mjs';

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
  // The desktop shell: main process, engine utility process, sandboxed preload (main/shell/README.md).
  for (const options of shellBundles()) await build(options);
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: 'renderer/vite.config.ts', logLevel: 'warn' });
}
