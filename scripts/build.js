#!/usr/bin/env node
// Builds what runs: the CLI bundled into dist/portico.mjs with esbuild, so `portico` starts without
// compiling TypeScript on every run, and the dashboard into dist/renderer/ with Vite. bin/portico.js
// falls back to the TypeScript sources through tsx whenever a source file is newer than the bundle.
// The desktop shell's bundles go to dist/shell/. `--cli` builds only the CLI bundle;
// `--outdir=<dir>` puts it elsewhere (the benchmark builds its own copy this way).
//
// The CLI bundle is shaped for `portico serve`'s memory (issue #7, bench/README.md "Memory"):
// - npm packages are bundled in: loading zod's hundred ES modules and node-forge's CommonJS
//   files one by one cost ~7 MB more RSS than the same code in one file (Node's module loaders,
//   a module record and a source string per file). The banner gives node-forge its `require`
//   for Node's built-ins.
// - whitespace and comments are dropped: V8 keeps the whole source text in the heap, two bytes
//   per character as soon as one character is not Latin-1 (a "—" in a comment), so this takes
//   the bundle's string from 3.6 MB to 1.3 MB. Names stay, so stack traces stay readable; the
//   source map (`node --enable-source-maps`) maps them back to the TypeScript.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { shellBundles } from '../build/shell-bundles.mjs';

const outdir = process.argv.find((arg) => arg.startsWith('--outdir='))?.slice('--outdir='.length) ?? 'dist';

await build({
  entryPoints: { portico: 'main/headless/cli.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: { js: "import { createRequire as __porticoCreateRequire } from 'node:module'; const require = __porticoCreateRequire(import.meta.url);" },
  minifyWhitespace: true,
  sourcemap: true,
  logLevel: 'warning',
});

const cli = await readFile(`${outdir}/portico.mjs`, 'latin1');
// eslint-disable-next-line no-control-regex
if (/[^\x00-\x7f]/.test(cli)) console.warn(`warning: ${outdir}/portico.mjs is not ASCII: V8 will hold its source at two bytes per character`);

if (!process.argv.includes('--cli')) {
  // The desktop shell: main process, engine utility process, sandboxed preload (main/shell/README.md).
  for (const options of shellBundles()) await build(options);
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: 'renderer/vite.config.ts', logLevel: 'warn' });
}
