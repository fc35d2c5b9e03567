// esbuild options of the desktop shell's three bundles, for scripts/build.js:
//   for (const options of shellBundles()) await build(options);
// Kept next to the packaging config so the test that runs the bundles builds them the same way.
//
// - main (main process) and engine (utility process): CommonJS for Node 22 (Electron 45), npm
//   packages bundled in, because the package ships no node_modules (electron-builder.config.cjs).
//   The engine reads package.json through `import.meta.url`, which CommonJS lacks: it is defined
//   from the bundle's own file name.
// - preload: one CommonJS file, because a sandboxed preload can require only `electron` and a few
//   built-ins, never a second file of ours.

const importMetaUrl = {
  define: { 'import.meta.url': '__porticoImportMetaUrl' },
  banner: { js: "const __porticoImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

/** @param {{ outdir?: string, sourcemap?: boolean }} [options] */
export function shellBundles({ outdir = 'dist/shell', sourcemap = true } = {}) {
  const common = { bundle: true, format: 'cjs', external: ['electron'], outdir, outExtension: { '.js': '.cjs' }, sourcemap, logLevel: 'warning' };
  return [
    { ...common, ...importMetaUrl, entryPoints: { main: 'main/shell/main.ts', engine: 'main/shell/engine-process.ts' }, platform: 'node', target: 'node22' },
    { ...common, entryPoints: { preload: 'main/shell/preload.ts' }, platform: 'browser', target: 'chrome142' },
  ];
}
